"""IAM policy evaluation as AWS documents it: explicit deny wins, wildcards, and conditions on keys
a request carries or lacks."""

from typing import Any

import pytest

from local_aws.emulator.iam.policy import Decision, PolicyDocument, UnsupportedCondition, evaluate

BUCKET = "arn:aws:s3:::lake"


def decide(statements: list[dict[str, Any]], action: str, resource: str, context: dict[str, Any] | None = None) -> Decision:
    return evaluate([PolicyDocument.of({"Statement": statements})], action, resource, context or {})


def allow(action: Any, resource: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **({"Condition": condition} if condition else {})}


def test_nothing_allowed_is_an_implicit_deny() -> None:
    assert decide([], "glue:GetCrawler", "arn:aws:glue:eu-west-1:111122223333:crawler/raw") is Decision.IMPLICIT_DENY


def test_a_grant_on_another_resource_does_not_allow_this_one() -> None:
    statements = [allow("glue:GetCrawler", "arn:aws:glue:eu-west-1:111122223333:crawler/other")]
    assert decide(statements, "glue:GetCrawler", "arn:aws:glue:eu-west-1:111122223333:crawler/raw") is Decision.IMPLICIT_DENY


def test_actions_match_case_insensitively_and_resources_with_wildcards() -> None:
    statements = [allow("GLUE:get*", "arn:aws:glue:*:111122223333:crawler/ra?")]
    assert decide(statements, "glue:GetCrawler", "arn:aws:glue:eu-west-1:111122223333:crawler/raw") is Decision.ALLOWED
    assert decide(statements, "glue:GetCrawler", "arn:aws:glue:eu-west-1:111122223333:crawler/raw2") is Decision.IMPLICIT_DENY


def test_an_explicit_deny_wins_over_any_allow() -> None:
    statements = [allow("s3:*", "*"), {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": f"{BUCKET}/raw/*"}]
    assert decide(statements, "s3:DeleteObject", f"{BUCKET}/raw/part-0.csv") is Decision.EXPLICIT_DENY
    assert decide(statements, "s3:PutObject", f"{BUCKET}/raw/part-0.csv") is Decision.ALLOWED


def test_not_action_and_not_resource_allow_everything_else() -> None:
    statements = [{"Effect": "Allow", "NotAction": "s3:DeleteObject", "NotResource": f"{BUCKET}/scripts/*"}]
    assert decide(statements, "s3:PutObject", f"{BUCKET}/raw/x") is Decision.ALLOWED
    assert decide(statements, "s3:DeleteObject", f"{BUCKET}/raw/x") is Decision.IMPLICIT_DENY
    assert decide(statements, "s3:PutObject", f"{BUCKET}/scripts/x") is Decision.IMPLICIT_DENY


def test_a_condition_on_a_key_the_request_lacks_does_not_match() -> None:
    statements = [allow("s3:ListBucket", BUCKET, {"StringLike": {"s3:prefix": ["raw/*"]}})]
    assert decide(statements, "s3:ListBucket", BUCKET, {"s3:prefix": "raw/customers/"}) is Decision.ALLOWED
    assert decide(statements, "s3:ListBucket", BUCKET, {"s3:prefix": "cleansed/"}) is Decision.IMPLICIT_DENY
    assert decide(statements, "s3:ListBucket", BUCKET, {}) is Decision.IMPLICIT_DENY


def test_negated_operators_if_exists_and_null_on_a_missing_key() -> None:
    negated = [allow("s3:ListBucket", BUCKET, {"StringNotLike": {"s3:prefix": ["secret/*"]}})]
    assert decide(negated, "s3:ListBucket", BUCKET, {}) is Decision.ALLOWED
    if_exists = [allow("s3:ListBucket", BUCKET, {"StringLikeIfExists": {"s3:prefix": ["raw/*"]}})]
    assert decide(if_exists, "s3:ListBucket", BUCKET, {}) is Decision.ALLOWED
    assert decide(if_exists, "s3:ListBucket", BUCKET, {"s3:prefix": "cleansed/"}) is Decision.IMPLICIT_DENY
    absent = [allow("s3:ListBucket", BUCKET, {"Null": {"s3:prefix": "true"}})]
    assert decide(absent, "s3:ListBucket", BUCKET, {}) is Decision.ALLOWED
    assert decide(absent, "s3:ListBucket", BUCKET, {"s3:prefix": "raw/"}) is Decision.IMPLICIT_DENY


def test_every_operator_and_key_must_hold_and_any_value_of_a_key_may() -> None:
    condition = {"StringEquals": {"aws:SourceAccount": ["111122223333", "444455556666"]}, "ArnLike": {"aws:SourceArn": "arn:aws:states:*"}}
    statements = [allow("sts:AssumeRole", "*", condition)]
    context = {"aws:SourceAccount": "444455556666", "aws:SourceArn": "arn:aws:states:eu-west-1:444455556666:stateMachine:p"}
    assert decide(statements, "sts:AssumeRole", "*", context) is Decision.ALLOWED
    assert decide(statements, "sts:AssumeRole", "*", {**context, "aws:SourceArn": "arn:aws:events:x"}) is Decision.IMPLICIT_DENY


def test_an_operator_the_evaluator_does_not_know_is_refused_not_guessed() -> None:
    statements = [allow("s3:GetObject", "*", {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})]
    with pytest.raises(UnsupportedCondition, match="DateGreaterThan"):
        decide(statements, "s3:GetObject", f"{BUCKET}/x", {"aws:CurrentTime": "2026-01-01T00:00:00Z"})
