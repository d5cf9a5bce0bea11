"""A Lambda function keeps its LoggingConfig (local_aws/emulator/lambda_/models.py), as the aws
provider reads it back."""

import io
import zipfile

import pytest

from local_aws.clients import client
from tests.local_aws.moto_gaps import plain_moto, still_lacking


def lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def lambda_handler(event, context):\n    return event\n")
    return buffer.getvalue()


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


def test_moto_still_drops_a_functions_logging_config(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        lambda_client = moto_client("lambda")
        role = moto_client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lambda_client.create_function(
            FunctionName="fn",
            Runtime="python3.12",
            Role=role,
            Handler="handler.lambda_handler",
            Code={"ZipFile": lambda_zip()},
            LoggingConfig={"LogFormat": "JSON", "LogGroup": "/custom/fn"},
        )
        configuration = lambda_client.get_function_configuration(FunctionName="fn")
    still_lacking("LoggingConfig" not in configuration, "lambda_.models (the LoggingConfig fills)")
