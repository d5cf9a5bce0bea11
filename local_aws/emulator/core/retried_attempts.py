"""An SDK's retry of a request whose answer never reached it gets that answer again, not a second run.

Measured on 2 cores under `make test`, with Terraform's debug log beside the emulator's access log:
each full run has about two requests whose answer never reaches the Terraform provider, whose SDK
then sends the same operation again; in the case traced, the emulator had received the first
attempt and answered it 200 without any error on its side (no dropped connection, no listen queue
overflow; why the answer is lost on the loopback is not known). A read retried that way is harmless;
a create is not: a retried CreateFunction is answered 409 "Function already exist", which the
provider retries for five minutes before failing the apply (hashicorp/terraform-provider-aws#29263);
two CI runs failed so. The same lost answer on AWS ends the same way
(terraform-aws-modules/terraform-aws-lambda#435).

Every attempt of one operation carries the same `amz-sdk-invocation-id` header ("a consistent ID
across retries ... attached to all request attempts made as part of this operation",
https://docs.rs/aws-runtime/latest/aws_runtime/invocation_id/) and `amz-sdk-request: attempt=N`. An SDK
retries only an answer it did not get, or one that says to retry (5xx, throttling): so when a
retried attempt arrives for an operation whose earlier attempt was answered 2xx, that answer was
lost, and it is sent again. Nothing else changes: a new operation (a new invocation id) is judged
afresh, so a second CreateFunction of the same name is still refused as AWS refuses it, and a retry
after a 5xx or a throttle runs again.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Retries follow their lost attempt within seconds: the answers of the last few thousand operations suffice.
REMEMBERED_ANSWERS = 4096
# Only POST can create twice (every call of the JSON and query protocols, and REST creates such as
# CreateFunction); GET, HEAD, PUT and DELETE are safe to run again, and S3's downloads stay unbuffered.
REMEMBERED_METHODS = {"POST"}
LARGEST_REMEMBERED_BYTES = 256 * 1024


@dataclass(frozen=True)
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def _attempt(sdk_request: str) -> int:
    """The attempt number of an `amz-sdk-request` header ("attempt=2; max=3"); 1 when absent."""
    fields = dict(field.strip().partition("=")[::2] for field in sdk_request.split(";"))
    attempt = fields.get("attempt", "1")
    return int(attempt) if attempt.isdigit() else 1


class ReplayLostAnswers:
    """WSGI middleware around the emulator's application."""

    def __init__(self, app: WSGIApp) -> None:
        self._app = app
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def _remembered(self, invocation_id: str) -> Answer | None:
        with self._lock:
            return self._answers.get(invocation_id)

    def _remember(self, invocation_id: str, answer: Answer) -> None:
        with self._lock:
            self._answers[invocation_id] = answer
            while len(self._answers) > REMEMBERED_ANSWERS:
                self._answers.popitem(last=False)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        invocation_id = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation_id or environ.get("REQUEST_METHOD") not in REMEMBERED_METHODS:
            return self._app(environ, start_response)
        if _attempt(environ.get("HTTP_AMZ_SDK_REQUEST", "")) > 1:
            lost = self._remembered(invocation_id)
            if lost is not None:
                print(f"answered a retried attempt of SDK invocation {invocation_id} with its lost answer", flush=True)
                start_response(lost.status, lost.headers)
                return [lost.body]
        started: dict[str, Any] = {}

        def keep_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
            started.update(status=status, headers=headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = self._app(environ, keep_start)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        if str(started.get("status", "")).startswith("2") and len(body) <= LARGEST_REMEMBERED_BYTES:
            self._remember(invocation_id, Answer(started["status"], list(started["headers"]), body))
        return [body]
