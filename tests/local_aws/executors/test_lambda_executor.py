"""The emulator runs the deployed zip's handler: results come back as the payload, a handler's
exception as a Handled function error naming its class."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from local_aws.control import throttle_invocations
from local_aws.terraform import PROJECT_ROOT
from tests.roles import create_crawler, create_service_role
from tests.session import TEST_REGION

ANY_CRAWLER = f"arn:aws:glue:{TEST_REGION}:123456789012:crawler/*"


def deploy_start_crawler(crawler_resource: str) -> Any:
    lambda_client = client("lambda")
    role = create_service_role("start-crawler", "lambda.amazonaws.com", [{"Action": "glue:StartCrawler", "Resource": crawler_resource}])
    lambda_client.create_function(
        FunctionName="start-crawler",
        Runtime="python3.12",
        Role=role,
        Handler="start_crawler.lambda_handler",
        Code={"ZipFile": (PROJECT_ROOT / "lambdas" / "dist" / "start_crawler.zip").read_bytes()},
        Timeout=30,
    )
    client("glue").create_database(DatabaseInput={"Name": "lake"})
    create_crawler("raw-crawler", create_service_role("raw-crawler", "glue.amazonaws.com", []), "lake", "s3://lake/raw/customers/")
    return lambda_client


@pytest.fixture
def deployed_start_crawler(clean_emulator: str) -> Any:
    return deploy_start_crawler(ANY_CRAWLER)


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


def test_the_handler_acts_under_its_execution_role_and_a_denial_names_action_crawler_and_role(clean_emulator: str) -> None:
    lambda_client = deploy_start_crawler(f"arn:aws:glue:{TEST_REGION}:123456789012:crawler/another-crawler")

    payload, function_error = invoke(lambda_client, {"crawler_name": "raw-crawler"})

    assert function_error == "Handled"
    assert payload["errorType"] == "CrawlerAccessDenied"
    assert "glue:StartCrawler" in payload["errorMessage"]
    assert f"arn:aws:glue:{TEST_REGION}:123456789012:crawler/raw-crawler" in payload["errorMessage"]
    assert "assumed-role/start-crawler/" in payload["errorMessage"]
    assert client("glue").get_crawler(Name="raw-crawler")["Crawler"]["State"] == "READY"


def test_a_role_lambda_may_not_assume_makes_the_invocation_fail(clean_emulator: str) -> None:
    lambda_client = deploy_start_crawler(ANY_CRAWLER)
    trust_for_glue_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    client("iam").update_assume_role_policy(RoleName="start-crawler", PolicyDocument=json.dumps(trust_for_glue_only))

    with pytest.raises(ClientError, match="The role defined for the function cannot be assumed by Lambda"):
        invoke(lambda_client, {"crawler_name": "raw-crawler"})
