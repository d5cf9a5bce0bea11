"""Fixes to the service integrations of moto's Step Functions interpreter (a port of LocalStack's).

1. `.sync` service integrations always fail in moto 5.2 with
   "'NoneType' object has no attribute 'interrupt_all'": the `finally` block of
   `StateTaskServiceCallback._eval_integration_pattern` calls `callback_endpoint.interrupt_all()`,
   but `callback_endpoint` is only created for `.waitForTaskToken`, so it is None for `.sync`.
   LocalStack fixed it upstream by guarding the call with `if callback_endpoint`; the same one-line
   guard is applied here to moto's own method. `fix_sync_integrations` refuses to run when moto's
   code no longer has that line, and tests/local_aws/stepfunctions/test_interpreter.py fails when
   moto stops having the bug, so the fix goes away with it.
2. A `glue:startJobRun.sync` task ends with the job run as boto3 parsed it, timestamps as Python
   datetimes, which moto's DescribeExecution cannot serialise (HTTP 500). Step Functions returns
   them as epoch milliseconds; so does the fixed task.
3. moto's interpreter makes its service calls (glue:StartJobRun, lambda:InvokeFunction, sns:Publish,
   ...) with a fixed dummy key, which the emulator's account mapping puts in its default account and
   which IAM never judges. Step Functions makes them under the state machine's role
   (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html): here they
   are signed with that role's credentials, assumed by states.amazonaws.com with the state machine
   as aws:SourceArn, so the role's policies and trust policy decide what a run may do.
4. A Glue API error of a `glue:` task is named as Step Functions names it (`glue_task_error_name`),
   not `Glue.<error code>` for every code as moto does, and its cause reads as AWS's does.
"""

import functools
import inspect
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

import boto3
from botocore.exceptions import ClientError
from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_callback
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import StateTaskServiceCallback
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_glue import StateTaskServiceGlue
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.utils import boto_client

from local_aws.emulator.iam.service_roles import assume_role_as_service

# As they read once the method's source is dedented to the top level.
UNGUARDED_INTERRUPT = "        callback_endpoint.interrupt_all()\n"
GUARDED_INTERRUPT = "        if callback_endpoint is not None:\n            callback_endpoint.interrupt_all()\n"


class InterpreterFixOutdated(RuntimeError):
    """moto's interpreter changed where a fix applies: review local_aws/emulator/stepfunctions/integrations.py."""


def sync_integration_pattern_with_guard() -> Callable[..., None]:
    """moto's `_eval_integration_pattern`, compiled again with the upstream guard."""
    source = textwrap.dedent(inspect.getsource(StateTaskServiceCallback._eval_integration_pattern))
    if source.count(UNGUARDED_INTERRUPT) != 1:
        raise InterpreterFixOutdated(
            "moto's StateTaskServiceCallback._eval_integration_pattern no longer calls callback_endpoint.interrupt_all() "
            "unguarded; if .sync integrations work without it, delete fix_sync_integrations."
        )
    namespace = dict(vars(state_task_service_callback))
    exec(compile(source.replace(UNGUARDED_INTERRUPT, GUARDED_INTERRUPT), state_task_service_callback.__file__, "exec"), namespace)
    fixed: Callable[..., None] = namespace["_eval_integration_pattern"]
    return fixed


def fix_sync_integrations() -> None:
    setattr(StateTaskServiceCallback, "_eval_integration_pattern", sync_integration_pattern_with_guard())  # noqa: B010


_moto_sync_to_start_job_run = StateTaskServiceGlue._sync_to_start_job_run


def _epoch_millis(value: Any) -> Any:
    return int(value.timestamp() * 1000) if isinstance(value, datetime) else value


def _sync_to_start_job_run_as_json(self: StateTaskServiceGlue, *arguments: Any) -> Callable[[], Any]:
    resolve_job_run: Callable[[], Any] = _moto_sync_to_start_job_run(self, *arguments)  # type: ignore[assignment]

    def resolve() -> Any:
        job_run = resolve_job_run()
        return {key: _epoch_millis(value) for key, value in job_run.items()} if job_run else job_run

    return resolve


def return_job_runs_as_json() -> None:
    setattr(StateTaskServiceGlue, "_sync_to_start_job_run", _sync_to_start_job_run_as_json)  # noqa: B010


_moto_boto_client_for = boto_client.boto_client_for


def _client_under_state_machine_role(region: str, service: str, state_credentials: Any = None) -> Any:
    """moto's client for a service call, signed with the execution role's credentials instead."""
    role_arn = state_credentials.role_arn if state_credentials is not None else None
    if not role_arn:
        return _moto_boto_client_for(region, service, state_credentials)
    settings = _moto_client_settings(region, service)
    credentials = assume_role_as_service(role_arn, "states.amazonaws.com", region, source_arn=_calling_state_machine_arn())
    # moto's endpoint and configuration (no parameter validation, no retries), the role's signature.
    return boto3.client(service, endpoint_url=settings.endpoint_url, config=settings.config, **credentials.client_arguments())


@functools.cache
def _moto_client_settings(region: str, service: str) -> Any:
    return _moto_boto_client_for(region, service).meta


def _calling_state_machine_arn() -> str | None:
    """The state machine whose task asks for the client: the interpreter passes only the role, so
    the evaluation environment (`env`) is found among the calling frames."""
    frame = sys._getframe(2)
    while frame is not None:
        env = frame.f_locals.get("env")
        states = getattr(env, "states", None)
        if states is not None:
            return str(states.context_object.context_object_data["StateMachine"]["Id"])
        frame = frame.f_back  # type: ignore[assignment]
    return None


def sign_service_calls_with_the_execution_role() -> None:
    """Replace moto's `boto_client_for` wherever the interpreter imported it."""
    for module in list(sys.modules.values()):
        if getattr(module, "boto_client_for", None) is _moto_boto_client_for:
            setattr(module, "boto_client_for", _client_under_state_machine_role)  # noqa: B010


# Step Functions calls Glue through the AWS SDK for Java: an error code the SDK models keeps its name
# (Glue.ConcurrentRunsExceededException), but a throttled call arrives as the SDK's base exception,
# with the code only in the cause: "error": "Glue.AWSGlueException", "cause": "Rate exceeded (Service:
# AWSGlue; Status Code: 400; Error Code: ThrottlingException; Request ID: ...; Proxy: null)".
# https://repost.aws/knowledge-center/glue-throttling-rate-exceeded
GLUE_CODES_REPORTED_AS_AWS_GLUE_EXCEPTION = frozenset({"ThrottlingException"})


def glue_task_error_name(error_code: str) -> str:
    """The error name a `glue:` task fails with when the Glue API answers `error_code`."""
    return "Glue.AWSGlueException" if error_code in GLUE_CODES_REPORTED_AS_AWS_GLUE_EXCEPTION else f"Glue.{error_code}"


def glue_task_error_cause(error: ClientError) -> str:
    """The cause of that failure, in the AWS SDK for Java's words."""
    details, metadata = error.response.get("Error", {}), error.response.get("ResponseMetadata", {})
    return (
        f"{details.get('Message', '')} (Service: AWSGlue; Status Code: {metadata.get('HTTPStatusCode', 400)}; "
        f"Error Code: {details.get('Code', '')}; Request ID: {metadata.get('RequestId', '')}; Proxy: null)"
    )


_moto_glue_from_error = StateTaskServiceGlue._from_error


def _glue_failure_event(self: StateTaskServiceGlue, env: Environment, ex: Exception) -> FailureEvent:
    if not isinstance(ex, ClientError):
        return _moto_glue_from_error(self, env, ex)
    error_name = glue_task_error_name(ex.response.get("Error", {}).get("Code", ""))
    return FailureEvent(
        env=env,
        error_name=CustomErrorName(error_name),
        event_type=HistoryEventType.TaskFailed,
        event_details=cast(
            EventDetails,
            {
                "taskFailedEventDetails": TaskFailedEventDetails(
                    error=error_name,
                    cause=glue_task_error_cause(ex),
                    resource=self._get_sfn_resource(),
                    resourceType=self._get_sfn_resource_type(),
                )
            },
        ),
    )


def name_glue_errors_as_step_functions_does() -> None:
    setattr(StateTaskServiceGlue, "_from_error", _glue_failure_event)  # noqa: B010
