"""Step Functions' backend (the interpreter's, as the emulator runs executions) where moto 5.2
falls short:
- states:CreateStateMachine, UpdateStateMachine (and ValidateStateMachineDefinition) accept a
  transition to a missing state and an unreachable state, which AWS refuses (`definition_checks`);
  a definition moto's parser refuses reaches the client with no error code, AWS's is
  InvalidDefinition (tests/local_aws/stepfunctions/test_stepfunctions_api_fills.py);
- an execution started without a name gets a UUID as its name, as Step Functions gives it
  ("If you don't provide a name for the execution, Step Functions automatically generates a
  universally unique identifier (UUID) as the execution name":
  https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html); moto's
  parser backend names it "None", so an EventBridge schedule's second start (which names none)
  failed with ExecutionAlreadyExists.
"""

import uuid
from typing import Any

from moto.core.exceptions import AWSError
from moto.stepfunctions.parser.api import InvalidDefinition
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from local_aws.emulator.stepfunctions.definition_checks import definition_diagnostics, invalid_definition_message

ORIGINAL_VALIDATE_DEFINITION = StepFunctionsParserBackend._validate_definition


def _validate_definition_and_its_graph(definition: str) -> None:
    """moto's parser check, then the graph's; refused as AWS refuses, with error code
    InvalidDefinition (moto's own refusal reaches the client with no code)."""
    try:
        ORIGINAL_VALIDATE_DEFINITION(definition)
    except InvalidDefinition as error:
        raise AWSError(error.message, exception_type="InvalidDefinition") from error
    diagnostics = definition_diagnostics(definition)
    if diagnostics:
        raise AWSError(invalid_definition_message(diagnostics), exception_type="InvalidDefinition")


FILLS: list[tuple[type, str, Any]] = [
    (StepFunctionsParserBackend, "_validate_definition", staticmethod(_validate_definition_and_its_graph)),
]

_moto_start_execution = StepFunctionsParserBackend.start_execution


def _start_execution_named(self: StepFunctionsParserBackend, state_machine_arn: str, name: str | None = None, *rest: Any) -> Any:
    return _moto_start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *rest)


def name_unnamed_executions() -> None:
    setattr(StepFunctionsParserBackend, "start_execution", _start_execution_named)  # noqa: B010
