"""A TLS-only bucket policy lets the emulator's requests through, as AWS reached over TLS does
(local_aws/emulator/s3/policies.py); any other Deny still denies."""

import json

import pytest

from local_aws.clients import client


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
