"""The `.sync` fix to moto's Step Functions interpreter is still needed and works, waits run on
the emulated clock, and Glue errors are named as Step Functions names them."""

import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local_aws import executions
from local_aws.clients import client
from local_aws.control import plan_job_runs, set_time_scale
from local_aws.emulator.glue.job_runs import JobRunPlan
from local_aws.emulator.stepfunctions.choice_rules import _moto_string_matches, asl_string_matches
from local_aws.emulator.stepfunctions.integrations import glue_task_error_cause, glue_task_error_name
from tests.roles import create_service_role
from tests.session import TEST_REGION

ROLE = "arn:aws:iam::123456789012:role/states"


def sync_job_machine(job_name: str) -> str:
    return json.dumps(
        {
            "StartAt": "RunJob",
            "States": {
                "RunJob": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::glue:startJobRun.sync",
                    "Parameters": {"JobName": job_name},
                    "End": True,
                }
            },
        }
    )


def create_job(glue: Any, name: str) -> None:
    glue.create_job(Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://lake/scripts/job.py"})


def test_moto_still_fails_sync_integrations_without_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """When this fails, moto has fixed the bug: delete fix_sync_integrations from local_aws.emulator.stepfunctions.integrations."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        import boto3

        glue, sfn = boto3.client("glue", region_name="us-east-1"), boto3.client("stepfunctions", region_name="us-east-1")
        create_job(glue, "job")
        machine = sfn.create_state_machine(name="sync", definition=sync_job_machine("job"), roleArn=ROLE)["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=machine, name="unfixed")["executionArn"]
        deadline = time.monotonic() + 30
        while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "the unfixed execution never ended"
            time.sleep(0.2)

    assert described["status"] == "FAILED"
    assert "'NoneType' object has no attribute 'interrupt_all'" in described.get("cause", "")


JOB_ARN = f"arn:aws:glue:{TEST_REGION}:123456789012:job/job"


def create_sync_machine(job_actions: list[str]) -> str:
    create_service_role("states", "states.amazonaws.com", [{"Action": job_actions, "Resource": JOB_ARN}])
    create_job(client("glue"), "job")
    arn: str = client("stepfunctions").create_state_machine(name="sync", definition=sync_job_machine("job"), roleArn=ROLE)[
        "stateMachineArn"
    ]
    return arn


@pytest.fixture
def sync_machine(clean_emulator: str) -> str:
    return create_sync_machine(["glue:StartJobRun", "glue:GetJobRun"])


def test_service_calls_act_under_the_state_machines_role(clean_emulator: str) -> None:
    machine = create_sync_machine(["glue:GetJobRun"])

    record = executions.run(machine, {}, "denied", timeout_seconds=30)

    assert (record.status, record.error) == ("FAILED", "Glue.AccessDeniedException")
    assert "assumed-role/states/" in (record.cause or "")
    assert f"not authorized to perform: glue:StartJobRun on resource: {JOB_ARN}" in (record.cause or "")
    assert client("glue").get_job_runs(JobName="job")["JobRuns"] == []


def test_sync_job_run_that_succeeds_returns_the_job_run(sync_machine: str) -> None:
    set_time_scale(0.01)
    plan_job_runs("job", [JobRunPlan(starting_seconds=10, running_seconds=120)])

    record = executions.run(sync_machine, {}, "fixed", timeout_seconds=30)

    assert record.status == "SUCCEEDED"
    assert record.output is not None
    assert (record.output["JobName"], record.output["JobRunState"]) == ("job", "SUCCEEDED")


def test_sync_job_run_that_fails_fails_the_task_with_the_jobs_error(sync_machine: str) -> None:
    set_time_scale(0.01)
    plan_job_runs("job", [JobRunPlan(outcome="FAILED", error_message="AnalysisException: Path does not exist")])

    record = executions.run(sync_machine, {}, "failed", timeout_seconds=30)

    assert (record.status, record.error) == ("FAILED", "States.TaskFailed")
    assert json.loads(record.cause or "{}")["ErrorMessage"] == "AnalysisException: Path does not exist"


def test_an_hour_long_wait_passes_in_emulated_time(clean_emulator: str) -> None:
    create_service_role("states", "states.amazonaws.com", [])
    set_time_scale(0.001)
    definition = json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    machine = client("stepfunctions").create_state_machine(name="wait", definition=definition, roleArn=ROLE)["stateMachineArn"]

    started = time.monotonic()
    record = executions.run(machine, {}, "hour", timeout_seconds=30)

    assert record.status == "SUCCEEDED"
    assert time.monotonic() - started < 15


def test_an_execution_is_dated_on_the_clock_glue_runs_on(clean_emulator: str) -> None:
    """Its dates and history count its hour-long wait, and a job run started after it ends starts
    after it: a report comparing the two (ListCrawls' START_TIME) sees the same order as on AWS."""
    create_service_role("states", "states.amazonaws.com", [])
    set_time_scale(0.001)
    definition = json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    sfn, glue = client("stepfunctions"), client("glue")
    machine = sfn.create_state_machine(name="wait", definition=definition, roleArn=ROLE)["stateMachineArn"]
    record = executions.run(machine, {}, "hour", timeout_seconds=30)
    create_job(glue, "after")
    plan_job_runs("after", [JobRunPlan()])

    run_id = glue.start_job_run(JobName="after")["JobRunId"]

    execution = sfn.describe_execution(executionArn=record.execution_arn)
    assert (execution["stopDate"] - execution["startDate"]).total_seconds() >= 3600
    assert (record.events[-1]["timestamp"] - record.events[0]["timestamp"]).total_seconds() >= 3600
    assert glue.get_job_run(JobName="after", RunId=run_id)["JobRun"]["StartedOn"] >= execution["stopDate"]


def test_a_throttled_glue_call_is_named_glue_aws_glue_exception() -> None:
    assert glue_task_error_name("ThrottlingException") == "Glue.AWSGlueException"


def test_a_glue_error_step_functions_names_keeps_its_own_name() -> None:
    assert glue_task_error_name("ConcurrentRunsExceededException") == "Glue.ConcurrentRunsExceededException"


def test_the_cause_of_a_glue_error_carries_its_code_as_aws_writes_it() -> None:
    error = ClientError(
        {
            "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400, "RequestId": "r-1"},
        },
        "StartJobRun",
    )

    assert glue_task_error_cause(error) == (
        "Rate exceeded (Service: AWSGlue; Status Code: 400; Error Code: ThrottlingException; Request ID: r-1; Proxy: null)"
    )


def test_a_throttled_job_start_fails_the_task_with_glue_aws_glue_exception(sync_machine: str) -> None:
    set_time_scale(0.01)
    plan_job_runs("job", [JobRunPlan(start_error="ThrottlingException")])

    record = executions.run(sync_machine, {}, "throttled", timeout_seconds=30)

    assert (record.status, record.error) == ("FAILED", "Glue.AWSGlueException")
    assert "Error Code: ThrottlingException" in (record.cause or "")


def test_moto_still_reads_question_marks_in_string_matches_as_wildcards() -> None:
    """When this fails, moto matches as the States Language does: delete match_strings_as_the_states_language_does."""
    assert _moto_string_matches("ab", "*?*")


@pytest.mark.parametrize(
    ("value", "pattern", "matches"),
    [
        ("raw/2026.csv", "*.csv", True),
        ("ab", "*?*", False),
        ("a?b", "*?*", True),
        ("a1b", "a[0-9]b", False),
        ("a*b", "*\\**", True),
        ("ab", "*\\**", False),
        ("a\\b", "*\\\\*", True),
        ("", "*", True),
    ],
)
def test_string_matches_treats_only_the_star_as_a_wildcard(value: str, pattern: str, matches: bool) -> None:
    assert asl_string_matches(value, pattern) is matches


def test_a_choice_matches_a_question_mark_only_literally(clean_emulator: str) -> None:
    definition = json.dumps(
        {
            "StartAt": "Check",
            "States": {
                "Check": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.id", "StringMatches": "*?*", "Next": "Matched"}],
                    "Default": "NotMatched",
                },
                "Matched": {"Type": "Succeed"},
                "NotMatched": {"Type": "Succeed"},
            },
        }
    )
    machine = client("stepfunctions").create_state_machine(name="matches", definition=definition, roleArn=ROLE)["stateMachineArn"]

    entered = [
        executions.run(machine, {"id": value}, f"match-{index}", timeout_seconds=30).states_entered
        for index, value in enumerate(["ab", "a?b"])
    ]

    assert entered == [["Check", "NotMatched"], ["Check", "Matched"]]


def test_an_execution_started_without_a_name_is_named_with_a_uuid(clean_emulator: str) -> None:
    sfn = client("stepfunctions")
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    machine = sfn.create_state_machine(name="unnamed", definition=definition, roleArn=ROLE)["stateMachineArn"]

    first, second = (sfn.start_execution(stateMachineArn=machine)["executionArn"] for _ in range(2))

    names = [arn.rsplit(":", 1)[-1] for arn in (first, second)]
    assert first != second
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", name) for name in names), names
