"""Warm Spark drivers for local Glue job runs: a JVM costs seconds to start, so a driver process
(`spark_worker.py`) stays up and runs one job run after another, each isolated as a new Glue run is.

A run takes an idle driver of the kind it needs (`DriverKind`: its Spark line's Python, the data lake
formats' jars and the static settings it starts with), or starts one; a driver goes back to the pool when its run ends
with Spark still up. Runs of one kind share at most MAX_DRIVERS_PER_KIND drivers: more runs at
once (a pipeline's tables cleansed side by side) wait for one, as a cold JVM per concurrent run
costs a small machine more than the wait (measured on 2 cores: the demo's three concurrent cleanse job
runs on cold drivers took 92 s). `prewarm()` starts one ahead of the first run (the emulator does
when jobs are switched to local runs, so the JVM starts while Terraform applies). A run that
outlives its timeout kills its driver. Drivers end with the emulator, however it ends: their stdin closes
(and Spark's JVM ends with its Python).
"""

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_aws.executors.json_line_process import JsonLineProcess, NoReplyInTime, ProcessEnded
from local_aws.executors.spark_configuration import DriverKind

WORKER = Path(__file__).resolve().parent / "spark_worker.py"
START_TIMEOUT_SECONDS = 180
MAX_DRIVERS_PER_KIND = max(1, (os.cpu_count() or 1) // 2)


class DriverLost(RuntimeError):
    """The driver process ended."""


class RunTimedOut(DriverLost):
    """The run outlived its timeout; its driver was stopped."""


@dataclass(frozen=True)
class SparkJobRun:
    """One job run: `script` (its folder holding its --extra-py-files) run with `argv`, in `cwd`,
    its output to `log`, with the process environment, session settings and JVM system
    properties of its own."""

    script: Path
    argv: list[str]
    environment: dict[str, str]
    session_settings: dict[str, str]
    jvm_properties: dict[str, str]
    cwd: Path
    log: Path
    driver: DriverKind = field(default_factory=DriverKind)


class WarmSparkDriver:
    """One driver process: a Python with a live SparkSession, running one job run at a time."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="local-glue-spark-driver-"))
        # Kept after the driver ends: it tells why a driver died.
        self.log_path = self.folder.with_suffix(".log")
        # The run's scripts folder is linked here for each run, so that Spark's Python workers
        # (PYTHONPATH fixed when the JVM started) import the run's modules, as Glue ships them.
        environment = {**environment, "PYTHONPATH": os.pathsep.join([environment["PYTHONPATH"], str(self.folder / "scripts")])}
        with self.log_path.open("wb") as log:
            # The Python of the driver's Spark line (PYSPARK_PYTHON), whose pyspark the worker imports.
            self._process = JsonLineProcess([environment["PYSPARK_PYTHON"], str(WORKER)], environment, log, subprocess.STDOUT)
        self.application_id = self._answer(lambda: self._process.reply(START_TIMEOUT_SECONDS), START_TIMEOUT_SECONDS)["application_id"]

    def _answer(self, exchange: Callable[[], dict[str, Any]], timeout_seconds: float) -> dict[str, Any]:
        try:
            return exchange()
        except NoReplyInTime:
            self.stop()
            raise RunTimedOut(f"no answer from the Spark driver within {timeout_seconds:.0f} s; its log: {self.log_path}") from None
        except ProcessEnded:
            self.stop()
            raise DriverLost(f"the Spark driver has ended; its log: {self.log_path}") from None

    def run(self, job_run: SparkJobRun, timeout_seconds: float) -> int:
        """Run the job run; raise RunTimedOut when it outlives `timeout_seconds` (the driver is
        then stopped), DriverLost when the driver dies."""
        link = self.folder / "scripts"
        staged = self.folder / "scripts.next"
        staged.unlink(missing_ok=True)
        staged.symlink_to(job_run.script.parent, target_is_directory=True)
        staged.replace(link)
        request = {
            "script": str(link / job_run.script.name),
            "argv": job_run.argv,
            "environment": job_run.environment,
            "session_settings": job_run.session_settings,
            "jvm_properties": job_run.jvm_properties,
            "cwd": str(job_run.cwd),
            "log": str(job_run.log),
        }
        answer = self._answer(lambda: self._process.request(request, timeout_seconds), timeout_seconds)
        if not answer["driver_alive"]:
            self.stop()
        return int(answer["returncode"])

    @property
    def alive(self) -> bool:
        return self._process.alive

    def stop(self) -> None:
        self._process.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class WarmSparkDrivers:
    """The pool of drivers of one emulator; `environment` gives a kind of driver's launch environment."""

    def __init__(self, environment: Callable[[DriverKind], dict[str, str]]) -> None:
        self._environment = environment
        self._idle: dict[DriverKind, list[Future[WarmSparkDriver]]] = {}
        self._slots: dict[DriverKind, threading.Semaphore] = {}
        self._lock = threading.Lock()

    def _start(self, kind: DriverKind) -> Future[WarmSparkDriver]:
        future: Future[WarmSparkDriver] = Future()

        def start() -> None:
            try:
                future.set_result(WarmSparkDriver(self._environment(kind)))
            except Exception as error:  # the run that takes this driver reports it
                future.set_exception(error)

        threading.Thread(target=start, daemon=True, name="spark-driver-start").start()
        return future

    def prewarm(self, kind: DriverKind) -> None:
        """Start a driver of `kind` now unless one is idle or starting."""
        with self._lock:
            idle = self._idle.setdefault(kind, [])
            if not idle:
                idle.append(self._start(kind))

    def run(self, job_run: SparkJobRun, timeout_seconds: float) -> int:
        with self._lock:
            slot = self._slots.setdefault(job_run.driver, threading.Semaphore(MAX_DRIVERS_PER_KIND))
        with slot:
            with self._lock:
                idle = self._idle.setdefault(job_run.driver, [])
                future = idle.pop() if idle else self._start(job_run.driver)
            driver = future.result(timeout=START_TIMEOUT_SECONDS)
            try:
                return driver.run(job_run, timeout_seconds)
            finally:
                self._release(job_run.driver, driver)

    def _release(self, kind: DriverKind, driver: WarmSparkDriver) -> None:
        with self._lock:
            idle = self._idle.setdefault(kind, [])
            if driver.alive and len(idle) < MAX_DRIVERS_PER_KIND:
                done: Future[WarmSparkDriver] = Future()
                done.set_result(driver)
                idle.append(done)
                return
        if driver.alive:
            driver.stop()
