"""Lambda's invocation payload quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html;
https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html: "For synchronous invocations, the
maximum payload size is 6 MB. For asynchronous invocations, the maximum payload size is 1 MB").

- A request past them is refused with HTTP 413 `RequestEntityTooLargeException`, the code Lambda sends
  (the SDK model names the shape RequestTooLargeException), in Lambda's words: "Request must be
  smaller than 6291456 bytes for the InvokeFunction operation", and for an Event invocation "<n> byte
  payload is too large for the Event invocation type (limit 1048576 bytes)". moto takes any size.
- A synchronous response past 6 MB (6,291,556 bytes, the figure Lambda names) fails the invocation:
  HTTP 200, X-Amz-Function-Error: Unhandled, the payload {"errorMessage": "Response payload size
  (<n> bytes) exceeded maximum allowed payload size (6291556 bytes).", "errorType":
  "Function.ResponseSizeTooLarge"}. moto's own check measures sys.getsizeof against 6,000,000, so it
  refused responses Lambda returns; it is replaced here.
"""

import json
from urllib.parse import unquote

from moto.awslambda.responses import LambdaResponse
from moto.core.exceptions import JsonRESTError
from moto.utilities.aws_headers import amz_crc32

REQUEST_RESPONSE_MAX_BYTES = 6 * 1024 * 1024
EVENT_MAX_BYTES = 1024 * 1024
RESPONSE_MAX_BYTES = 6_291_556


class RequestEntityTooLarge(JsonRESTError):
    code = 413

    def __init__(self, message: str) -> None:
        super().__init__("RequestEntityTooLargeException", message)


def check_request_size(size: int, invocation_type: str) -> None:
    if invocation_type == "Event" and size > EVENT_MAX_BYTES:
        raise RequestEntityTooLarge(f"{size} byte payload is too large for the Event invocation type (limit {EVENT_MAX_BYTES} bytes)")
    if size > REQUEST_RESPONSE_MAX_BYTES:
        raise RequestEntityTooLarge(f"Request must be smaller than {REQUEST_RESPONSE_MAX_BYTES} bytes for the InvokeFunction operation")


def response_too_large(size: int) -> bytes:
    return json.dumps(
        {
            "errorMessage": f"Response payload size ({size} bytes) exceeded maximum allowed payload size ({RESPONSE_MAX_BYTES} bytes).",
            "errorType": "Function.ResponseSizeTooLarge",
        }
    ).encode("utf-8")


@amz_crc32
def _invoke_within_quotas(self: LambdaResponse) -> tuple[int, dict[str, str], str | bytes]:
    """moto's LambdaResponse.invoke, with Lambda's request and response payload quotas."""
    invocation_type = self.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
    body = self.raw_body if isinstance(self.raw_body, bytes) else (self.raw_body or "").encode("utf-8")
    check_request_size(len(body), invocation_type)
    response_headers: dict[str, str] = {}
    function_name = unquote(self.path.rsplit("/", 2)[-2])
    payload = self.backend.invoke(function_name, self._get_param("qualifier"), self.body, self.headers, response_headers)
    if payload is None:
        return 404, response_headers, "{}"
    response_headers["content-type"] = "application/json"
    if invocation_type == "Event":
        response_headers["status"] = "202"
        return 202, response_headers, payload
    if invocation_type == "DryRun":
        response_headers["status"] = "204"
        return 204, response_headers, payload
    size = len(payload if isinstance(payload, bytes) else payload.encode("utf-8"))
    if size > RESPONSE_MAX_BYTES:
        response_headers["x-amz-function-error"] = "Unhandled"
        payload = response_too_large(size)
    if self.headers.get("X-Amz-Log-Type") != "Tail":
        response_headers.pop("x-amz-log-result", None)
    return 200, response_headers, payload


def enforce_invocation_quotas() -> None:
    """Hold Invoke to Lambda's payload quotas; call once in the emulator process."""
    setattr(LambdaResponse, "invoke", _invoke_within_quotas)  # noqa: B010
