"""SNS's limits on what Publish takes: a message of at most 262,144 bytes, a subject of printable ASCII."""

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client


@pytest.fixture
def topic(clean_emulator: str) -> str:
    return str(client("sns").create_topic(Name="alerts")["TopicArn"])


def refusal(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_a_message_of_262144_bytes_is_published_and_a_byte_more_refused(topic: str) -> None:
    sns = client("sns")
    sns.publish(TopicArn=topic, Message="a" * 262_144)

    with pytest.raises(ClientError) as error:
        sns.publish(TopicArn=topic, Message="a" * 262_145)

    assert refusal(error) == ("InvalidParameter", "Invalid parameter: Message too long")


def test_a_message_is_measured_in_bytes_not_characters(topic: str) -> None:
    with pytest.raises(ClientError) as error:
        client("sns").publish(TopicArn=topic, Message="é" * 131_073)

    assert refusal(error) == ("InvalidParameter", "Invalid parameter: Message too long")


@pytest.mark.parametrize("subject", ["etl pipeline failed", "[etl] 3 of 50 tables failed", "s" * 100])
def test_a_subject_of_printable_ascii_is_taken(topic: str, subject: str) -> None:
    client("sns").publish(TopicArn=topic, Message="failed", Subject=subject)


@pytest.mark.parametrize("subject", ["", " leading space", "two\nlines", "tab\there", "café failed", "s" * 101])
def test_a_subject_sns_refuses_is_refused(topic: str, subject: str) -> None:
    with pytest.raises(ClientError) as error:
        client("sns").publish(TopicArn=topic, Message="failed", Subject=subject)

    assert refusal(error) == ("InvalidParameter", "Invalid parameter: Subject")
