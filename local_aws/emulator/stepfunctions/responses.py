"""Step Functions API calls the aws provider and the pipeline need and moto 5.2 lacks, filled into
moto's Step Functions responses (tests/local_aws/stepfunctions/test_stepfunctions_api_fills.py shows
each fill at work):
- states:ValidateStateMachineDefinition and states:ListStateMachineVersions are missing, so
  aws_sfn_state_machine can be neither created nor read; the validation reports the graph checks
  AWS makes (`definition_checks`);
- states:SendTaskFailure drops its `cause`, which the task's failure carries on AWS
  (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html), so a
  crawl's error never reached the run's failure (crawler_wait = "event").
"""

from typing import Any, cast

from moto.core.responses import ActionResult, EmptyResult
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser, ASLParserException
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import StepFunctionResponse

from local_aws.emulator.stepfunctions.definition_checks import CODE, definition_diagnostics


def _validate_state_machine_definition(self: StepFunctionResponse) -> ActionResult:
    definition = self._get_param("definition")
    try:
        AmazonStateLanguageParser.parse(definition)
    except ASLParserException as error:
        return ActionResult(
            {
                "result": "FAIL",
                "diagnostics": [{"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": str(error)}],
                "truncated": False,
            }
        )
    diagnostics = [
        {"severity": "ERROR", "code": CODE, "message": diagnostic.message, "location": diagnostic.location}
        for diagnostic in definition_diagnostics(definition)
    ]
    return ActionResult({"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics, "truncated": False})


def _send_task_failure(self: StepFunctionResponse) -> ActionResult:
    token, error, cause = self._get_param("taskToken"), self._get_param("error"), self._get_param("cause")
    # The emulator runs executions (execute_state_machine): its backend is the interpreter's.
    cast(StepFunctionsParserBackend, self.stepfunction_backend).send_task_failure(token, error=error, cause=cause)
    return EmptyResult()


def _list_state_machine_versions(self: StepFunctionResponse) -> ActionResult:
    return ActionResult({"stateMachineVersions": []})


FILLS: list[tuple[type, str, Any]] = [
    (StepFunctionResponse, "validate_state_machine_definition", _validate_state_machine_definition),
    (StepFunctionResponse, "list_state_machine_versions", _list_state_machine_versions),
    (StepFunctionResponse, "send_task_failure", _send_task_failure),
]
