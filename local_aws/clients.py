"""boto3 clients and process environment that point at the local emulator."""

import os
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_PORT = 4566
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"


def configured_port() -> int:
    """The emulator's port: LOCAL_AWS_PORT when set, else 4566."""
    return int(os.environ.get("LOCAL_AWS_PORT", DEFAULT_PORT))


def own_port() -> int:
    """Inside the emulator process, its own port (`serve` sets MOTO_PORT, which moto reads too)."""
    return int(os.environ.get("MOTO_PORT", DEFAULT_PORT))


def endpoint_url(port: int | None = None) -> str:
    return f"http://127.0.0.1:{port or configured_port()}"


def emulator_environment(port: int | None = None) -> dict[str, str]:
    """Variables that make any AWS SDK or CLI in a child process talk to the emulator."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url(port),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }


def client(service: str, port: int | None = None, retries: dict[str, Any] | None = None) -> Any:
    """A boto3 client for `service` on the emulator; `retries` as botocore's Config takes them."""
    return boto3.client(
        service,
        endpoint_url=endpoint_url(port),
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries=retries) if retries else None,
    )
