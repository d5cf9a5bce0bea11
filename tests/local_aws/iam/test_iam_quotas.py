"""IAM's name and policy size quotas, refused through IAM's query API as the aws provider calls it."""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client


def sized(size: int, document: Callable[[str], dict[str, Any]]) -> str:
    """`document(padding)` as indented JSON, padded to `size` characters not counting whitespace
    (IAM does not count it: the indentation shows that)."""

    def measure(padding: str) -> int:
        return len(re.sub(r"\s", "", json.dumps(document(padding))))

    padding = "a" * (size - measure(""))
    assert measure(padding) == size
    return json.dumps(document(padding), indent=4)


def permissions(padding: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::lake/{padding}"}],
    }


def trust(padding: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceArn": f"arn:aws:lambda:us-east-1:123456789012:function:{padding}"}},
            }
        ],
    }


@pytest.fixture
def iam(clean_emulator: str) -> Any:
    return client("iam")


def refusal(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def test_a_role_name_of_64_characters_is_taken_and_one_of_65_refused(iam: Any) -> None:
    iam.create_role(RoleName="r" * 64, AssumeRolePolicyDocument=sized(300, trust))

    with pytest.raises(ClientError) as error:
        iam.create_role(RoleName="r" * 65, AssumeRolePolicyDocument=sized(300, trust))

    assert refusal(error) == (
        "ValidationError",
        400,
        f"1 validation error detected: Value '{'r' * 65}' at 'roleName' failed to satisfy constraint: "
        "Member must have length less than or equal to 64",
    )


def test_a_role_name_outside_iams_characters_is_refused(iam: Any) -> None:
    iam.create_role(RoleName="etl+glue=job,v1.0@team_a-b", AssumeRolePolicyDocument=sized(300, trust))

    with pytest.raises(ClientError) as error:
        iam.create_role(RoleName="etl glue", AssumeRolePolicyDocument=sized(300, trust))

    assert refusal(error) == (
        "ValidationError",
        400,
        "1 validation error detected: Value 'etl glue' at 'roleName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    )


def test_a_trust_policy_of_2048_characters_is_taken_and_one_of_2049_refused(iam: Any) -> None:
    iam.create_role(RoleName="fits", AssumeRolePolicyDocument=sized(2048, trust))

    with pytest.raises(ClientError) as created:
        iam.create_role(RoleName="too-big", AssumeRolePolicyDocument=sized(2049, trust))
    with pytest.raises(ClientError) as updated:
        iam.update_assume_role_policy(RoleName="fits", PolicyDocument=sized(2049, trust))

    assert refusal(created) == refusal(updated) == ("LimitExceeded", 409, "Cannot exceed quota for ACLSizePerRole: 2048")
    assert [role["RoleName"] for role in iam.list_roles()["Roles"]] == ["fits"]


def test_a_roles_inline_policies_may_total_10240_characters(iam: Any) -> None:
    iam.create_role(RoleName="glue-job", AssumeRolePolicyDocument=sized(300, trust))
    iam.put_role_policy(RoleName="glue-job", PolicyName="tables", PolicyDocument=sized(6000, permissions))
    iam.put_role_policy(RoleName="glue-job", PolicyName="logs", PolicyDocument=sized(4240, permissions))
    # The policy put again replaces itself: it does not count twice.
    iam.put_role_policy(RoleName="glue-job", PolicyName="logs", PolicyDocument=sized(4240, permissions))

    with pytest.raises(ClientError) as error:
        iam.put_role_policy(RoleName="glue-job", PolicyName="logs", PolicyDocument=sized(4241, permissions))

    assert refusal(error) == ("LimitExceeded", 409, "Maximum policy size of 10240 bytes exceeded for role glue-job")
    assert sorted(iam.list_role_policies(RoleName="glue-job")["PolicyNames"]) == ["logs", "tables"]


def test_a_policy_name_of_128_characters_is_taken_and_one_of_129_refused(iam: Any) -> None:
    iam.create_role(RoleName="named", AssumeRolePolicyDocument=sized(300, trust))
    iam.put_role_policy(RoleName="named", PolicyName="p" * 128, PolicyDocument=sized(200, permissions))

    with pytest.raises(ClientError) as inline:
        iam.put_role_policy(RoleName="named", PolicyName="p" * 129, PolicyDocument=sized(200, permissions))
    with pytest.raises(ClientError) as managed:
        iam.create_policy(PolicyName="p" * 129, PolicyDocument=sized(200, permissions))

    expected = (
        f"1 validation error detected: Value '{'p' * 129}' at 'policyName' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )
    assert refusal(inline) == refusal(managed) == ("ValidationError", 400, expected)


def test_a_managed_policy_of_6144_characters_is_taken_and_one_of_6145_refused(iam: Any) -> None:
    arn = iam.create_policy(PolicyName="fits", PolicyDocument=sized(6144, permissions))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=sized(6144, permissions), SetAsDefault=True)

    with pytest.raises(ClientError) as created:
        iam.create_policy(PolicyName="too-big", PolicyDocument=sized(6145, permissions))
    with pytest.raises(ClientError) as versioned:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=sized(6145, permissions), SetAsDefault=True)

    assert refusal(created) == refusal(versioned) == ("LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144")
    assert sorted(version["VersionId"] for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]) == ["v1", "v2"]
