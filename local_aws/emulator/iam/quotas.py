"""IAM's name and size quotas, refused in IAM's request path as IAM refuses them
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). moto 5.2 accepts a role
name of any length and any characters and policy documents of any size.

- A role name: 1 to 64 characters of `[\\w+=,.@-]`; a policy name (inline or managed): 1 to 128 of
  the same (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html,
  API_PutRolePolicy.html, API_CreatePolicy.html): `ValidationError`, in the model's wording
  ("1 validation error detected: Value '...' at 'roleName' failed to satisfy constraint: ...").
- The inline policies of one role together: at most 10,240 characters, whitespace not counted;
  PutRolePolicy past it answers HTTP 409 `LimitExceeded` "Maximum policy size of 10240 bytes
  exceeded for role <name>".
- A managed policy document: at most 6,144 characters without whitespace; CreatePolicy and
  CreatePolicyVersion past it answer `LimitExceeded` "Cannot exceed quota for PolicySize: 6144".
- A role trust policy: at most 2,048 characters without whitespace; CreateRole and
  UpdateAssumeRolePolicy past it answer `LimitExceeded` "Cannot exceed quota for ACLSizePerRole: 2048".
The messages are IAM's as its callers report them (Terraform, CloudFormation, the CLI).
"""

import re
from typing import Any

from moto.iam.exceptions import LimitExceededException, ValidationError
from moto.iam.models import IAMBackend, ManagedPolicy

ROLE_NAME_MAX = 64
POLICY_NAME_MAX = 128
ROLE_INLINE_POLICIES_MAX = 10_240
MANAGED_POLICY_MAX = 6_144
TRUST_POLICY_MAX = 2_048
NAME_PATTERN = r"[\w+=,.@-]+"

_create_role = IAMBackend.create_role
_update_assume_role_policy = IAMBackend.update_assume_role_policy
_put_role_policy = IAMBackend.put_role_policy
_create_policy = IAMBackend.create_policy
_create_policy_version = IAMBackend.create_policy_version


def policy_size(document: str) -> int:
    """A policy's size as IAM counts it against its quotas: "IAM doesn't count white space"."""
    return len(re.sub(r"\s", "", document))


def _check_name(value: str, member: str, maximum: int) -> None:
    if len(value) > maximum:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {maximum}"
        )
    if not re.fullmatch(NAME_PATTERN, value):
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
        )


def _check_trust_policy(document: str) -> None:
    if policy_size(document) > TRUST_POLICY_MAX:
        raise LimitExceededException(f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_MAX}")


def _check_managed_policy(document: str) -> None:
    if policy_size(document) > MANAGED_POLICY_MAX:
        raise LimitExceededException(f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_MAX}")


def _create_role_within_quotas(self: IAMBackend, role_name: str, assume_role_policy_document: str, *rest: Any, **options: Any) -> Any:
    _check_name(role_name, "roleName", ROLE_NAME_MAX)
    _check_trust_policy(assume_role_policy_document)
    return _create_role(self, role_name, assume_role_policy_document, *rest, **options)


def _update_assume_role_policy_within_quota(self: IAMBackend, role_name: str, policy_document: str) -> None:
    _check_trust_policy(policy_document)
    _update_assume_role_policy(self, role_name, policy_document)


def _put_role_policy_within_quotas(self: IAMBackend, role_name: str, policy_name: str, policy_json: str) -> None:
    _check_name(policy_name, "policyName", POLICY_NAME_MAX)
    role = self.get_role(role_name)
    # The policy put replaces the one of the same name, so the role's other policies count with it.
    others = [document for name, document in role.policies.items() if name != policy_name]
    if sum(map(policy_size, [*others, policy_json])) > ROLE_INLINE_POLICIES_MAX:
        raise LimitExceededException(f"Maximum policy size of {ROLE_INLINE_POLICIES_MAX} bytes exceeded for role {role_name}")
    _put_role_policy(self, role_name, policy_name, policy_json)


def _create_policy_within_quotas(
    self: IAMBackend, description: str, path: str, policy_document: str, policy_name: str, tags: list[dict[str, str]]
) -> ManagedPolicy:
    _check_name(policy_name, "policyName", POLICY_NAME_MAX)
    _check_managed_policy(policy_document)
    return _create_policy(self, description, path, policy_document, policy_name, tags)


def _create_policy_version_within_quota(self: IAMBackend, policy_arn: str, policy_document: str, set_as_default: bool) -> Any:
    _check_managed_policy(policy_document)
    return _create_policy_version(self, policy_arn, policy_document, set_as_default)


def enforce_iam_quotas() -> None:
    """Refuse IAM requests past IAM's quotas; call once in the emulator process."""
    setattr(IAMBackend, "create_role", _create_role_within_quotas)  # noqa: B010
    setattr(IAMBackend, "update_assume_role_policy", _update_assume_role_policy_within_quota)  # noqa: B010
    setattr(IAMBackend, "put_role_policy", _put_role_policy_within_quotas)  # noqa: B010
    setattr(IAMBackend, "create_policy", _create_policy_within_quotas)  # noqa: B010
    setattr(IAMBackend, "create_policy_version", _create_policy_version_within_quota)  # noqa: B010
