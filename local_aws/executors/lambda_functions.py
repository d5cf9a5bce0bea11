"""Runs a Lambda function's deployed code when the emulator is asked to invoke it.

moto runs functions in Docker, and without Docker echoes the request back without running
anything. Here the zip the emulator stored (what `terraform apply` uploaded, not the source tree,
so packaging mistakes show) is unpacked once per code hash and its handler runs in a warm
execution environment (`lambda_environments`: a Python process kept per function configuration,
as Lambda keeps one) whose AWS SDK points back at the emulator, under the function's role. A
handler's exception comes back as Lambda reports it: a "Handled" function error whose payload
names the exception class.
Scenarios can make the next invocations of a function fail as throttled (`throttle_invocations`).
"""

import contextlib
import hashlib
import io
import json
import os
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Any

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import LambdaFunction

from local_aws.clients import emulator_environment, own_port
from local_aws.emulator.iam.service_roles import RoleNotAssumable, assume_role_as_service
from local_aws.executors.lambda_environments import ExecutionEnvironments, InvocationTimedOut

UNPACKED_CODE = Path(tempfile.gettempdir()) / "local-aws-lambda-code"
ENVIRONMENTS = ExecutionEnvironments()


class RoleCannotBeAssumed(LambdaClientError):
    def __init__(self, error: RoleNotAssumable) -> None:
        # AWS's words when Lambda cannot assume a function's execution role.
        super().__init__("InvalidParameterValueException", f"The role defined for the function cannot be assumed by Lambda. {error}")


class TooManyRequestsException(LambdaClientError):
    code = 429

    def __init__(self, function_name: str) -> None:
        super().__init__("TooManyRequestsException", f"Rate Exceeded. (invocation of {function_name} throttled by the scenario)")


_throttled_invocations: dict[str, int] = {}
_throttle_lock = threading.Lock()


def throttle_invocations(function_name: str, count: int) -> None:
    """The next `count` invocations of `function_name` fail with TooManyRequestsException (HTTP 429)."""
    if count < 0:
        raise ValueError(f"count cannot be negative, got {count}.")
    with _throttle_lock:
        _throttled_invocations[function_name] = count


def forget_throttles() -> None:
    with _throttle_lock:
        _throttled_invocations.clear()


def discard_environments() -> None:
    """Drop every warm execution environment: the next invocations start afresh."""
    ENVIRONMENTS.discard_all()


def _take_throttle(function_name: str) -> bool:
    with _throttle_lock:
        remaining = _throttled_invocations.get(function_name, 0)
        if remaining:
            _throttled_invocations[function_name] = remaining - 1
        return bool(remaining)


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
    """Invoke the function's handler on `event` under its execution role, in its own region:
    (payload, errored, log output)."""
    try:
        credentials = assume_role_as_service(function.role, "lambda.amazonaws.com", function.region, source_arn=function.function_arn)
    except RoleNotAssumable as error:
        raise RoleCannotBeAssumed(error) from error
    environment = {
        "PATH": os.environ.get("PATH", ""),
        **emulator_environment(function.region, own_port()),
        **credentials.environment(),
        **(function.environment_vars or {}),
        "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
        "PYTHONPATH": str(unpacked_code(function)),
    }
    # A new configuration gets new environments, as a new function version does on Lambda.
    key = (function.function_arn, function.code_sha_256, str(function.handler), function.role, json.dumps(environment, sort_keys=True))
    try:
        outcome = ENVIRONMENTS.invoke(key, str(function.handler), environment, event, float(function.timeout))
    except InvocationTimedOut as error:
        return json.dumps({"errorMessage": str(error), "errorType": "Sandbox.Timedout"}), True, ""
    if "error" in outcome:
        return json.dumps(outcome["error"]), True, outcome["logs"]
    return json.dumps(outcome["result"]), False, outcome["logs"]


def _invoke_lambda(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    return run_handler(self, event if event is not None else {})


_moto_invoke = LambdaFunction.invoke


def _invoke(self: LambdaFunction, body: str, request_headers: Any, response_headers: Any) -> str | bytes:
    if _take_throttle(self.function_name):
        raise TooManyRequestsException(self.function_name)
    return _moto_invoke(self, body, request_headers, response_headers)


def execute_lambdas() -> None:
    """Make the emulator run deployed Lambda code; call once in the emulator process."""
    setattr(LambdaFunction, "_invoke_lambda", _invoke_lambda)  # noqa: B010 — one patch, named for grep
    setattr(LambdaFunction, "invoke", _invoke)  # noqa: B010
