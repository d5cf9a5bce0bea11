"""Roles for the tests that deploy resources by hand: a service may assume them, and they allow
exactly the statements given (the emulator judges every call a component makes under its role)."""

import json
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
]
