"""The emulator runs the deployed zip's handler: results come back as the payload, a handler's
exception as a Handled function error naming its class."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from local_aws.control import throttle_invocations
from local_aws.terraform import PROJECT_ROOT


@pytest.fixture
def deployed_start_crawler(clean_emulator: str) -> Any:
    lambda_client = client("lambda")
    role = client("iam").create_role(RoleName="start-crawler", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lambda_client.create_function(
        FunctionName="start-crawler",
        Runtime="python3.12",
        Role=role,
        Handler="start_crawler.lambda_handler",
        Code={"ZipFile": (PROJECT_ROOT / "lambdas" / "dist" / "start_crawler.zip").read_bytes()},
        Timeout=30,
    )
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "lake"})
    glue.create_crawler(
        Name="raw-crawler",
        Role=role,
        DatabaseName="lake",
        Targets={"S3Targets": [{"Path": "s3://lake/raw/customers/"}]},
    )
    return lambda_client


def invoke(lambda_client: Any, event: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    response = lambda_client.invoke(FunctionName="start-crawler", Payload=json.dumps(event).encode())
    return json.loads(response["Payload"].read()), response.get("FunctionError")


def test_deployed_handler_runs_against_the_emulator(deployed_start_crawler: Any) -> None:
    assert invoke(deployed_start_crawler, {"crawler_name": "raw-crawler"}) == ({"crawler_name": "raw-crawler", "action": "started"}, None)
    assert client("glue").get_crawler(Name="raw-crawler")["Crawler"]["State"] == "RUNNING"


def test_handler_exception_is_a_handled_error_named_after_its_class(deployed_start_crawler: Any) -> None:
    payload, function_error = invoke(deployed_start_crawler, {"crawler_name": "no-such-crawler"})
    assert function_error == "Handled"
    assert payload["errorType"] == "CrawlerNotFound"
    assert payload["errorMessage"] == "Crawler 'no-such-crawler' does not exist: check the crawler_name in the state machine input."


def test_a_throttled_invocation_fails_with_too_many_requests_and_the_next_one_runs(deployed_start_crawler: Any) -> None:
    throttle_invocations("start-crawler", 1)
    without_sdk_retries = client("lambda", retries={"total_max_attempts": 1})

    with pytest.raises(ClientError) as throttled:
        invoke(without_sdk_retries, {"crawler_name": "raw-crawler"})
    assert throttled.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert throttled.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert invoke(deployed_start_crawler, {"crawler_name": "raw-crawler"}) == ({"crawler_name": "raw-crawler", "action": "started"}, None)
