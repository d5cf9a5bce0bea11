"""A TLS-only bucket policy lets the emulator's requests through, as AWS reached over TLS does
(local_aws/emulator/s3/policies.py); any other Deny still denies."""

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import set_initial_no_auth_action_count

from local_aws.clients import client
from tests.local_aws.moto_gaps import REGION, plain_moto, still_lacking


def test_tls_only_bucket_policy_lets_requests_through(clean_emulator: str) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="tls-only")
    s3.put_bucket_policy(
        Bucket="tls-only",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        ),
    )
    s3.put_object(Bucket="tls-only", Key="raw/a.csv", Body=b"id\n1\n")
    assert s3.get_object(Bucket="tls-only", Key="raw/a.csv")["Body"].read() == b"id\n1\n"


def test_bucket_policy_without_a_transport_condition_still_denies(clean_emulator: str) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="deny-all")
    s3.put_object(Bucket="deny-all", Key="a.csv", Body=b"id\n")
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::deny-all/*"}
    s3.put_bucket_policy(Bucket="deny-all", Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    with pytest.raises(s3.exceptions.ClientError, match="403"):
        s3.get_object(Bucket="deny-all", Key="a.csv")


TLS_ONLY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def test_moto_still_denies_every_request_under_a_tls_only_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        s3, iam = moto_client("s3"), moto_client("iam")
        s3.create_bucket(Bucket="tls-only")
        s3.put_object(Bucket="tls-only", Key="a.csv", Body=b"id\n")
        s3.put_bucket_policy(Bucket="tls-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [TLS_ONLY]}))
        iam.create_user(UserName="reader")
        iam.put_user_policy(
            UserName="reader",
            PolicyName="read",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
        )
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        reader = boto3.client("s3", region_name=REGION, aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])

        @set_initial_no_auth_action_count(0)
        def read_status() -> int:
            try:
                return int(reader.get_object(Bucket="tls-only", Key="a.csv")["ResponseMetadata"]["HTTPStatusCode"])
            except ClientError as error:
                return int(error.response["ResponseMetadata"]["HTTPStatusCode"])

        still_lacking(read_status() == 403, "s3.policies._bucket_permission_over_tls")
