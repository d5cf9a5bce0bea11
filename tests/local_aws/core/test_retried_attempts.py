"""An SDK's retry of an attempt whose answer it never got is answered with that answer, so a create
is not run twice; a new operation, and a retry after an answer that says to retry, run as on AWS."""

import http.client
import json
import uuid
from urllib.parse import urlparse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from local_aws.clients import ADMINISTRATOR_KEY, client
from local_aws.control import throttle_invocations
from tests.local_aws.executors.test_lambda_executor import ANY_CRAWLER, deploy_start_crawler

TRUST_LAMBDA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


def send_attempt(endpoint: str, body: str, invocation_id: str, attempt: int) -> tuple[int, str]:
    """One attempt of an IAM query call as an AWS SDK sends it: signed, with the operation's
    invocation id and the attempt's number."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "amz-sdk-invocation-id": invocation_id,
        "amz-sdk-request": f"attempt={attempt}; max=3",
    }
    request = AWSRequest(method="POST", url=f"{endpoint}/", data=body, headers=headers)
    SigV4Auth(Credentials(ADMINISTRATOR_KEY, ADMINISTRATOR_KEY), "iam", "us-east-1").add_auth(request)
    connection = http.client.HTTPConnection(urlparse(endpoint).netloc)
    connection.request("POST", "/", body=body, headers=dict(request.headers))
    response = connection.getresponse()
    return response.status, response.read().decode()


def create_role_body(name: str) -> str:
    return f"Action=CreateRole&RoleName={name}&AssumeRolePolicyDocument={TRUST_LAMBDA}&Version=2010-05-08"


def test_a_retried_create_whose_answer_was_lost_gets_that_answer_not_a_conflict(clean_emulator: str) -> None:
    invocation_id = str(uuid.uuid4())
    first_status, first_answer = send_attempt(clean_emulator, create_role_body("retried"), invocation_id, attempt=1)
    # The SDK never saw that answer (a lost response) and sends the same operation again.
    retry_status, retry_answer = send_attempt(clean_emulator, create_role_body("retried"), invocation_id, attempt=2)

    assert (first_status, retry_status) == (200, 200)
    assert retry_answer == first_answer
    assert [role["RoleName"] for role in client("iam").list_roles()["Roles"]] == ["retried"]


def test_a_new_create_of_the_same_name_is_still_refused(clean_emulator: str) -> None:
    send_attempt(clean_emulator, create_role_body("taken"), str(uuid.uuid4()), attempt=1)

    status, answer = send_attempt(clean_emulator, create_role_body("taken"), str(uuid.uuid4()), attempt=1)

    assert status == 409
    assert "EntityAlreadyExists" in answer


def test_a_retry_after_a_throttle_runs_again(clean_emulator: str) -> None:
    deploy_start_crawler(ANY_CRAWLER)
    throttle_invocations("start-crawler", 1)

    # boto3 retries the throttled attempt (429) under the same invocation id: that retry runs the handler.
    with_sdk_retries = client("lambda", retries={"total_max_attempts": 3, "mode": "standard"})
    answer = with_sdk_retries.invoke(FunctionName="start-crawler", Payload=json.dumps({"crawler_name": "raw-crawler"}).encode())

    assert (answer["StatusCode"], answer.get("FunctionError")) == (200, None)
    assert client("glue").get_crawler(Name="raw-crawler")["Crawler"]["State"] == "RUNNING"
