"""Fixes to moto's Step Functions interpreter (a port of LocalStack's), applied in the emulator process.

1. `.sync` service integrations always fail in moto 5.2 with
   "'NoneType' object has no attribute 'interrupt_all'": the `finally` block of
   `StateTaskServiceCallback._eval_integration_pattern` calls `callback_endpoint.interrupt_all()`,
   but `callback_endpoint` is only created for `.waitForTaskToken`, so it is None for `.sync`.
   LocalStack fixed it upstream by guarding the call with `if callback_endpoint`; the same one-line
   guard is applied here to moto's own method. `fix_sync_integrations` refuses to run when moto's
   code no longer has that line, and tests/local_aws/test_interpreter_fixes.py fails when moto
   stops having the bug, so the fix goes away with it.
2. A `glue:startJobRun.sync` task ends with the job run as boto3 parsed it, timestamps as Python
   datetimes, which moto's DescribeExecution cannot serialise (HTTP 500). Step Functions returns
   them as epoch milliseconds; so does the fixed task.
3. Wait states, Retry intervals, the `.sync` polling of a job run and a `.waitForTaskToken` task's
   wait for its token (HeartbeatSeconds, TimeoutSeconds) wait on the emulated clock
   (`local_aws.emulator.clock`), so emulated minutes do not cost real minutes. A task waiting for its
   token lets the clock jump to the next timer due (a crawl's end, `local_aws.emulator.timers`) or
   to its deadline, never while a timer's action (an event delivered to a Lambda) is at work.
4. moto's interpreter makes its service calls (glue:StartJobRun, lambda:InvokeFunction, sns:Publish,
   ...) with a fixed dummy key, which the emulator's account mapping puts in its default account and
   which IAM never judges. Step Functions makes them under the state machine's role
   (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html): here they
   are signed with that role's credentials, assumed by states.amazonaws.com with the state machine
   as aws:SourceArn, so the role's policies and trust policy decide what a run may do.
5. A Glue API error of a `glue:` task is named as Step Functions names it (`glue_task_error_name`),
   not `Glue.<error code>` for every code as moto does, and its cause reads as AWS's does.
6. A Choice rule's `StringMatches` follows the States Language (`asl_string_matches`): moto uses
   `fnmatch`, in which `?` and `[...]` are wildcards too and a backslash escapes nothing.
7. An execution started without a name gets a UUID as its name, as Step Functions gives it
   ("If you don't provide a name for the execution, Step Functions automatically generates a
   universally unique identifier (UUID) as the execution name":
   https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html); moto's
   parser backend names it "None", so an EventBridge schedule's second start (which names none)
   failed with ExecutionAlreadyExists.
"""

import functools
import inspect
import re
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

import boto3
from botocore.exceptions import ClientError
from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations.string_operators import StringMatches
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_callback
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import StateTaskServiceCallback
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_glue import StateTaskServiceGlue
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint, CallbackOutcome, HeartbeatEndpoint, HeartbeatTimedOut
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.utils import boto_client
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from local_aws.emulator.clock import CLOCK
from local_aws.emulator.iam.service_roles import assume_role_as_service
from local_aws.emulator.timers import TIMERS

# As they read once the method's source is dedented to the top level.
UNGUARDED_INTERRUPT = "        callback_endpoint.interrupt_all()\n"
GUARDED_INTERRUPT = "        if callback_endpoint is not None:\n            callback_endpoint.interrupt_all()\n"


class InterpreterFixOutdated(RuntimeError):
    """moto's interpreter changed where a fix applies: review local_aws/emulator/interpreter_fixes.py."""


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


def _wait_on_emulated_clock(self: WaitFunction, env: Any, wait_seconds: int) -> None:
    deadline = CLOCK.now() + wait_seconds
    while env.is_running() and (remaining := deadline - CLOCK.now()) > 0:
        # The event is set (and cleared) whenever the execution changes state, e.g. when it is stopped.
        event: threading.Event = env.program_state_event
        CLOCK.sleep(remaining, interrupted=None if event.is_set() else event)


class _EmulatedRetryTime:
    """Stands in for the `time` module of the Retry evaluation."""

    @staticmethod
    def sleep(seconds: float) -> None:
        CLOCK.sleep(seconds)


class _EmulatedSyncPollTime:
    """Stands in for the `time` module of `.sync` polling: each real poll interval counts as
    that interval divided by the time scale, as if the interpreter had polled at real speed."""

    @staticmethod
    def sleep(seconds: float) -> None:
        CLOCK.sleep(seconds / CLOCK.scale)


# How often, in real seconds, a task waiting for its token looks again while real work is in flight.
CALLBACK_CHECK_SECONDS = 0.01


def _await_token(callback_endpoint: CallbackEndpoint, seconds: float, heartbeat: threading.Event | None) -> CallbackOutcome | None:
    """The task's outcome, or None once `seconds` pass on the emulated clock without it (or
    without a heartbeat, when `heartbeat` is given: each one gives it `seconds` more)."""
    deadline = CLOCK.now() + seconds
    while (outcome := callback_endpoint.get_outcome()) is None:
        if heartbeat is not None and heartbeat.is_set():
            heartbeat.clear()
            deadline = CLOCK.now() + seconds
        now, next_due = CLOCK.now(), TIMERS.next_due()
        if now >= deadline:
            return None
        if not TIMERS.idle or (next_due is not None and next_due <= now):
            time.sleep(CALLBACK_CHECK_SECONDS)
            continue
        target = deadline if next_due is None else min(next_due, deadline)
        CLOCK.sleep(target - now, interrupted=callback_endpoint._notify_event)
    return outcome


def _wait_for_task_token_timeout(
    self: StateTaskServiceCallback, timeout_seconds: int, callback_endpoint: CallbackEndpoint
) -> CallbackOutcome | None:
    return _await_token(callback_endpoint, timeout_seconds, heartbeat=None)


def _wait_for_task_token_heartbeat(
    self: StateTaskServiceCallback, env: Environment, callback_endpoint: CallbackEndpoint, heartbeat_endpoint: HeartbeatEndpoint
) -> CallbackOutcome | HeartbeatTimedOut | None:
    outcome = _await_token(callback_endpoint, heartbeat_endpoint._heartbeat_seconds, heartbeat_endpoint._next_heartbeat_event)
    return outcome if outcome is not None or not env.is_running() else HeartbeatTimedOut()


def wait_on_emulated_clock() -> None:
    setattr(WaitFunction, "_wait_interval", _wait_on_emulated_clock)  # noqa: B010
    setattr(retrier_decl, "time", _EmulatedRetryTime)  # noqa: B010
    setattr(state_task_service_callback, "time", _EmulatedSyncPollTime)  # noqa: B010
    setattr(StateTaskServiceCallback, "_wait_for_task_token_timeout", _wait_for_task_token_timeout)  # noqa: B010
    setattr(StateTaskServiceCallback, "_wait_for_task_token_heartbeat", _wait_for_task_token_heartbeat)  # noqa: B010


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


def asl_string_matches(value: str, pattern: str) -> bool:
    """`StringMatches` as the States Language defines it: `*` matches any run of characters, `\\*` is a
    literal `*` (and `\\\\` a literal backslash); "No characters other than "*" have any special
    meaning during matching." https://states-language.net/spec.html#choice-state"""
    tokens = re.findall(r"\\.|\*|.", pattern, flags=re.DOTALL)
    regex = "".join(".*" if token == "*" else re.escape(token[-1]) for token in tokens)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


_moto_string_matches = StringMatches._compare


def _string_matches(variable: Any, comparison_value: Any) -> bool:
    return isinstance(variable, str) and asl_string_matches(variable, comparison_value)


def match_strings_as_the_states_language_does() -> None:
    setattr(StringMatches, "_compare", staticmethod(_string_matches))  # noqa: B010


_moto_start_execution = StepFunctionsParserBackend.start_execution


def _start_execution_named(self: StepFunctionsParserBackend, state_machine_arn: str, name: str | None = None, *rest: Any) -> Any:
    return _moto_start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *rest)


def name_unnamed_executions() -> None:
    setattr(StepFunctionsParserBackend, "start_execution", _start_execution_named)  # noqa: B010


def apply_interpreter_fixes() -> None:
    """Call once in the emulator process, before any execution starts."""
    fix_sync_integrations()
    return_job_runs_as_json()
    wait_on_emulated_clock()
    sign_service_calls_with_the_execution_role()
    name_glue_errors_as_step_functions_does()
    match_strings_as_the_states_language_does()
    name_unnamed_executions()
