"""Access denials in the shape each AWS service answers them.

The message is AWS's (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
"User: <principal> is not authorized to perform: <action> on resource: <arn> because no identity-based
policy allows the <action> action" (or "with an explicit deny in an identity-based policy").
The shape is the service's protocol: JSON services answer HTTP 400 `AccessDeniedException`, Lambda
HTTP 403 `AccessDeniedException`, SNS HTTP 403 `AuthorizationError`, STS and other query services
HTTP 403 `AccessDenied`, S3 HTTP 403 `AccessDenied` in its XML error document. A query service that
also speaks JSON or RPC v2 CBOR to newer SDKs (CloudWatch, whose botocore client sends CBOR) keeps
its query error code there (the awsQueryCompatible trait): HTTP 403 `AccessDenied` in a JSON error,
which the client reads as the emulator answers it (moto answers such clients in JSON).
"""

import uuid
from xml.sax.saxutils import escape

from moto.core.exceptions import JsonRESTError, _RESTError
from moto.s3.exceptions import S3ClientError

from local_aws.emulator.iam.policy import Decision

JSON_PROTOCOL_SERVICES = {"glue", "states", "secretsmanager", "logs", "events", "dynamodb", "sqs"}


def denial_message(principal_arn: str, action: str, resource: str, decision: Decision) -> str:
    reason = (
        "with an explicit deny in an identity-based policy"
        if decision is Decision.EXPLICIT_DENY
        else f"because no identity-based policy allows the {action} action"
    )
    return f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource} {reason}"


class QueryAccessDenied(_RESTError):
    """The query protocol's error document (SNS, STS), with the RequestId AWS always includes:
    <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>."""

    code = 403

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(error_type, message)
        self.description = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{error_type}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )


def access_denied(service: str, message: str, json_request: bool = False) -> Exception:
    """The exception whose response is the service's own answer to a denied request;
    `json_request`: the request came in JSON or CBOR rather than the query protocol."""
    if service in JSON_PROTOCOL_SERVICES:
        return JsonRESTError("AccessDeniedException", message)
    if service == "lambda":
        error = JsonRESTError("AccessDeniedException", message)
        error.code = 403
        return error
    if service == "sns":
        return QueryAccessDenied("AuthorizationError", message)
    if json_request:
        error = JsonRESTError("AccessDenied", message)
        error.code = 403
        return error
    return QueryAccessDenied("AccessDenied", message)


class S3AccessDenied(S3ClientError):
    code = "AccessDenied"

    def __init__(self, message: str) -> None:
        super().__init__("AccessDenied", message)
