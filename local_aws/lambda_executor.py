"""Runs a Lambda function's deployed code when the emulator is asked to invoke it.

moto runs functions in Docker, and without Docker echoes the request back without running
anything. Here the zip the emulator stored (what `terraform apply` uploaded, not the source tree,
so packaging mistakes show) is unpacked once per code hash and its handler runs in a Python
subprocess whose AWS SDK points back at the emulator. A handler's exception comes back as Lambda
reports it: a "Handled" function error whose payload names the exception class.
"""

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from moto.awslambda.models import LambdaFunction

from local_aws.clients import emulator_environment

UNPACKED_CODE = Path(tempfile.gettempdir()) / "local-aws-lambda-code"

# Runs inside the subprocess: imports the handler from the unpacked zip, reads the event on
# stdin, writes {"result": ...} or {"error": {...}} as the last line of stdout.
RUNNER = """
import importlib, json, sys, traceback
module_name, function_name = sys.argv[1].rsplit(".", 1)
event = json.loads(sys.stdin.read() or "{}")
try:
    result = getattr(importlib.import_module(module_name), function_name)(event, None)
    outcome = {"result": result}
except Exception as error:
    outcome = {"error": {"errorMessage": str(error), "errorType": type(error).__name__,
                         "stackTrace": traceback.format_tb(error.__traceback__)}}
print("\\n" + json.dumps(outcome, default=str))
"""


def unpacked_code(function: LambdaFunction) -> Path:
    code = function.code_bytes
    folder = UNPACKED_CODE / hashlib.sha256(code).hexdigest()
    if not folder.exists():
        UNPACKED_CODE.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=UNPACKED_CODE))
        with zipfile.ZipFile(io.BytesIO(code)) as archive:
            archive.extractall(staging)
        # Two invocations may unpack the same code at once; the first rename wins.
        with contextlib.suppress(OSError):
            staging.rename(folder)
    return folder


def run_handler(function: LambdaFunction, event: Any) -> tuple[str, bool, str]:
    """Invoke the function's handler on `event`: (payload, errored, log output)."""
    port = int(os.environ.get("MOTO_PORT", "4566"))
    environment = {
        "PATH": os.environ.get("PATH", ""),
        **emulator_environment(port),
        **(function.environment_vars or {}),
        "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
        "PYTHONPATH": str(unpacked_code(function)),
    }
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, str(function.handler)],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        env=environment,
        timeout=function.timeout,
        check=False,
    )
    lines = completed.stdout.rstrip().splitlines()
    logs = "\n".join(lines[:-1]) + completed.stderr
    try:
        outcome = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        message = f"The handler process exited with {completed.returncode}: {completed.stderr[-2000:]}"
        return json.dumps({"errorMessage": message, "errorType": "Runtime.ExitError"}), True, logs
    if "error" in outcome:
        return json.dumps(outcome["error"]), True, logs
    return json.dumps(outcome["result"]), False, logs


def _invoke_lambda(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    return run_handler(self, event if event is not None else {})


def execute_lambdas() -> None:
    """Make the emulator run deployed Lambda code; call once in the emulator process."""
    setattr(LambdaFunction, "_invoke_lambda", _invoke_lambda)  # noqa: B010 — one patch, named for grep
