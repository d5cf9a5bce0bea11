"""Topic access policies for the tests that wire AWS services to a topic by hand: a statement letting
a service principal publish, as the module's notifications.tf writes it (aws:SourceArn of the alarms
or rules it publishes for, aws:SourceAccount of the account)."""

import json
from typing import Any

from local_aws.clients import client


def publish_statement(service_principal: str, topic_arn: str, source_arns: list[str]) -> dict[str, Any]:
    account = topic_arn.split(":")[4]
    return {
        "Effect": "Allow",
        "Principal": {"Service": service_principal},
        "Action": "sns:Publish",
        "Resource": topic_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": source_arns}, "StringEquals": {"aws:SourceAccount": account}},
    }


def set_topic_policy(topic_arn: str, *statements: dict[str, Any]) -> None:
    """Replace the topic's policy (SNS's default among it) with `statements`."""
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    client("sns").set_topic_attributes(TopicArn=topic_arn, AttributeName="Policy", AttributeValue=json.dumps(policy))


def allow_rule_to_publish(topic_arn: str, rule_name: str) -> None:
    """Let EventBridge publish to the topic for rule `rule_name` of the default bus."""
    rule_arn = client("events").describe_rule(Name=rule_name)["Arn"]
    set_topic_policy(topic_arn, publish_statement("events.amazonaws.com", topic_arn, [rule_arn]))
