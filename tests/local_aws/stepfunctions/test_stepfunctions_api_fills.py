"""The Step Functions API calls and checks the emulator adds to moto
(local_aws/emulator/stepfunctions/responses.py, models.py), seen through boto3 as the aws provider sees them."""

import json
import time
from typing import Any

import pytest
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from local_aws.clients import client
from tests.local_aws.moto_gaps import RUN_EXECUTIONS, plain_moto, still_lacking, still_unimplemented
from tests.roles import create_service_role

MINIMAL_DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


def test_state_machine_definitions_are_validated(clean_emulator: str) -> None:
    stepfunctions = client("stepfunctions")
    assert stepfunctions.validate_state_machine_definition(definition=MINIMAL_DEFINITION)["result"] == "OK"

    broken = stepfunctions.validate_state_machine_definition(definition=json.dumps({"StartAt": "Nowhere", "States": {}}))
    assert broken["result"] == "FAIL"
    assert broken["diagnostics"][0]["severity"] == "ERROR"


# AWS's answer, reproduced in localstack/localstack#11978: a missing target and an unreachable state.
UNREACHABLE = {"StartAt": "pass1", "States": {"pass1": {"Type": "Pass", "Next": "pass3"}, "pass2": {"Type": "Pass", "End": True}}}
UNREACHABLE_REFUSAL = (
    "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, "
    'MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2\''
)


def test_a_definition_with_a_missing_target_or_an_unreachable_state_is_refused_as_aws_refuses_it(clean_emulator: str) -> None:
    stepfunctions, role = client("stepfunctions"), "arn:aws:iam::123456789012:role/states"

    with pytest.raises(stepfunctions.exceptions.InvalidDefinition) as refused:
        stepfunctions.create_state_machine(name="unreachable", definition=json.dumps(UNREACHABLE), roleArn=role)
    assert refused.value.response["Error"]["Message"] == UNREACHABLE_REFUSAL

    arn = stepfunctions.create_state_machine(name="fine", definition=MINIMAL_DEFINITION, roleArn=role)["stateMachineArn"]
    with pytest.raises(stepfunctions.exceptions.InvalidDefinition):
        stepfunctions.update_state_machine(stateMachineArn=arn, definition=json.dumps(UNREACHABLE))

    validated = stepfunctions.validate_state_machine_definition(definition=json.dumps(UNREACHABLE))
    assert validated["result"] == "FAIL"
    assert [(d["code"], d["location"]) for d in validated["diagnostics"]] == [
        ("MISSING_TRANSITION_TARGET", "/States/pass1/Next"),
        ("MISSING_TRANSITION_TARGET", "/States/pass2"),
    ]


def test_a_task_failure_sent_with_a_cause_fails_the_task_with_that_cause(clean_emulator: str) -> None:
    sqs, stepfunctions = client("sqs"), client("stepfunctions")
    queue_url = sqs.create_queue(QueueName="task-tokens")["QueueUrl"]
    role = create_service_role("callback-machine", "states.amazonaws.com", [{"Action": "sqs:SendMessage", "Resource": "*"}])
    wait_for_token = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": queue_url, "MessageBody": {"token.$": "$$.Task.Token"}},
        "TimeoutSeconds": 60,
        "End": True,
    }
    machine = stepfunctions.create_state_machine(
        name="callback", definition=json.dumps({"StartAt": "WaitForToken", "States": {"WaitForToken": wait_for_token}}), roleArn=role
    )
    execution_arn = stepfunctions.start_execution(stateMachineArn=machine["stateMachineArn"])["executionArn"]
    (message,) = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=10)["Messages"]

    stepfunctions.send_task_failure(taskToken=json.loads(message["Body"])["token"], error="CrawlerFailed", cause="the crawler's message")

    for _ in range(100):
        execution = stepfunctions.describe_execution(executionArn=execution_arn)
        if execution["status"] != "RUNNING":
            break
        time.sleep(0.1)
    assert (execution["status"], execution.get("error"), execution.get("cause")) == ("FAILED", "CrawlerFailed", "the crawler's message")


def test_state_machine_versions_can_be_listed(clean_emulator: str) -> None:
    stepfunctions = client("stepfunctions")
    arn = stepfunctions.create_state_machine(
        name="minimal", definition=MINIMAL_DEFINITION, roleArn="arn:aws:iam::123456789012:role/states"
    )["stateMachineArn"]
    assert stepfunctions.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"] == []


ROLE = "arn:aws:iam::123456789012:role/states"


def test_moto_still_lacks_definition_validation_and_state_machine_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch, RUN_EXECUTIONS) as moto_client:
        stepfunctions = moto_client("stepfunctions")
        still_unimplemented(
            lambda: stepfunctions.validate_state_machine_definition(definition=MINIMAL_DEFINITION),
            "stepfunctions.responses._validate_state_machine_definition",
        )
        arn = stepfunctions.create_state_machine(name="minimal", definition=MINIMAL_DEFINITION, roleArn=ROLE)["stateMachineArn"]
        still_unimplemented(
            lambda: stepfunctions.list_state_machine_versions(stateMachineArn=arn), "stepfunctions.responses._list_state_machine_versions"
        )


def test_moto_still_drops_the_cause_of_a_task_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    received: dict[str, Any] = {}
    monkeypatch.setattr(StepFunctionsParserBackend, "send_task_failure", lambda self, token, **details: received.update(details))
    with plain_moto(monkeypatch, RUN_EXECUTIONS) as moto_client:
        moto_client("stepfunctions").send_task_failure(taskToken="token", error="CrawlerFailed", cause="the crawler's message")
    still_lacking(received == {"error": "CrawlerFailed"}, "stepfunctions.responses._send_task_failure")


def test_moto_still_accepts_a_missing_target_and_an_unreachable_state(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch, RUN_EXECUTIONS) as moto_client:
        created = moto_client("stepfunctions").create_state_machine(name="unreachable", definition=json.dumps(UNREACHABLE), roleArn=ROLE)
    still_lacking("stateMachineArn" in created, "stepfunctions.models._validate_definition_and_its_graph")


def test_moto_still_names_an_unnamed_execution_none(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch, RUN_EXECUTIONS) as moto_client:
        stepfunctions = moto_client("stepfunctions")
        arn = stepfunctions.create_state_machine(name="minimal", definition=MINIMAL_DEFINITION, roleArn=ROLE)["stateMachineArn"]
        execution_arn = stepfunctions.start_execution(stateMachineArn=arn)["executionArn"]
    still_lacking(execution_arn.endswith(":None"), "stepfunctions.models.name_unnamed_executions")
