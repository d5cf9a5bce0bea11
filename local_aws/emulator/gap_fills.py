"""AWS API behaviour that moto lacks and the aws provider or the pipeline needs, filled into moto's server.

Each gap was measured against moto 5.2 (tests/local_aws/test_gap_fills.py shows each fill at work):
- glue:DeleteConnection is missing, so `terraform destroy` of a JDBC connection fails;
- glue:UpdateJob is missing, so an apply that changes a job in place (its workers, arguments,
  script) fails;
- glue:GetConnection omits ConnectionType, so every plan shows a change;
- glue:CreateClassifier, GetClassifier, UpdateClassifier and DeleteClassifier are missing, so
  aws_glue_classifier can be neither created nor read (CSV classifiers are kept, for the crawler
  emulation to honour);
- states:ValidateStateMachineDefinition and states:ListStateMachineVersions are missing, so
  aws_sfn_state_machine can be neither created nor read;
- states:CreateStateMachine, UpdateStateMachine (and ValidateStateMachineDefinition) accept a
  transition to a missing state and an unreachable state, which AWS refuses (`definition_checks`);
- states:SendTaskFailure drops its `cause`, which the task's failure carries on AWS
  (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html), so a
  crawl's error never reached the run's failure (crawler_wait = "event");
- Lambda's LoggingConfig (JSON logs, log group) is dropped, so every plan shows a change;
- S3 bucket policies are evaluated without their conditions, so the module's TLS-only policy
  (deny when aws:SecureTransport is false) denies every request. The emulator stands for AWS
  reached over TLS, so statements that match only plain-HTTP requests are left out.
"""

import json
from typing import Any, cast
from weakref import WeakKeyDictionary

from moto.awslambda.models import LambdaFunction
from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.glue.exceptions import AlreadyExistsException, EntityNotFoundException, GlueClientError
from moto.glue.models import FakeConnection, FakeJob
from moto.glue.responses import GlueResponse
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket
from moto.stepfunctions.parser.api import InvalidDefinition
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser, ASLParserException
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import StepFunctionResponse

from local_aws.emulator.definition_checks import CODE, definition_diagnostics, invalid_definition_message

ORIGINAL_VALIDATE_DEFINITION = StepFunctionsParserBackend._validate_definition


def _delete_connection(self: GlueResponse) -> ActionResult:
    name = self._get_param("ConnectionName")
    if self.glue_backend.connections.pop(name, None) is None:
        raise EntityNotFoundException(f"Connection {name} not found")
    return EmptyResult()


# UpdateJob "completely overwrites" the job definition; what JobUpdate leaves out "is removed or reset
# to default values" (Glue API reference, UpdateJob). The job keeps its runs, tags, creation time and
# bookmark (kept per job object), so it is rebuilt in place.
JOB_UPDATE_FIELDS = {
    "Role": "role",
    "Command": "command",
    "Description": "description",
    "LogUri": "log_uri",
    "ExecutionProperty": "execution_property",
    "DefaultArguments": "default_arguments",
    "NonOverridableArguments": "non_overridable_arguments",
    "Connections": "connections",
    "MaxRetries": "max_retries",
    "AllocatedCapacity": "allocated_capacity",
    "Timeout": "timeout",
    "MaxCapacity": "max_capacity",
    "SecurityConfiguration": "security_configuration",
    "NotificationProperty": "notification_property",
    "GlueVersion": "glue_version",
    "NumberOfWorkers": "number_of_workers",
    "WorkerType": "worker_type",
    "CodeGenConfigurationNodes": "code_gen_configuration_nodes",
    "ExecutionClass": "execution_class",
    "SourceControlDetails": "source_control_details",
}


def _update_job(self: GlueResponse) -> ActionResult:
    name = self._get_param("JobName")
    job = self.glue_backend.get_job(name)
    update = self._get_param("JobUpdate") or {}
    runs, created_on = job.job_runs, job.created_on
    definition: dict[str, Any] = {argument: update.get(field) for field, argument in JOB_UPDATE_FIELDS.items()}
    FakeJob.__init__(job, name=name, tags=self.glue_backend.get_tags(job.arn), backend=self.glue_backend, **definition)
    job.job_runs, job.created_on = runs, created_on
    return ActionResult({"JobName": name})


_connection_as_dict = FakeConnection.as_dict


def _connection_as_dict_with_type(self: FakeConnection, hide_password: bool = False) -> dict[str, Any]:
    described = _connection_as_dict(self, hide_password)
    described["ConnectionType"] = self.connection_input.get("ConnectionType")
    if "PhysicalConnectionRequirements" in self.connection_input:
        described["PhysicalConnectionRequirements"] = self.connection_input["PhysicalConnectionRequirements"]
    return described


CLASSIFIER_KINDS = ("GrokClassifier", "XMLClassifier", "JsonClassifier", "CsvClassifier")


def _classifiers(response: GlueResponse) -> dict[str, dict[str, Any]]:
    # Kept on the backend itself, so that a reset of the emulator forgets them with everything else.
    backend = response.glue_backend
    if not hasattr(backend, "local_aws_classifiers"):
        setattr(backend, "local_aws_classifiers", {})  # noqa: B010
    classifiers: dict[str, dict[str, Any]] = getattr(backend, "local_aws_classifiers")  # noqa: B009
    return classifiers


def _classifier_input(response: GlueResponse) -> tuple[str, dict[str, Any]]:
    given = [(kind, response._get_param(kind)) for kind in CLASSIFIER_KINDS if response._get_param(kind)]
    if len(given) != 1:
        raise GlueClientError("InvalidInputException", f"Give exactly one of {', '.join(CLASSIFIER_KINDS)}.")
    return given[0]


def _create_classifier(self: GlueResponse) -> ActionResult:
    kind, spec = _classifier_input(self)
    classifiers = _classifiers(self)
    if spec["Name"] in classifiers:
        raise AlreadyExistsException(f"Classifier {spec['Name']}")
    now = utcnow()
    classifiers[spec["Name"]] = {kind: {**spec, "CreationTime": now, "LastUpdated": now, "Version": 1}}
    return EmptyResult()


def _get_classifier(self: GlueResponse) -> ActionResult:
    name = self._get_param("Name")
    if name not in _classifiers(self):
        raise EntityNotFoundException(f"Classifier {name} not found")
    return ActionResult({"Classifier": _classifiers(self)[name]})


def _update_classifier(self: GlueResponse) -> ActionResult:
    kind, spec = _classifier_input(self)
    classifiers = _classifiers(self)
    if kind not in classifiers.get(spec["Name"], {}):
        raise EntityNotFoundException(f"Classifier {spec['Name']} not found")
    previous = classifiers[spec["Name"]][kind]
    classifiers[spec["Name"]] = {
        kind: {**spec, "CreationTime": previous["CreationTime"], "LastUpdated": utcnow(), "Version": previous["Version"] + 1}
    }
    return EmptyResult()


def _delete_classifier(self: GlueResponse) -> ActionResult:
    name = self._get_param("Name")
    if _classifiers(self).pop(name, None) is None:
        raise EntityNotFoundException(f"Classifier {name} not found")
    return EmptyResult()


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


def _send_task_failure(self: StepFunctionResponse) -> ActionResult:
    token, error, cause = self._get_param("taskToken"), self._get_param("error"), self._get_param("cause")
    # The emulator runs executions (execute_state_machine): its backend is the interpreter's.
    cast(StepFunctionsParserBackend, self.stepfunction_backend).send_task_failure(token, error=error, cause=cause)
    return EmptyResult()


def _list_state_machine_versions(self: StepFunctionResponse) -> ActionResult:
    return ActionResult({"stateMachineVersions": []})


def _matches_only_plain_http(statement: dict[str, Any]) -> bool:
    secure_transport = statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
    return secure_transport in ("false", ["false"])


def _bucket_permission_over_tls(self: FakeBucket, action: str, resource: str) -> Any:
    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy)
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    policy["Statement"] = [statement for statement in statements if not _matches_only_plain_http(statement)]
    return IAMPolicy(json.dumps(policy)).is_action_permitted(action, resource)


_lambda_init = LambdaFunction.__init__
_lambda_configuration = LambdaFunction.get_configuration
_lambda_update_configuration = LambdaFunction.update_configuration
_logging_configs: "WeakKeyDictionary[LambdaFunction, dict[str, str]]" = WeakKeyDictionary()


def _lambda_init_keeping_logging_config(self: LambdaFunction, *args: Any, **kwargs: Any) -> None:
    _lambda_init(self, *args, **kwargs)
    spec = kwargs.get("spec", args[1] if len(args) > 1 else {})
    _logging_configs[self] = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{self.function_name}", **spec.get("LoggingConfig", {})}


def _lambda_configuration_with_logging(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
    return {**_lambda_configuration(self, on_create), "LoggingConfig": _logging_configs.get(self, {})}


def _lambda_update_configuration_with_logging(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
    _logging_configs[self] = {**_logging_configs.get(self, {}), **config_updates.get("LoggingConfig", {})}
    return _lambda_update_configuration(self, config_updates)


GAP_FILLS: list[tuple[type, str, Any]] = [
    (GlueResponse, "delete_connection", _delete_connection),
    (GlueResponse, "update_job", _update_job),
    (FakeConnection, "as_dict", _connection_as_dict_with_type),
    (GlueResponse, "create_classifier", _create_classifier),
    (GlueResponse, "get_classifier", _get_classifier),
    (GlueResponse, "update_classifier", _update_classifier),
    (GlueResponse, "delete_classifier", _delete_classifier),
    (StepFunctionResponse, "validate_state_machine_definition", _validate_state_machine_definition),
    (StepFunctionResponse, "list_state_machine_versions", _list_state_machine_versions),
    (StepFunctionResponse, "send_task_failure", _send_task_failure),
    (FakeBucket, "get_permission", _bucket_permission_over_tls),
    (StepFunctionsParserBackend, "_validate_definition", staticmethod(_validate_definition_and_its_graph)),
    (LambdaFunction, "__init__", _lambda_init_keeping_logging_config),
    (LambdaFunction, "get_configuration", _lambda_configuration_with_logging),
    (LambdaFunction, "update_configuration", _lambda_update_configuration_with_logging),
]


def apply_gap_fills() -> None:
    """Patch moto with GAP_FILLS; call once in the emulator process, before the server starts."""
    for owner, attribute, replacement in GAP_FILLS:
        setattr(owner, attribute, replacement)
