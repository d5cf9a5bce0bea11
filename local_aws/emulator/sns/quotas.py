"""The limits SNS's Publish holds a message to (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html):

- Message: "at most 256 KB in size (262,144 bytes, not 262,144 characters)"; past it `InvalidParameter`
  "Invalid parameter: Message too long". moto counts characters, so a message of multi-byte text
  passed at up to four times the size, and words its refusal "An error occurred (InvalidParameter)
  when calling the Publish operation: Invalid parameter: Message too long".
- Subject: "ASCII text that begins with a letter, number, or punctuation mark; must not include line
  breaks or control characters", of at most 100 characters (moto measured 100 accepted, against the
  page's "less than 100"); otherwise `InvalidParameter` "Invalid parameter: Subject", which moto
  words "Subject must be less than 100 characters" for a long one and does not check otherwise.
"""

import string
from typing import Any

from moto.sns.exceptions import SNSInvalidParameter
from moto.sns.models import SNSBackend

MESSAGE_MAX_BYTES = 262_144
SUBJECT_MAX = 100
SUBJECT_FIRST_CHARACTERS = set(string.ascii_letters + string.digits + string.punctuation)

_publish = SNSBackend.publish


def is_valid_subject(subject: str) -> bool:
    return (
        0 < len(subject) <= SUBJECT_MAX and subject[0] in SUBJECT_FIRST_CHARACTERS and all(" " <= character <= "~" for character in subject)
    )


def _publish_within_limits(
    self: SNSBackend, message: str, arn: str | None, phone_number: str | None = None, subject: str | None = None, **rest: Any
) -> str:
    if phone_number is None and len(message.encode("utf-8")) > MESSAGE_MAX_BYTES:
        raise SNSInvalidParameter("Invalid parameter: Message too long")
    if subject is not None and not is_valid_subject(subject):
        raise SNSInvalidParameter("Invalid parameter: Subject")
    return _publish(self, message, arn, phone_number, subject, **rest)


def enforce_publish_limits() -> None:
    """Refuse Publish past SNS's limits; call once in the emulator process."""
    setattr(SNSBackend, "publish", _publish_within_limits)  # noqa: B010
