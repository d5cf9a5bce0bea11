"""S3's naming rules for general purpose buckets
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), which CreateBucket
refuses with `InvalidBucketName` "The specified bucket is not valid.". moto 5.2 checks the length
only: it created `Abc`, `a..b`, `192.168.1.1`, `-abc`, `a_b` and the reserved prefixes and suffixes.
"""

import re

from moto.s3.exceptions import InvalidBucketName
from moto.s3.models import FakeBucket, S3Backend

# 3 to 63 lowercase letters, numbers, dots and hyphens, beginning and ending with a letter or number.
SHAPE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
IP_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
# Access point aliases, Object Lambda access point aliases, Multi-Region Access Points, directory
# buckets and S3 table buckets.
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

_create_bucket = S3Backend.create_bucket


def is_valid_bucket_name(name: str) -> bool:
    return (
        SHAPE.fullmatch(name) is not None
        and ".." not in name
        and IP_ADDRESS.fullmatch(name) is None
        and not name.startswith(RESERVED_PREFIXES)
        and not name.endswith(RESERVED_SUFFIXES)
    )


def _create_valid_bucket(self: S3Backend, bucket_name: str, region_name: str, bucket_namespace: str | None = None) -> FakeBucket:
    if not is_valid_bucket_name(bucket_name):
        raise InvalidBucketName()
    return _create_bucket(self, bucket_name, region_name, bucket_namespace)


def enforce_bucket_naming_rules() -> None:
    """Refuse CreateBucket for a name S3 refuses; call once in the emulator process."""
    setattr(S3Backend, "create_bucket", _create_valid_bucket)  # noqa: B010
