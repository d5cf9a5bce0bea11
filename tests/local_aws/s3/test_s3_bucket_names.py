"""S3's bucket naming rules, refused by CreateBucket as S3 refuses them."""

import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from local_aws.clients import ADMINISTRATOR_KEY


@pytest.fixture
def s3(clean_emulator: str) -> Any:
    # Path-style requests: botocore refuses some of these names before sending them in a host name.
    return boto3.client(
        "s3",
        endpoint_url=clean_emulator,
        aws_access_key_id=ADMINISTRATOR_KEY,
        aws_secret_access_key=ADMINISTRATOR_KEY,
        config=Config(s3={"addressing_style": "path"}),
    )


@pytest.mark.parametrize("name", ["abc", "a" * 63, "etl-lake.2026", "1-lake", "lake-9"])
def test_a_valid_bucket_name_is_created(s3: Any, name: str) -> None:
    s3.create_bucket(Bucket=name)

    assert name in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Lake",
        "etl_lake",
        "-lake",
        "lake-",
        ".lake",
        "etl..lake",
        "192.168.5.4",
        "xn--lake",
        "sthree-lake",
        "sthree-configurator-lake",
        "amzn-s3-demo-lake",
        "lake-s3alias",
        "lake--ol-s3",
        "lake.mrap",
        "lake--table-s3",
    ],
)
def test_a_name_against_the_naming_rules_is_refused(s3: Any, name: str) -> None:
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket=name)

    assert (error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]) == (
        "InvalidBucketName",
        "The specified bucket is not valid.",
    )


def test_a_directory_bucket_suffix_is_refused_for_a_general_purpose_bucket(clean_emulator: str) -> None:
    # SDKs send a name ending --x-s3 to S3 Express, not to CreateBucket: the request is sent by hand.
    request = urllib.request.Request(f"{clean_emulator}/lake--x-s3", method="PUT")

    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request)

    assert error.value.code == 400
    assert b"<Code>InvalidBucketName</Code>" in error.value.read()
