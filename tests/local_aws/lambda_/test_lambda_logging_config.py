"""A Lambda function keeps its LoggingConfig (local_aws/emulator/lambda_/models.py), as the aws
provider reads it back."""

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from local_aws.clients import client
from tests.local_aws.moto_gaps import plain_moto, still_lacking


def lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def lambda_handler(event, context):\n    return event\n")
    return buffer.getvalue()


def create_function_with_logging_config(make_client: Callable[[str], Any]) -> Any:
    """Function fn, logging as JSON to /custom/fn, made with the clients `make_client` makes; its Lambda client."""
    lambda_client = make_client("lambda")
    role = make_client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lambda_client.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="handler.lambda_handler",
        Code={"ZipFile": lambda_zip()},
        LoggingConfig={"LogFormat": "JSON", "LogGroup": "/custom/fn"},
    )
    return lambda_client


def test_lambda_keeps_its_logging_config(clean_emulator: str) -> None:
    lambda_client = create_function_with_logging_config(client)
    assert lambda_client.get_function_configuration(FunctionName="fn")["LoggingConfig"] == {"LogFormat": "JSON", "LogGroup": "/custom/fn"}

    lambda_client.update_function_configuration(FunctionName="fn", LoggingConfig={"LogFormat": "Text"})
    assert lambda_client.get_function_configuration(FunctionName="fn")["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/custom/fn"}


def test_moto_still_drops_a_functions_logging_config(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        configuration = create_function_with_logging_config(moto_client).get_function_configuration(FunctionName="fn")
    still_lacking("LoggingConfig" not in configuration, "lambda_.models (the LoggingConfig fills)")
