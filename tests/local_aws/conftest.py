"""What the local stack's tests of CloudWatch and SNS share: a topic someone listens to."""

import pytest

from local_aws.clients import client


@pytest.fixture
def topic_queue(clean_emulator: str) -> tuple[str, str]:
    """A topic, and an SQS queue subscribed to it: (topic ARN, queue URL)."""
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name="etl-notifications")["TopicArn"]
    queue = sqs.create_queue(QueueName="on-call")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, queue
