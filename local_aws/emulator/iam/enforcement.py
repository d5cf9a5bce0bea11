"""IAM enforcement inside the emulator: the one place where a request signed with assumed-role
credentials is judged as AWS judges it, and refused in the service's own error shape.

moto's own enforcement (INITIAL_NO_AUTH_ACTION_COUNT) is not used: measured on moto 5.2.5, outside
S3 it checks the action only (resource `*`), ignores conditions, answers JSON services' denials with
an XML 403 that boto3 cannot name, and answers a read of a missing S3 key with NoSuchKey where AWS
answers 403. This module replaces moto's authorization hook, which every request handler calls.
"""

from typing import Any

from moto.core.authorization import ActionAuthenticatorMixin
from moto.iam.access_control import S3IAMRequest
from moto.s3.exceptions import BucketAccessDeniedError
from moto.s3.models import s3_backends

from local_aws.emulator.core.call_counts import CALL_COUNTS
from local_aws.emulator.iam.denials import S3AccessDenied, access_denied, denial_message
from local_aws.emulator.iam.policy import ConditionContext, Decision, evaluate
from local_aws.emulator.iam.principals import AssumedRoleIdentity, assumed_role_identity, signing_details
from local_aws.emulator.iam.requests import (
    AuthorizationRequest,
    RequestFacts,
    authorization_request,
    json_parameters,
    s3_authorization_requests,
)
from local_aws.emulator.kms.uses import judge_role, key_refusal, s3_key_uses, s3_refusal

# Services whose IAM prefix differs from the name they sign requests with.
IAM_PREFIX_OF_SIGNING_NAME = {"monitoring": "cloudwatch"}
# Actions AWS allows whatever the policies say (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
ALWAYS_ALLOWED = {"sts:GetCallerIdentity"}


class AccessDecision:
    """The verdict on one request: the first resource not allowed, if any."""

    def __init__(self, identity: AssumedRoleIdentity, requests: list[AuthorizationRequest]) -> None:
        self.identity = identity
        self.denied: tuple[str, str, Decision] | None = None
        policies = identity.policies()
        for request in requests:
            if request.action in ALWAYS_ALLOWED:
                continue
            for resource in request.resources:
                decision = evaluate(policies, request.action, resource, request.context)
                if decision is not Decision.ALLOWED:
                    self.denied = (request.action, resource, decision)
                    return

    @property
    def message(self) -> str:
        assert self.denied is not None
        action, resource, decision = self.denied
        return denial_message(self.identity.session_arn, action, resource, decision)


def _parameters(handler: Any) -> dict[str, Any]:
    query = {name: values[0] if isinstance(values, list) and values else values for name, values in (handler.querystring or {}).items()}
    # moto's DynamoDB handler holds its parsed parameters as the body by the time a request is judged.
    body = handler.body
    parameters = body if isinstance(body, dict) else json_parameters(body if isinstance(body, str | bytes) else None)
    return {**query, **parameters}


def _s3_key_exists(handler: Any, resource: str) -> bool:
    bucket_name, _, key = resource.split(":::", 1)[1].partition("/")
    bucket = s3_backends[handler.current_account][handler.partition].buckets.get(bucket_name)
    return bucket is not None and key in bucket.keys


def _judge_s3(handler: Any, identity: AssumedRoleIdentity, resource: str, context: ConditionContext) -> None:
    operation = handler.data.get("Action", "")
    requests = s3_authorization_requests(operation, resource, handler.querystring or {}, handler.raw_body, context)
    decision = AccessDecision(identity, requests)
    if decision.denied is not None:
        if operation == "DeleteObject" and "/" not in resource.split(":::", 1)[1]:
            # DeleteObjects answers 200 with an AccessDenied error per key it may not delete.
            raise BucketAccessDeniedError(resource.split(":::", 1)[1])
        raise S3AccessDenied(decision.message)
    if requests[0].action == "s3:GetObject" and not _s3_key_exists(handler, resource):
        # https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html: "If you don't have the
        # s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Access Denied error"
        # for a key that does not exist. The request carries no s3:prefix, so a ListBucket grant
        # conditioned on one does not count.
        bucket_arn = resource.split("/", 1)[0]
        listing = AccessDecision(identity, [AuthorizationRequest("s3:ListBucket", (bucket_arn,), context)])
        if listing.denied is not None:
            raise S3AccessDenied(listing.message)
    # Then S3 uses the object's KMS key for the caller (local_aws.emulator.kms).
    key_verdict = judge_role(identity, s3_key_uses(handler, resource, handler.current_account, handler.partition), context)
    if key_verdict is not None:
        raise s3_refusal(key_verdict, identity.session_arn)


def _authorize(handler: Any, iam_request_cls: type, resource: str = "*") -> None:
    signed = signing_details(handler.headers)
    if signed is None:
        return
    access_key, region, signing_name = signed
    service, operation = IAM_PREFIX_OF_SIGNING_NAME.get(signing_name, signing_name), handler._get_action()
    # Every signed request but S3's passes here once, the place to count the calls a run makes.
    if iam_request_cls is not S3IAMRequest:
        CALL_COUNTS.add(service, operation)
    identity = assumed_role_identity(handler.current_account, region, access_key)
    if identity is None:
        return
    context = identity.global_context(region)
    if iam_request_cls is S3IAMRequest:
        _judge_s3(handler, identity, resource, context)
        return
    facts = RequestFacts(
        service=service,
        operation=operation,
        parameters=_parameters(handler),
        partition=identity.partition,
        region=region,
        account=identity.account,
        path_parameters=dict(getattr(handler, "uri_match", None) or {}),
    )
    decision = AccessDecision(identity, [authorization_request(facts, context)])
    if decision.denied is not None:
        headers = {name.lower() for name, _ in handler.headers.items()}
        raise access_denied(service, decision.message, json_request=bool(headers & {"smithy-protocol", "x-amz-target"}))
    # Allowed the call, the caller may still be refused the KMS key the service uses for it (local_aws.emulator.kms).
    refusal = key_refusal(facts, identity, context)
    if refusal is not None:
        raise refusal


def enforce_iam() -> None:
    """Judge every request signed with assumed-role credentials; call once in the emulator process."""
    setattr(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", _authorize)  # noqa: B010
