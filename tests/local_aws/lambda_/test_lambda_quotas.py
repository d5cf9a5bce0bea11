"""Lambda's invocation payload quotas: 6 MB a synchronous request, 1 MB an asynchronous one, and a
synchronous response over 6,291,556 bytes failing the invocation."""

import io
import json
import zipfile

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from tests.roles import create_service_role

HANDLER = """
import json

def lambda_handler(event, context):
    if "answer" in event:
        return "x" * event["answer"]
    return {"received": len(json.dumps(event))}
"""


def payload_of_size(size: int) -> str:
    text = json.dumps({"pad": ""})
    return json.dumps({"pad": "a" * (size - len(text))})


@pytest.fixture
def function(clean_emulator: str) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", HANDLER)
    role = create_service_role("sized", "lambda.amazonaws.com", [])
    client("lambda").create_function(
        FunctionName="sized", Runtime="python3.12", Role=role, Handler="handler.lambda_handler", Code={"ZipFile": buffer.getvalue()}
    )
    return "sized"


def refusal(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def test_a_synchronous_request_of_6_mb_is_invoked_and_a_byte_more_refused(function: str) -> None:
    lambda_client = client("lambda")

    answered = lambda_client.invoke(FunctionName=function, Payload=payload_of_size(6 * 1024 * 1024))
    with pytest.raises(ClientError) as error:
        lambda_client.invoke(FunctionName=function, Payload=payload_of_size(6 * 1024 * 1024 + 1))

    assert json.loads(answered["Payload"].read()) == {"received": 6 * 1024 * 1024}
    assert refusal(error) == (
        "RequestEntityTooLargeException",
        413,
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
    )


def test_an_asynchronous_request_of_1_mb_is_queued_and_a_byte_more_refused(function: str) -> None:
    lambda_client = client("lambda")

    queued = lambda_client.invoke(FunctionName=function, InvocationType="Event", Payload=payload_of_size(1024 * 1024))
    with pytest.raises(ClientError) as error:
        lambda_client.invoke(FunctionName=function, InvocationType="Event", Payload=payload_of_size(1024 * 1024 + 1))

    assert queued["StatusCode"] == 202
    assert refusal(error) == (
        "RequestEntityTooLargeException",
        413,
        "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)",
    )


def test_a_response_over_6291556_bytes_fails_the_invocation(function: str) -> None:
    lambda_client = client("lambda")

    # The answer is a JSON string: its characters and two quotes.
    fits = lambda_client.invoke(FunctionName=function, Payload=json.dumps({"answer": 6_291_556 - 2}))
    too_large = lambda_client.invoke(FunctionName=function, Payload=json.dumps({"answer": 6_291_556 - 1}))

    assert "FunctionError" not in fits and len(fits["Payload"].read()) == 6_291_556
    assert (too_large["StatusCode"], too_large["FunctionError"]) == (200, "Unhandled")
    assert json.loads(too_large["Payload"].read()) == {
        "errorMessage": "Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
