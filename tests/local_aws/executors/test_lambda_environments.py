"""Lambda keeps a function's execution environment warm between invocations: what the handler's
module holds survives, until the function's configuration changes or an invocation times out."""

import io
import json
import zipfile
from typing import Any

import pytest

from local_aws.clients import client
from tests.roles import create_service_role

HANDLER = """
import os, time
INVOCATIONS = 0

def handler(event, context):
    global INVOCATIONS
    INVOCATIONS += 1
    time.sleep(event.get("sleep_seconds", 0))
    return {"invocations_seen_by_this_environment": INVOCATIONS, "greeting": os.environ["GREETING"]}
"""


def zipped_handler() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("counter.py", HANDLER)
    return buffer.getvalue()


@pytest.fixture
def counter(clean_emulator: str) -> Any:
    lambda_client = client("lambda")
    lambda_client.create_function(
        FunctionName="counter",
        Runtime="python3.12",
        Role=create_service_role("counter", "lambda.amazonaws.com", []),
        Handler="counter.handler",
        Code={"ZipFile": zipped_handler()},
        Environment={"Variables": {"GREETING": "hello"}},
        Timeout=2,
    )
    return lambda_client


def invoke(lambda_client: Any, event: dict[str, Any] | None = None) -> tuple[dict[str, Any], str | None]:
    response = lambda_client.invoke(FunctionName="counter", Payload=json.dumps(event or {}).encode())
    return json.loads(response["Payload"].read()), response.get("FunctionError")


def test_module_state_survives_between_invocations_of_a_warm_environment(counter: Any) -> None:
    assert [invoke(counter)[0]["invocations_seen_by_this_environment"] for _ in range(3)] == [1, 2, 3]


def test_a_new_configuration_gets_a_new_environment(counter: Any) -> None:
    invoke(counter)
    counter.update_function_configuration(FunctionName="counter", Environment={"Variables": {"GREETING": "bonjour"}})

    assert invoke(counter)[0] == {"invocations_seen_by_this_environment": 1, "greeting": "bonjour"}


def test_an_invocation_past_the_timeout_fails_and_its_environment_is_replaced(counter: Any) -> None:
    invoke(counter)

    payload, function_error = invoke(counter, {"sleep_seconds": 5})

    assert function_error is not None
    assert payload == {"errorMessage": "Task timed out after 2.00 seconds", "errorType": "Sandbox.Timedout"}
    assert invoke(counter)[0]["invocations_seen_by_this_environment"] == 1
