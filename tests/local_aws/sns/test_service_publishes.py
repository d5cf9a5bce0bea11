"""An AWS service publishes to a topic as its own principal only when the topic's policy allows it
for the alarm or rule it publishes for (local_aws/emulator/sns/service_publishes.py): otherwise the
topic gets nothing, and an alarm's failed action is logged in the words of its history."""

import json
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import advance_time
from local_aws.emulator.process import log_file
from tests.session import SESSION_PORT
from tests.topic_policies import allow_rule_to_publish, publish_statement, set_topic_policy

ALARM = "etl-failed-tables"


def received(queue: str, wait_seconds: int = 1) -> list[Any]:
    return list(client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds).get("Messages", []))


def alarm_on_failed_tables(topic: str) -> str:
    """An alarm notifying `topic` on entering ALARM; its ARN."""
    cloudwatch = client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName=ALARM,
        Namespace="GlueEtlPipeline",
        MetricName="FailedTables",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=0.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )
    arn: str = cloudwatch.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]["AlarmArn"]
    return arn


def trip() -> str:
    """Put the alarm in ALARM; what the emulator logged meanwhile."""
    log = log_file(SESSION_PORT)
    logged_before = log.stat().st_size
    client("cloudwatch").put_metric_data(Namespace="GlueEtlPipeline", MetricData=[{"MetricName": "FailedTables", "Value": 1.0}])
    advance_time(60)
    assert client("cloudwatch").describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]["StateValue"] == "ALARM"
    return log.read_bytes()[logged_before:].decode()


def test_an_alarm_whose_topic_policy_leaves_cloudwatch_out_notifies_no_one_and_logs_the_failed_action(
    topic_queue: tuple[str, str],
) -> None:
    topic, queue = topic_queue
    alarm_arn = alarm_on_failed_tables(topic)
    rule_arn = f"arn:aws:events:us-east-1:123456789012:rule/{ALARM}"
    set_topic_policy(topic, publish_statement("events.amazonaws.com", topic, [rule_arn]))

    logged = trip()

    assert received(queue) == []
    error = f"Resource: {alarm_arn} is not authorized to perform: SNS:Publish on resource: {topic}"
    assert f'Failed to execute action {topic}. Received error: "{error}"' in logged


@pytest.mark.parametrize(("allowed_alarm", "delivered"), [(ALARM, 1), ("another-alarm", 0)])
def test_an_alarm_publishes_when_the_topic_policy_allows_cloudwatch_for_that_alarm(
    topic_queue: tuple[str, str], allowed_alarm: str, delivered: int
) -> None:
    topic, queue = topic_queue
    alarm_arn = alarm_on_failed_tables(topic)
    set_topic_policy(topic, publish_statement("cloudwatch.amazonaws.com", topic, [alarm_arn.replace(ALARM, allowed_alarm)]))

    trip()

    assert len(received(queue)) == delivered


@pytest.mark.parametrize("policy", ["SNS's default", "allowing EventBridge for the rule"])
def test_an_eventbridge_rule_publishes_only_when_the_topic_policy_allows_events_for_it(topic_queue: tuple[str, str], policy: str) -> None:
    topic, queue = topic_queue
    events = client("events")
    events.put_rule(Name="run-ended-abnormally", EventPattern=json.dumps({"source": ["pipeline.test"]}))
    events.put_targets(Rule="run-ended-abnormally", Targets=[{"Id": "topic", "Arn": topic}])
    if policy != "SNS's default":
        allow_rule_to_publish(topic, "run-ended-abnormally")

    events.put_events(Entries=[{"Source": "pipeline.test", "DetailType": "Test", "Detail": "{}"}])

    assert len(received(queue)) == (0 if policy == "SNS's default" else 1)
