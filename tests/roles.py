"""Roles for the tests that deploy resources by hand: a service may assume them, and they allow
exactly the statements given (the emulator judges every call a component makes under its role);
clients acting as one, and a crawler running under one."""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from local_aws.clients import client


def create_service_role(name: str, service_principal: str, statements: list[dict[str, Any]]) -> str:
    """Create role `name`, assumable by `service_principal` (e.g. lambda.amazonaws.com), with an
    inline policy of `statements`; return its ARN."""
    iam = client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service_principal}, "Action": "sts:AssumeRole"}],
    }
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if statements:
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement} for statement in statements]}
        iam.put_role_policy(RoleName=name, PolicyName=f"{name}-access", PolicyDocument=json.dumps(document))
    return arn


def clients_as(role_arn: str, session_name: str) -> Callable[[str], Any]:
    """A maker of clients signing with the credentials of `role_arn`, assumed as `session_name`;
    a refused call is not retried."""
    credentials = client("sts").assume_role(RoleArn=role_arn, RoleSessionName=session_name)["Credentials"]
    keys = {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }
    return lambda service: client(service, credentials=keys, retries={"total_max_attempts": 1})


def create_crawler(name: str, role_arn: str, database: str, path: str) -> None:
    """Create crawler `name`, running under `role_arn`, that catalogs the S3 folder `path` in `database`."""
    client("glue").create_crawler(Name=name, Role=role_arn, DatabaseName=database, Targets={"S3Targets": [{"Path": path}]})


def statements_of_role(role_name: str) -> list[dict[str, Any]]:
    """Every statement of the role's inline policies."""
    iam = client("iam")
    statements = []
    for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        statements += document["Statement"]
    return statements


def catalog_statement(actions: list[str], database: str) -> dict[str, Any]:
    """`actions` on the catalog, `database` and its tables, in any region of the test account."""
    prefix = "arn:aws:glue:*:123456789012"
    return {"Action": actions, "Resource": [f"{prefix}:catalog", f"{prefix}:database/{database}", f"{prefix}:table/{database}/*"]}


CRAWLER_CATALOG_ACTIONS = [
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:BatchCreatePartition",
    "glue:GetPartitions",
    "glue:BatchUpdatePartition",
    "glue:CreatePartition",
    "glue:UpdatePartition",
    "glue:BatchDeletePartition",
    "glue:DeletePartition",
    "glue:DeleteTable",
]


@contextmanager
def statement_removed(role: str, sid: str) -> Iterator[None]:
    """The role's inline policies without statement `sid` for the duration of the block."""
    iam = client("iam")
    originals: dict[str, dict[str, Any]] = {}
    for policy_name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        kept = [statement for statement in document["Statement"] if statement.get("Sid") != sid]
        if len(kept) != len(document["Statement"]):
            originals[policy_name] = document
            iam.put_role_policy(RoleName=role, PolicyName=policy_name, PolicyDocument=json.dumps({**document, "Statement": kept}))
    assert originals, f"role {role} has no statement {sid}"
    try:
        yield
    finally:
        for policy_name, document in originals.items():
            iam.put_role_policy(RoleName=role, PolicyName=policy_name, PolicyDocument=json.dumps(document))
