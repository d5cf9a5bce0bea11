"""Errors a States.ALL Catch or Retry does not catch, as Step Functions has them
(https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html): "The States.ALL
error type ... can't catch the States.DataLimitExceeded terminal error or Runtime error types". Named
in ErrorEquals, they are caught. moto's States.ALL matched both, so a run went on past a Catch where
AWS fails the execution.

For such an error to reach the Catch of the Parallel or Map state around it, a branch's or an
iteration's error keeps its name: moto wraps it in CustomErrorName, which raises on any `States.`
name, so every States.* error inside a branch or iteration (States.TaskFailed, States.Timeout,
States.DataLimitExceeded) ended the whole execution as a States.Runtime ValueError.
"""

from typing import Any

from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import ILLEGAL_CUSTOM_ERROR_PREFIX, CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl
from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import StatesErrorNameType
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import iteration_worker
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl

STATES_ALL = StatesErrorNameType.StatesALL.to_name()
UNCAUGHT_BY_STATES_ALL = {
    StatesErrorNameType.StatesStatesDataLimitExceeded.to_name(),
    StatesErrorNameType.StatesRuntime.to_name(),
}

_error_equals = ErrorEqualsDecl._eval_body


def _error_equals_leaving_terminal_errors(self: ErrorEqualsDecl, env: Any) -> None:
    error_name = env.stack[-1]
    wildcard_only = [name.error_name for name in self.error_names] == [STATES_ALL]
    if wildcard_only and getattr(error_name, "error_name", None) in UNCAUGHT_BY_STATES_ALL:
        env.stack.pop()
        env.stack.append(False)
        return
    _error_equals(self, env)


def branch_error_name(error_name: str | None) -> ErrorName:
    """The error name a branch or iteration ended with, States.* names included."""
    if error_name is not None and error_name.startswith(ILLEGAL_CUSTOM_ERROR_PREFIX):
        return StatesErrorName.from_name(error_name)
    return CustomErrorName(error_name)


def leave_terminal_errors_uncaught() -> None:
    """Make States.ALL leave the terminal errors; call once in the emulator process."""
    setattr(ErrorEqualsDecl, "_eval_body", _error_equals_leaving_terminal_errors)  # noqa: B010
    for module in (branches_decl, iteration_worker):
        setattr(module, "CustomErrorName", branch_error_name)  # noqa: B010
