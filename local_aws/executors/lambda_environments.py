"""Warm Lambda execution environments, kept per function version and configuration, as Lambda
keeps them: an invocation takes an idle environment of its function or starts one; concurrent
invocations get environments of their own; an environment whose invocation outlives the
function's timeout is discarded. A changed configuration (code, handler, role, variables) gets new
environments, and `discard_all()` drops every one (the emulator does on a control reset)."""

import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from local_aws.executors.json_line_process import JsonLineProcess, NoReplyInTime, ProcessEnded

RUNTIME = Path(__file__).resolve().parent / "lambda_runtime.py"

EnvironmentKey = tuple[str, ...]


class InvocationTimedOut(RuntimeError):
    """The handler did not answer within the function's timeout."""


class ExecutionEnvironment:
    def __init__(self, handler: str, environment: dict[str, str]) -> None:
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (what the process prints when it dies; closed by discard)
        self._process = JsonLineProcess([sys.executable, str(RUNTIME), handler], environment, subprocess.DEVNULL, self._errors)

    def invoke(self, event: Any, timeout_seconds: float) -> dict[str, Any]:
        try:
            return self._process.request(event, timeout_seconds)
        except NoReplyInTime:
            self.discard()
            raise InvocationTimedOut(f"Task timed out after {timeout_seconds:.2f} seconds") from None
        except ProcessEnded:
            self.discard()
            self._errors.seek(0)
            message = f"The handler process exited with {self._process.returncode}: {self._errors.read()[-2000:].decode(errors='replace')}"
            return {"error": {"errorMessage": message, "errorType": "Runtime.ExitError"}, "logs": ""}

    def discard(self) -> None:
        self._process.stop()
        self._errors.close()


class ExecutionEnvironments:
    def __init__(self) -> None:
        self._idle: dict[EnvironmentKey, list[ExecutionEnvironment]] = {}
        self._lock = threading.Lock()

    def invoke(self, key: EnvironmentKey, handler: str, environment: dict[str, str], event: Any, timeout_seconds: float) -> dict[str, Any]:
        with self._lock:
            idle = self._idle.get(key, [])
            warm = idle.pop() if idle else None
        execution_environment = warm or ExecutionEnvironment(handler, environment)
        outcome = execution_environment.invoke(event, timeout_seconds)  # a timeout discards it
        if outcome.get("error", {}).get("errorType") == "Runtime.ExitError":
            return outcome
        with self._lock:
            self._idle.setdefault(key, []).append(execution_environment)
        return outcome

    def discard_all(self) -> None:
        with self._lock:
            environments = [environment for idle in self._idle.values() for environment in idle]
            self._idle.clear()
        for environment in environments:
            environment.discard()
