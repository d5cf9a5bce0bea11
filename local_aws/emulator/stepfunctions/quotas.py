"""Step Functions' payload quota (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html):
"Maximum input or output size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded
string".

moto's interpreter already ends an execution `States.DataLimitExceeded` when a state's output or a
task's result is larger (moto.stepfunctions.parser.quotas, whose check lets 256 KiB less a byte
through: here exactly 256 KiB passes, as the quota reads). What it lacks:
- StartExecution's `input` and SendTaskSuccess's `output` are refused past 262,144 bytes, the length
  constraint of both members (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html,
  API_SendTaskSuccess.html, "Length constraints apply to the payload size, and are expressed as bytes
  in UTF-8 encoding"), with the `ValidationException` AWS answers a member's length constraint with
  (the value left out, as for any member the model marks sensitive).
That a States.ALL Catch leaves States.DataLimitExceeded uncaught is `terminal_errors`.
"""

from typing import Any

from moto.core.exceptions import AWSError
from moto.stepfunctions.parser.asl.component.state import state
from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_lambda
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str
from moto.stepfunctions.responses import StepFunctionResponse

PAYLOAD_MAX_BYTES = 256 * 1024

_start_execution = StepFunctionResponse.start_execution
_send_task_success = StepFunctionResponse.send_task_success


def payload_bytes(value: Any) -> int:
    return len((value if isinstance(value, str) else to_json_str(value)).encode("utf-8"))


def is_within_size_quota(value: Any) -> bool:
    return payload_bytes(value) <= PAYLOAD_MAX_BYTES


def _check_payload(value: str | None, member: str) -> None:
    if value is not None and payload_bytes(value) > PAYLOAD_MAX_BYTES:
        raise AWSError(
            f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {PAYLOAD_MAX_BYTES}",
            exception_type="ValidationException",
        )


def _start_execution_within_quota(self: StepFunctionResponse) -> Any:
    _check_payload(self._get_param("input"), "input")
    return _start_execution(self)


def _send_task_success_within_quota(self: StepFunctionResponse) -> Any:
    _check_payload(self._get_param("output"), "output")
    return _send_task_success(self)


def enforce_payload_quotas() -> None:
    """Hold executions and task tokens to the payload quota; call once in the emulator process."""
    setattr(StepFunctionResponse, "start_execution", _start_execution_within_quota)  # noqa: B010
    setattr(StepFunctionResponse, "send_task_success", _send_task_success_within_quota)  # noqa: B010
    for module in (state, state_task_lambda, state_task_service):
        setattr(module, "is_within_size_quota", is_within_size_quota)  # noqa: B010
