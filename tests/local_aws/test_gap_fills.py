"""The AWS behaviour the emulator adds to moto, seen through boto3 as the aws provider sees it."""

import io
import json
import time
import zipfile
from typing import Any
from unittest.mock import ANY

import pytest

from local_aws.clients import client
from tests.roles import create_service_role

MINIMAL_DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


def lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def lambda_handler(event, context):\n    return event\n")
    return buffer.getvalue()


@pytest.fixture
def glue(clean_emulator: str) -> Any:
    return client("glue")


def test_jdbc_connection_can_be_described_with_its_type_and_deleted(glue: Any) -> None:
    glue.create_connection(
        ConnectionInput={
            "Name": "source",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/sales", "SECRET_ID": "sales-reader"},
        }
    )
    assert glue.get_connection(Name="source")["Connection"]["ConnectionType"] == "JDBC"

    glue.delete_connection(ConnectionName="source")

    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_connection(Name="source")
    with pytest.raises(glue.exceptions.EntityNotFoundException, match="Connection source not found"):
        glue.delete_connection(ConnectionName="source")


def test_job_is_updated_in_place_keeping_its_runs_and_tags(glue: Any) -> None:
    role = "arn:aws:iam::123456789012:role/etl-glue"
    command = {"Name": "glueetl", "ScriptLocation": "s3://scripts/job2.py", "PythonVersion": "3"}
    glue.create_job(
        Name="cleanse",
        Role=role,
        Command=command,
        Description="raw to cleansed",
        WorkerType="G.1X",
        NumberOfWorkers=2,
        Tags={"team": "data"},
    )
    created_on = glue.get_job(JobName="cleanse")["Job"]["CreatedOn"]
    run_id = glue.start_job_run(JobName="cleanse")["JobRunId"]

    assert glue.update_job(JobName="cleanse", JobUpdate={"Role": role, "Command": command, "WorkerType": "G.2X", "NumberOfWorkers": 6}) == {
        "JobName": "cleanse",
        "ResponseMetadata": ANY,
    }

    job = glue.get_job(JobName="cleanse")["Job"]
    assert (job["WorkerType"], job["NumberOfWorkers"], job["CreatedOn"]) == ("G.2X", 6, created_on)
    assert "Description" not in job, "what JobUpdate leaves out is reset, as UpdateJob documents"
    assert glue.get_job_run(JobName="cleanse", RunId=run_id)["JobRun"]["Id"] == run_id
    assert glue.get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:job/cleanse")["Tags"] == {"team": "data"}
    with pytest.raises(glue.exceptions.EntityNotFoundException, match="Job missing not found"):
        glue.update_job(JobName="missing", JobUpdate={"Role": role, "Command": command})


def test_csv_classifier_can_be_created_read_updated_and_deleted(glue: Any) -> None:
    csv = {"Name": "raw-csv", "Delimiter": ",", "QuoteSymbol": '"', "ContainsHeader": "PRESENT", "Serde": "OpenCSVSerDe"}
    glue.create_classifier(CsvClassifier=csv)
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_classifier(CsvClassifier=csv)

    glue.update_classifier(CsvClassifier={**csv, "ContainsHeader": "ABSENT"})
    stored = glue.get_classifier(Name="raw-csv")["Classifier"]["CsvClassifier"]
    assert (stored["ContainsHeader"], stored["Serde"], stored["Version"]) == ("ABSENT", "OpenCSVSerDe", 2)

    glue.delete_classifier(Name="raw-csv")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_classifier(Name="raw-csv")


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


def test_tls_only_bucket_policy_lets_requests_through(clean_emulator: str) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="tls-only")
    s3.put_bucket_policy(
        Bucket="tls-only",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        ),
    )
    s3.put_object(Bucket="tls-only", Key="raw/a.csv", Body=b"id\n1\n")
    assert s3.get_object(Bucket="tls-only", Key="raw/a.csv")["Body"].read() == b"id\n1\n"


def test_bucket_policy_without_a_transport_condition_still_denies(clean_emulator: str) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="deny-all")
    s3.put_object(Bucket="deny-all", Key="a.csv", Body=b"id\n")
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::deny-all/*"}
    s3.put_bucket_policy(Bucket="deny-all", Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    with pytest.raises(s3.exceptions.ClientError, match="403"):
        s3.get_object(Bucket="deny-all", Key="a.csv")


def test_lambda_keeps_its_logging_config(clean_emulator: str) -> None:
    lambda_client = client("lambda")
    role = client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lambda_client.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="handler.lambda_handler",
        Code={"ZipFile": lambda_zip()},
        LoggingConfig={"LogFormat": "JSON", "LogGroup": "/custom/fn"},
    )
    assert lambda_client.get_function_configuration(FunctionName="fn")["LoggingConfig"] == {"LogFormat": "JSON", "LogGroup": "/custom/fn"}

    lambda_client.update_function_configuration(FunctionName="fn", LoggingConfig={"LogFormat": "Text"})
    assert lambda_client.get_function_configuration(FunctionName="fn")["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/custom/fn"}
