"""EventBridge's limits on a rule (PutRule), its input transformer filling a template as AWS does, and
PutEvents refusing a customer event that claims an AWS service's source."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from tests.topic_policies import allow_rule_to_publish


@pytest.fixture
def events(clean_emulator: str) -> Any:
    return client("events")


def pattern_of_length(length: int) -> str:
    pattern = json.dumps({"source": ["aws.glue"], "detail": {"jobName": [""]}})
    return pattern.replace('[""]', f'["{"j" * (length - len(pattern))}"]')


def refusal(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_an_event_pattern_of_2048_characters_is_taken_and_longer_ones_refused(events: Any) -> None:
    events.put_rule(Name="fits", EventPattern=pattern_of_length(2048))

    with pytest.raises(ClientError) as over_quota:
        events.put_rule(Name="over-quota", EventPattern=pattern_of_length(2049))
    with pytest.raises(ClientError) as over_maximum:
        events.put_rule(Name="over-maximum", EventPattern=pattern_of_length(4097))

    assert refusal(over_quota) == ("LimitExceededException", "Event pattern size 2049 exceeds the quota of 2048 characters.")
    assert refusal(over_maximum)[0] == "ValidationException"
    assert refusal(over_maximum)[1].endswith(
        "at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096"
    )
    assert [rule["Name"] for rule in events.list_rules()["Rules"]] == ["fits"]


@pytest.mark.parametrize(
    "expression", ["rate(1 hour)", "rate(5 hours)", "rate(1 minute)", "rate(7 days)", "cron(0 3 * * ? *)", "cron(15 10 ? * MON-FRI *)"]
)
def test_a_valid_schedule_expression_is_taken(events: Any, expression: str) -> None:
    events.put_rule(Name="scheduled", ScheduleExpression=expression)

    assert events.describe_rule(Name="scheduled")["ScheduleExpression"] == expression


@pytest.mark.parametrize(
    "expression",
    [
        "rate(1 hours)",
        "rate(5 hour)",
        "rate(0 minutes)",
        "rate(2 weeks)",
        "cron(0 3 * * ?)",
        "cron(0 3 * * * *)",
        "cron(0 3 ? * ? *)",
        "every hour",
    ],
)
def test_an_invalid_schedule_expression_is_refused(events: Any, expression: str) -> None:
    with pytest.raises(ClientError) as error:
        events.put_rule(Name="scheduled", ScheduleExpression=expression)

    assert refusal(error) == ("ValidationException", "Parameter ScheduleExpression is not valid.")


MESSAGE = 'KeyError: "email" at C:\\jobs\\nightly.py'


@pytest.mark.parametrize(
    ("template", "delivered"),
    [
        ('"Job <job> failed: <message>"', f"Job nightly failed: {MESSAGE}"),
        ('"Job <job> failed:"\n"<message>"', f"Job nightly failed:\n{MESSAGE}"),
        (
            '{"job": <job>, "attempts": <attempts>, "text": "<job> failed: <message>"}',
            f'{{"job": "nightly", "attempts": 2, "text": "nightly failed: {MESSAGE}"}}',
        ),
    ],
)
def test_an_input_transformer_inserts_extracted_values_unescaped(events: Any, template: str, delivered: str) -> None:
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name="failures")["TopicArn"]
    queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    events.put_rule(Name="job-failed", EventPattern=json.dumps({"source": ["pipeline.test"]}))
    paths = {"job": "$.detail.jobName", "attempts": "$.detail.attempts", "message": "$.detail.message"}
    transformer = {"InputPathsMap": paths, "InputTemplate": template}
    events.put_targets(Rule="job-failed", Targets=[{"Id": "topic", "Arn": topic, "InputTransformer": transformer}])
    allow_rule_to_publish(topic, "job-failed")
    detail = {"jobName": "nightly", "attempts": 2, "message": MESSAGE}

    events.put_events(Entries=[{"Source": "pipeline.test", "DetailType": "Glue Job State Change", "Detail": json.dumps(detail)}])

    received = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5)["Messages"]
    assert json.loads(received[0]["Body"])["Message"] == delivered


def test_a_customer_event_with_an_aws_source_is_refused_and_reaches_no_rule(events: Any) -> None:
    sqs = client("sqs")
    queue = sqs.create_queue(QueueName="crawl-ends")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="crawl-ended", EventPattern=json.dumps({"source": ["aws.glue", "pipeline.test"]}))
    events.put_targets(Rule="crawl-ended", Targets=[{"Id": "queue", "Arn": queue_arn}])
    forged = {"Source": "aws.glue", "DetailType": "Glue Crawler State Change", "Detail": json.dumps({"state": "Succeeded"})}
    own = {"Source": "pipeline.test", "DetailType": "Test", "Detail": "{}"}

    answer = events.put_events(Entries=[forged, own])

    assert answer["FailedEntryCount"] == 1
    assert answer["Entries"][0] == {
        "ErrorCode": "NotAuthorizedForSourceException",
        "ErrorMessage": "You do not have permissions to publish events with this source onto this event bus.",
    }
    assert "EventId" in answer["Entries"][1]
    delivered = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2, MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(message["Body"])["source"] for message in delivered] == ["pipeline.test"]
