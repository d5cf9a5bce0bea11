"""The use of a customer-managed KMS key judged as AWS KMS judges it: its key policy beside IAM.

https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html: "Unlike other AWS
resource policies, an AWS KMS key policy does not automatically give permission to the account or
any of its users." A principal may use the key when a key policy statement names it (its role, its
session, or `*`), or when a statement names the account (`arn:aws:iam::<account>:root`, or the bare
account ID) for that action, which "allows the account to use IAM policies to delegate the
permissions specified in the policy statement" — and then an IAM policy of the principal must allow
it on the key's ARN. "Without this permission, IAM policies that allow access to the key are
ineffective, although IAM policies that deny access to the key are still effective": an explicit
Deny in either policy wins. A service principal (events.amazonaws.com) has no IAM policies: only a
key policy statement naming that service lets it use the key.

AWS managed keys (aliases `alias/aws/<service>`) need nothing here: their key policies let every
principal of the account use them through the service
(https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-cmk). The key is
read from moto's KMS backend, its policy as GetKeyPolicy returns it.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from moto.kms.models import Key, kms_backends

from local_aws.emulator.iam.policy import ConditionContext, Decision, PolicyDocument, evaluate
from local_aws.emulator.iam.principals import AssumedRoleIdentity

AWS_MANAGED_ALIAS_PREFIX = "alias/aws/"


@dataclass(frozen=True)
class CustomerKey:
    """A customer-managed key a request uses: its ARN, whether it is enabled, its key policy."""

    arn: str
    account: str
    enabled: bool
    policy: PolicyDocument


def customer_key(key_id: str, account: str, region: str) -> CustomerKey | None:
    """The customer-managed key `key_id` (key ID, key ARN, alias name or alias ARN; an ARN names its
    own account and region) stands for; None for an AWS managed key or a key the emulator does not hold."""
    if key_id.startswith("arn:"):
        _, _, _, region, account, resource = key_id.split(":", 5)
        key_id = resource
    if key_id.startswith(AWS_MANAGED_ALIAS_PREFIX):
        return None
    backend = kms_backends[account][region]
    key: Key | None
    if key_id.startswith("alias/"):
        key = next((candidate for candidate in backend.keys.values() if key_id in candidate.aliases), None)
    else:
        key = backend.keys.get(key_id.removeprefix("key/"))
    if key is None or key.key_manager == "AWS" or any(alias.startswith(AWS_MANAGED_ALIAS_PREFIX) for alias in key.aliases):
        return None
    document = json.loads(key.policy) if key.policy else {}
    return CustomerKey(arn=key.arn, account=account, enabled=key.key_state != "Disabled", policy=PolicyDocument.of(document))


def kms_context(via_service: str, caller_account: str, encryption_context: Mapping[str, str]) -> dict[str, str | list[str]]:
    """The KMS condition keys of a request a service makes for its caller
    (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html): kms:ViaService is the
    service's endpoint (`s3.<region>.amazonaws.com`), kms:CallerAccount the caller's account, and
    kms:EncryptionContext:<key> / kms:EncryptionContextKeys the encryption context the service sends."""
    context: dict[str, str | list[str]] = {"kms:ViaService": via_service, "kms:CallerAccount": caller_account}
    context.update({f"kms:EncryptionContext:{name}": value for name, value in encryption_context.items()})
    if encryption_context:
        context["kms:EncryptionContextKeys"] = list(encryption_context)
    return context


@dataclass(frozen=True)
class KeyRefusal:
    """Why a key may not be used: the action and AWS's reason (`...because no identity-based policy
    allows the kms:Decrypt action`, https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html)."""

    action: str
    key_arn: str
    reason: str

    def message(self, principal: str) -> str:
        return f"User: {principal} is not authorized to perform: {self.action} on resource: {self.key_arn} {self.reason}"


def _principals(statement: Mapping[str, Any], kind: str) -> list[str]:
    principal = statement.get("Principal", {})
    if principal == "*":
        return ["*"]
    values = principal.get(kind, []) if isinstance(principal, dict) else []
    return values if isinstance(values, list) else [values]


def _names_account(account: str) -> Callable[[Mapping[str, Any]], bool]:
    """A statement naming the account principal (`arn:aws:iam::<account>:root` or the bare ID)."""
    return lambda statement: any(value == account or value.endswith(f":iam::{account}:root") for value in _principals(statement, "AWS"))


def _names_role(identity: AssumedRoleIdentity) -> Callable[[Mapping[str, Any]], bool]:
    return lambda statement: any(value in ("*", identity.role_arn, identity.session_arn) for value in _principals(statement, "AWS"))


def _refused(action: str, key: CustomerKey, reason: str) -> KeyRefusal:
    return KeyRefusal(action, key.arn, reason)


def role_may_use(identity: AssumedRoleIdentity, key: CustomerKey, action: str, context: ConditionContext) -> KeyRefusal | None:
    """The refusal of `action` on `key` to the role behind `identity`, or None when allowed."""
    names_role, names_account = _names_role(identity), _names_account(identity.account)

    def names_principal(statement: Mapping[str, Any]) -> bool:
        # A Deny naming the account denies every principal of the account.
        return names_role(statement) or (statement.get("Effect") == "Deny" and names_account(statement))

    if evaluate([key.policy], action, key.arn, context, principal_matches=names_principal) is Decision.EXPLICIT_DENY:
        return _refused(action, key, "with an explicit deny in a resource-based policy")
    identity_decision = evaluate(identity.policies(), action, key.arn, context)
    if identity_decision is Decision.EXPLICIT_DENY:
        return _refused(action, key, "with an explicit deny in an identity-based policy")
    if evaluate([key.policy], action, key.arn, context, principal_matches=names_role) is Decision.ALLOWED:
        return None
    # A statement naming the caller's account (the key's own, or another it trusts) lets that
    # account's IAM policies decide.
    delegated = evaluate([key.policy], action, key.arn, context, principal_matches=names_account) is Decision.ALLOWED
    if not delegated:
        return _refused(action, key, f"because no resource-based policy allows the {action} action")
    if identity_decision is not Decision.ALLOWED:
        return _refused(action, key, f"because no identity-based policy allows the {action} action")
    return None


def names_service(service_principal: str) -> Callable[[Mapping[str, Any]], bool]:
    """A resource policy statement naming `service_principal` (events.amazonaws.com): in its Service
    principals, or by the wildcard `"Principal": "*"` or `{"AWS": "*"}`, which are the same and name
    every principal
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)."""
    return lambda statement: "*" in _principals(statement, "AWS") or service_principal in _principals(statement, "Service")


def service_may_use(service_principal: str, key: CustomerKey, action: str, context: ConditionContext) -> KeyRefusal | None:
    """The refusal of `action` on `key` to an AWS service acting as its own principal
    (events.amazonaws.com delivering to a topic), which only the key policy can allow."""
    decision = evaluate(
        [key.policy],
        action,
        key.arn,
        {**context, "aws:PrincipalServiceName": service_principal},
        principal_matches=names_service(service_principal),
    )
    if decision is Decision.EXPLICIT_DENY:
        return _refused(action, key, "with an explicit deny in a resource-based policy")
    if decision is not Decision.ALLOWED:
        return _refused(action, key, f"because no resource-based policy allows the {action} action")
    return None
