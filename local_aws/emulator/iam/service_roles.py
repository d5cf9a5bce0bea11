"""AWS services assuming the roles the pipeline gives them, inside the emulator process.

A Lambda function runs under its execution role, a Glue job or crawler under its role, a state
machine's service calls under the state machine's role: the service calls sts:AssumeRole as its
service principal, which the role's trust policy must allow, with the condition keys that service
really sends. The credentials it gets are what `local_aws.emulator.iam.enforcement` then judges.
"""

import json
import threading
from dataclasses import dataclass
from typing import Any

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

from local_aws.emulator.iam.policy import Decision, PolicyDocument, evaluate

# The condition keys each service puts in its AssumeRole request: a trust policy condition on a
# key the service does not send can never match, so the service cannot assume the role.
# - states: https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
#   ("Prevent cross-service confused deputy": aws:SourceArn, aws:SourceAccount)
# - events: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
#   (aws:SourceArn is the rule, aws:SourceAccount its account)
# - lambda: AWS's own execution-role trust policy in aws/agent-toolkit-for-aws
#   (skills/.../deploying-custom-domain-rest-api/scripts/lambda-trust-policy.json) conditions on
#   aws:SourceAccount; the source ARN is the function's.
# - glue: no AWS document says Glue sends either key when assuming a job or crawler role, so none
#   is sent here.
SERVICES_SENDING_SOURCE_KEYS = {"states.amazonaws.com", "events.amazonaws.com", "lambda.amazonaws.com"}


class RoleNotAssumable(PermissionError):
    """The role's trust policy does not let the service assume it (or the role does not exist)."""


@dataclass(frozen=True)
class RoleCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    region: str

    def environment(self) -> dict[str, str]:
        """The variables an AWS SDK in a child process reads these credentials and region from."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_SESSION_TOKEN": self.session_token,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
        }

    def java_system_properties(self) -> dict[str, str]:
        """The same for the AWS SDK for Java 2 in a running JVM, whose environment is fixed: its
        default credentials chain reads these system properties first.
        https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/credentials-chain.html"""
        return {
            "aws.accessKeyId": self.access_key_id,
            "aws.secretAccessKey": self.secret_access_key,
            "aws.sessionToken": self.session_token,
            "aws.region": self.region,
        }

    def client_arguments(self) -> dict[str, Any]:
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "aws_session_token": self.session_token,
            "region_name": self.region,
        }


def _account_of(arn: str) -> str:
    return arn.split(":")[4]


def _principal_matches(service_principal: str) -> Any:
    def matches(statement: dict[str, Any]) -> bool:
        principal = statement.get("Principal", {})
        if principal == "*":
            return True
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        return service_principal in (services if isinstance(services, list) else [services])

    return matches


def trust_decision(role_arn: str, service_principal: str, source_arn: str | None) -> Decision:
    account = _account_of(role_arn)
    partition = role_arn.split(":")[1]
    try:
        role = iam_backends[account][partition].get_role_by_arn(role_arn)
    except Exception:  # moto raises its own not-found error; to the service it is a role it cannot assume
        return Decision.IMPLICIT_DENY
    document = role.assume_role_policy_document
    trust = PolicyDocument.of(json.loads(document) if isinstance(document, str) else document)
    context: dict[str, str | list[str]] = {"aws:PrincipalServiceName": service_principal, "aws:SecureTransport": "true"}
    if service_principal in SERVICES_SENDING_SOURCE_KEYS and source_arn:
        context.update({"aws:SourceArn": source_arn, "aws:SourceAccount": _account_of(source_arn)})
    return evaluate([trust], "sts:AssumeRole", None, context, principal_matches=_principal_matches(service_principal))


_cache: dict[tuple[str, str, str | None, str], RoleCredentials] = {}
_cache_lock = threading.Lock()


def assume_role_as_service(role_arn: str, service_principal: str, region: str, source_arn: str | None = None) -> RoleCredentials:
    """Credentials of `role_arn` for `service_principal` acting in `region` (for a resource `source_arn`)."""
    decision = trust_decision(role_arn, service_principal, source_arn)
    if decision is not Decision.ALLOWED:
        raise RoleNotAssumable(
            f"{service_principal} is unable to assume role {role_arn}: its trust policy does not allow sts:AssumeRole "
            f"by {service_principal} ({decision.value})."
        )
    key = (role_arn, service_principal, source_arn, region)
    with _cache_lock:
        if key not in _cache:
            partition = get_partition(region)
            assumed = sts_backends[_account_of(role_arn)][partition].assume_role(
                region_name=region,
                role_session_name=service_principal.split(".", 1)[0],
                role_arn=role_arn,
                policy="",
                duration=3600,
                external_id="",
            )
            _cache[key] = RoleCredentials(assumed.access_key_id, assumed.secret_access_key, assumed.session_token, region)
        return _cache[key]


def forget_credentials() -> None:
    """Forget issued credentials (after the emulator's resources are reset)."""
    with _cache_lock:
        _cache.clear()


def role_arn_of(role: str, backend: Any) -> str:
    """Glue takes a role as a name or an ARN (https://docs.aws.amazon.com/glue/latest/webapi/API_CreateJob.html,
    `Role`); a name is a role of the job's or crawler's own account."""
    if role.startswith("arn:"):
        return role
    return f"arn:{get_partition(backend.region_name)}:iam::{backend.account_id}:role/{role}"
