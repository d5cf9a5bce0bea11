"""boto3 clients and process environment that point at the local emulator.

The emulator serves every region and account; a client names the region it acts in. Without one,
the region comes from the environment (AWS_REGION / AWS_DEFAULT_REGION), as for any AWS SDK.
Clients sign as the emulator's administrator (access key "test") unless given role credentials.
"""

import os
import socket
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_PORT = 4566
ADMINISTRATOR_KEY = "test"
# The region the harness deploys to unless told otherwise: the default of every example's and test
# root's `var.region` (providers.tf). The stack itself serves every region.
DEFAULT_REGION = "us-east-1"


def configured_port() -> int:
    """The emulator's port: LOCAL_AWS_PORT when set, else 4566."""
    return int(os.environ.get("LOCAL_AWS_PORT", DEFAULT_PORT))


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def own_port() -> int:
    """Inside the emulator process, its own port (`serve` sets MOTO_PORT, which moto reads too)."""
    return int(os.environ.get("MOTO_PORT", DEFAULT_PORT))


def endpoint_url(port: int | None = None) -> str:
    return f"http://127.0.0.1:{port or configured_port()}"


def emulator_environment(region: str, port: int | None = None) -> dict[str, str]:
    """Variables that make any AWS SDK or CLI in a child process talk to the emulator in `region`,
    as the administrator; role credentials (`RoleCredentials.environment()`) override the keys."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url(port),
        "AWS_ACCESS_KEY_ID": ADMINISTRATOR_KEY,
        "AWS_SECRET_ACCESS_KEY": ADMINISTRATOR_KEY,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }


def client(
    service: str,
    port: int | None = None,
    retries: dict[str, Any] | None = None,
    region: str | None = None,
    credentials: dict[str, Any] | None = None,
) -> Any:
    """A boto3 client for `service` on the emulator; `retries` as botocore's Config takes them;
    `credentials` as `RoleCredentials.client_arguments()` gives them (they carry the region too)."""
    arguments: dict[str, Any] = {"region_name": region} if region else {}
    arguments.update(credentials or {"aws_access_key_id": ADMINISTRATOR_KEY, "aws_secret_access_key": ADMINISTRATOR_KEY})
    return boto3.client(service, endpoint_url=endpoint_url(port), config=Config(retries=retries) if retries else None, **arguments)


def region_of(arn: str) -> str:
    """The region field of an ARN (arn:partition:service:region:account:resource)."""
    return arn.split(":")[3]
