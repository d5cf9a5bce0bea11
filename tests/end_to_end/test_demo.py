"""The demo command itself: it reports a source that dies mid-run, and whether it fails or is
interrupted, it stops everything it started and nothing else."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_aws import PROJECT_ROOT, emulator
from local_aws.clients import configured_port

pytestmark = [pytest.mark.terraform, pytest.mark.spark]


@pytest.fixture
def demo_temporary_folder() -> Iterator[Path]:
    """A temporary folder of the demo's own, apart from other tests' (PostgreSQL's server, which
    runs as another user when the demo runs as root, must be able to reach into it)."""
    folder = Path(tempfile.mkdtemp(prefix="demo-under-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def demo_environment(temporary_folder: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(temporary_folder)}


def demo_emulator_port(stdout: str) -> int:
    """The port of the emulator the demo started, as its start-up line names it."""
    match = re.search(r"emulator on http://127\.0\.0\.1:(\d+)", stdout)
    assert match, stdout
    return int(match.group(1))


def test_the_demo_reports_a_source_that_dies_mid_run_and_cleans_up(emulator_endpoint: str, demo_temporary_folder: Path) -> None:
    demo = subprocess.run(
        [sys.executable, "-m", "local_aws.demo", "--rows", "20", "--run-id", "dies", "--kill-source-during-extract"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=demo_environment(demo_temporary_folder),
        timeout=600,
        check=False,
    )

    assert demo.returncode == 1, demo.stdout + demo.stderr
    # Not on a terminal, the demo's progress is a line per change of a table's stage.
    changes = re.findall(r"^ +[0-9.]+ s  (\w+) +(extract|crawl|cleanse|report) +(\w+)", demo.stdout, re.MULTILINE)
    # Every table's extract job fails (the source is gone), so nothing is crawled or cleansed; the run is reported.
    assert {(table, stage): state for table, stage, state in changes} == {
        **{(table, "extract"): "failed" for table in ("countries", "customers", "orders")},
        **{(table, "crawl"): "skipped" for table in ("countries", "customers", "orders")},
        **{(table, "cleanse"): "skipped" for table in ("countries", "customers", "orders")},
        **{(table, "report"): "succeeded" for table in ("countries", "customers", "orders")},
    }, demo.stdout
    assert not any(stage == "crawl" and state == "running" for _, stage, state in changes)
    last_lines = demo.stderr.strip().splitlines()[-4:]
    assert last_lines[0] == "The pipeline failed at 3 of 3 tables:"
    for line, table in zip(last_lines[1:], ["countries", "customers", "orders"], strict=True):
        assert line.startswith(f"  {table} at RunExtractJob: JobFailed: Job demo-extract-to-raw run jr_"), line
        assert " ended FAILED: exited with status 1: org.postgresql.util.PSQLException: Connection to 127.0.0.1:" in line
        assert "refused" in line
    assert not emulator.is_up(demo_emulator_port(demo.stdout)), "the demo left its emulator running"
    assert emulator.is_up(configured_port()), "the demo stopped an emulator it did not start"
    assert not list(demo_temporary_folder.glob("local-aws-postgres-*")), "the demo left its PostgreSQL data folder"


def test_the_demo_cleans_up_when_interrupted(emulator_endpoint: str, demo_temporary_folder: Path) -> None:
    demo = subprocess.Popen(
        [sys.executable, "-m", "local_aws.demo", "--rows", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env=demo_environment(demo_temporary_folder),
    )
    assert demo.stdout is not None
    started = ""
    for line in demo.stdout:
        started += line
        if line.startswith("== terraform apply"):
            break
    demo.send_signal(signal.SIGINT)  # what Ctrl-C does, mid-apply
    stdout, stderr = demo.communicate(timeout=120)

    assert demo.returncode == 130, stdout + stderr
    assert "Interrupted: everything the demo started has been stopped." in stderr
    assert not emulator.is_up(demo_emulator_port(started)), "the demo left its emulator running"
    assert emulator.is_up(configured_port()), "the demo stopped an emulator it did not start"
    assert not list(demo_temporary_folder.glob("local-aws-postgres-*")), "the demo left its PostgreSQL data folder"
