"""Who signed a request, and the policies that speak for them.

Terraform, the tests and the demo sign with the emulator's administrator key ("test") and are not
judged. Every component of the pipeline acts under its own role, with credentials from
sts:AssumeRole (`local_aws.emulator.iam.service_roles`); a request signed with such credentials is judged
against that role's inline and attached policies.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

from local_aws.emulator.iam.policy import PolicyDocument

CREDENTIAL = re.compile(r"Credential=(?P<access_key>[^/]+)/[^/]+/(?P<region>[^/]+)/(?P<service>[^/]+)/")


@dataclass(frozen=True)
class AssumedRoleIdentity:
    role_arn: str
    session_arn: str
    account: str
    partition: str
    user_id: str

    @property
    def role_name(self) -> str:
        return self.role_arn.rsplit("/", 1)[-1]

    def policies(self) -> list[PolicyDocument]:
        backend = iam_backends[self.account][self.partition]
        role = backend.get_role_by_arn(self.role_arn)
        documents = [_document(text) for text in role.policies.values()]
        documents += [_document(_default_version(policy)) for policy in role.managed_policies.values()]
        return [PolicyDocument.of(document) for document in documents]

    def global_context(self, region: str) -> dict[str, str | list[str]]:
        """The global condition keys AWS puts in every request this role signs
        (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
        The emulator stands for AWS reached over TLS, as every SDK reaches it."""
        return {
            "aws:PrincipalArn": self.role_arn,
            "aws:PrincipalAccount": self.account,
            "aws:PrincipalType": "AssumedRole",
            "aws:userid": self.user_id,
            "aws:RequestedRegion": region,
            "aws:SecureTransport": "true",
            "aws:CurrentTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def _default_version(policy: Any) -> str:
    return str(next(version.document for version in policy.versions if version.is_default_version))


def _document(text: str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(text, Mapping):
        return dict(text)
    try:
        return dict(json.loads(text))
    except ValueError:
        return dict(json.loads(unquote(text)))


def signing_details(headers: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(access key, region, signing service) from a SigV4 Authorization header."""
    match = CREDENTIAL.search(headers.get("Authorization", "") or "")
    return (match["access_key"], match["region"], match["service"]) if match else None


def assumed_role_identity(account: str, region: str, access_key: str) -> AssumedRoleIdentity | None:
    """The role behind `access_key`, when it is assumed-role credentials; None for the administrator."""
    partition = get_partition(region)
    assumed = sts_backends[account][partition].get_assumed_role_from_access_key(access_key)
    if assumed is None:
        return None
    return AssumedRoleIdentity(
        role_arn=assumed.role_arn,
        session_arn=assumed.arn,
        account=account,
        partition=partition,
        user_id=assumed.user_id,
    )
