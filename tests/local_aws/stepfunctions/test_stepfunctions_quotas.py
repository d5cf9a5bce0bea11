"""Step Functions' 256 KiB payload quota: on StartExecution, SendTaskSuccess and every state's output,
which ends the execution States.DataLimitExceeded whatever a States.ALL Catch says (`terminal_errors`)."""

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws import executions
from local_aws.clients import client
from tests.local_aws.moto_gaps import RUN_EXECUTIONS, plain_moto, still_lacking

ROLE = "arn:aws:iam::123456789012:role/states"
QUOTA = 256 * 1024


def input_of_size(size: int) -> str:
    """An execution input of `size` bytes, written as Step Functions writes a state's output."""
    text = json.dumps({"s": ""})
    return json.dumps({"s": "x" * (size - len(text))})


DOUBLE = {"Type": "Pass", "Parameters": {"a.$": "$.s", "b.$": "$.s"}, "End": True}


def parallel_machine(name: str, state: dict[str, Any], error_equals: list[str]) -> str:
    """A Parallel state around a branch of `state`, caught on `error_equals`."""
    branch = {"StartAt": "Branch", "States": {"Branch": state}}
    definition = {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Parallel",
                "Branches": [branch],
                "Catch": [{"ErrorEquals": error_equals, "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        },
    }
    return str(client("stepfunctions").create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"])


@pytest.fixture
def echo_machine(clean_emulator: str) -> str:
    definition = json.dumps({"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}})
    return str(client("stepfunctions").create_state_machine(name="echo", definition=definition, roleArn=ROLE)["stateMachineArn"])


def test_an_execution_input_of_256_kib_runs_and_a_byte_more_is_refused(echo_machine: str) -> None:
    record = executions.run(echo_machine, input_of_size(QUOTA), "fits", timeout_seconds=30)

    with pytest.raises(ClientError) as error:
        client("stepfunctions").start_execution(stateMachineArn=echo_machine, name="too-big", input=input_of_size(QUOTA + 1))

    assert record.status == "SUCCEEDED"
    assert (error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]) == (
        "ValidationException",
        "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
    )


def test_a_task_token_output_over_256_kib_is_refused(clean_emulator: str) -> None:
    with pytest.raises(ClientError) as error:
        client("stepfunctions").send_task_success(taskToken="token", output=input_of_size(QUOTA + 1))

    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert error.value.response["Error"]["Message"].startswith("1 validation error detected: Value at 'output'")


def test_a_state_output_over_256_kib_fails_the_execution_past_a_states_all_catch(clean_emulator: str) -> None:
    machine = parallel_machine("caught-by-all", DOUBLE, ["States.ALL"])

    record = executions.run(machine, input_of_size(QUOTA // 2 + 1), "over", timeout_seconds=30)

    assert (record.status, record.error) == ("FAILED", "States.DataLimitExceeded")


def test_a_catch_naming_states_data_limit_exceeded_catches_it(clean_emulator: str) -> None:
    machine = parallel_machine("caught-by-name", DOUBLE, ["States.DataLimitExceeded"])

    record = executions.run(machine, input_of_size(QUOTA // 2 + 1), "over", timeout_seconds=30)

    assert record.status == "SUCCEEDED"
    assert record.states_entered[-1] == "Caught"


def test_a_map_iteration_over_256_kib_fails_the_execution_past_a_states_all_catch(clean_emulator: str) -> None:
    processor = {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Double", "States": {"Double": DOUBLE}}
    definition = {
        "StartAt": "Tables",
        "States": {
            "Tables": {
                "Type": "Map",
                "ItemsPath": "$.tables",
                "ItemProcessor": processor,
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Succeed"},
        },
    }
    sfn = client("stepfunctions")
    machine = sfn.create_state_machine(name="map", definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"]

    record = executions.run(machine, {"tables": [{"s": "x" * (QUOTA // 2)}]}, "over", timeout_seconds=30)

    assert (record.status, record.error) == ("FAILED", "States.DataLimitExceeded")


def test_a_states_all_catch_still_catches_a_branchs_own_error(clean_emulator: str) -> None:
    machine = parallel_machine("fails-otherwise", {"Type": "Fail", "Error": "TableFailed", "Cause": "no rows"}, ["States.ALL"])

    record = executions.run(machine, {}, "failed-branch", timeout_seconds=30)

    assert record.status == "SUCCEEDED"
    assert record.states_entered[-1] == "Caught"


def test_moto_still_catches_states_data_limit_exceeded_with_states_all(monkeypatch: pytest.MonkeyPatch) -> None:
    receive_big_message = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:sqs:receiveMessage",
        "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/messages"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.caught", "Next": "Caught"}],
        "End": True,
    }
    definition = {"StartAt": "Receive", "States": {"Receive": receive_big_message, "Caught": {"Type": "Succeed"}}}
    with plain_moto(monkeypatch, RUN_EXECUTIONS) as moto_client:
        sqs, stepfunctions = moto_client("sqs"), moto_client("stepfunctions")
        sqs.send_message(QueueUrl=sqs.create_queue(QueueName="messages")["QueueUrl"], MessageBody="x" * (QUOTA - 10))
        machine = stepfunctions.create_state_machine(name="receive", definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"]
        execution_arn = stepfunctions.start_execution(stateMachineArn=machine, name="big")["executionArn"]
        deadline = time.monotonic() + 30
        while (execution := stepfunctions.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "the execution never ended"
            time.sleep(0.1)
    caught = json.loads(execution.get("output", "{}")).get("caught", {})
    still_lacking(
        (execution["status"], caught.get("Error")) == ("SUCCEEDED", "States.DataLimitExceeded"),
        "stepfunctions.terminal_errors (the States.ALL part)",
    )
