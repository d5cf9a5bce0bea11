"""Starts and stops the local AWS emulator: moto in server mode on 127.0.0.1 with each service's
fills of what moto lacks (`local_aws.emulator.<service>`), IAM enforced (`local_aws.emulator.iam`), and
the executors of the project's real code.
`make emulator-up` keeps one on port 4566 (the LocalStack port) for manual use.

    python -m local_aws.emulator up      # start in the background (no-op when already up)
    python -m local_aws.emulator down    # stop what `up` started
    python -m local_aws.emulator status
    python -m local_aws.emulator serve   # run in the foreground

From Python, `running_emulator()` starts an emulator of its own on a free port (one emulator per
test session, demo or benchmark), makes it this process's emulator (LOCAL_AWS_PORT) while it runs,
and stops it: nothing reuses or resets an emulator it did not start.

An emulator starts with its Glue job runs executed for real, on local Spark, as a person who applies
a configuration and starts a run expects. Planned job runs (each run ends as a test's plan says,
nothing executed) are what a test harness opts into: `running_emulator(job_runs="planned")`.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from local_aws import PROJECT_ROOT
from local_aws.clients import configured_port, endpoint_url, free_port

STATE_DIR = PROJECT_ROOT / ".local"
START_TIMEOUT_SECONDS = 60
# How the emulator runs Glue job runs: the job's script on local Spark, or as plan_job_runs says.
JobRuns = Literal["local-spark", "planned"]


class EmulatorError(RuntimeError):
    """The emulator could not be started or reached."""


def is_up(port: int | None = None) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint_url(port)}/moto-api/", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _post(path: str, port: int | None, body: bytes = b"{}") -> None:
    request = urllib.request.Request(f"{endpoint_url(port)}{path}", data=body, headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(request, timeout=10).close()


def reset_control(port: int | None = None) -> None:
    """Forget the plans for crawls and job runs, throttled invocations and the time scale; keep the resources."""
    _post("/moto-api/local-aws/reset", port)


def reset(port: int | None = None) -> None:
    """Forget every resource the emulator holds, and what `reset_control` forgets."""
    _post("/moto-api/reset", port)
    reset_control(port)


def _pid_file(port: int) -> Path:
    return STATE_DIR / f"emulator-{port}.pid"


def log_file(port: int) -> Path:
    return STATE_DIR / f"emulator-{port}.log"


def start(port: int | None = None, job_runs: JobRuns = "local-spark") -> subprocess.Popen[bytes]:
    """Start the emulator in a child process, wait until it answers, and set how it runs Glue jobs."""
    port = port or configured_port()
    if is_up(port):
        raise EmulatorError(f"Something already answers on {endpoint_url(port)}; stop it or use another port.")
    STATE_DIR.mkdir(exist_ok=True)
    log = log_file(port).open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "local_aws.emulator", "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=PROJECT_ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not is_up(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise EmulatorError(f"The emulator did not start on port {port}; see {log_file(port)}.")
        time.sleep(0.2)
    # The control route of local_aws.control.run_jobs_locally (the emulator's reset returns it to "planned").
    try:
        _post("/moto-api/local-aws/job-executor", port, json.dumps({"mode": job_runs}).encode())
    except OSError as error:
        process.kill()
        raise EmulatorError(f"The emulator on port {port} refused job runs {job_runs!r}: {error}; see {log_file(port)}.") from error
    _pid_file(port).write_text(str(process.pid))
    return process


def stop(port: int | None = None) -> bool:
    """Stop the emulator `start` left running on `port`; False when there was none."""
    port = port or configured_port()
    pid_file = _pid_file(port)
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text())
    pid_file.unlink()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
        for _ in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)
        os.killpg(pid, signal.SIGKILL)
    return True


@contextlib.contextmanager
def running_emulator(port: int | None = None, job_runs: JobRuns = "local-spark") -> Iterator[str]:
    """Start an emulator on `port` (a free one by default) running its Glue jobs as `job_runs` says,
    yield its endpoint with LOCAL_AWS_PORT pointing at it, and stop it on the way out."""
    port = port or free_port()
    process = start(port, job_runs)
    previous_port = os.environ.get("LOCAL_AWS_PORT")
    os.environ["LOCAL_AWS_PORT"] = str(port)
    try:
        yield endpoint_url(port)
    finally:
        if previous_port is None:
            os.environ.pop("LOCAL_AWS_PORT", None)
        else:
            os.environ["LOCAL_AWS_PORT"] = previous_port
        _pid_file(port).unlink(missing_ok=True)
        process.terminate()
        process.wait(timeout=10)
