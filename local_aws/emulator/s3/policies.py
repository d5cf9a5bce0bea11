"""S3 bucket policies as the emulator's clients meet them (tests/local_aws/s3/test_bucket_policy_over_tls.py
shows the fill at work): moto 5.2 evaluates a bucket policy without its conditions, so the module's
TLS-only policy (deny when aws:SecureTransport is false) denies every request. The emulator stands
for AWS reached over TLS, so statements that match only plain-HTTP requests are left out.
"""

import json
from typing import Any

from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket


def _matches_only_plain_http(statement: dict[str, Any]) -> bool:
    secure_transport = statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
    return secure_transport in ("false", ["false"])


def _bucket_permission_over_tls(self: FakeBucket, action: str, resource: str) -> Any:
    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy)
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    policy["Statement"] = [statement for statement in statements if not _matches_only_plain_http(statement)]
    return IAMPolicy(json.dumps(policy)).is_action_permitted(action, resource)


FILLS: list[tuple[type, str, Any]] = [(FakeBucket, "get_permission", _bucket_permission_over_tls)]
