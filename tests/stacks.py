"""The stacks the tests deploy to the emulator, and how: a configuration applied through its
`emulator_override.tf` (local_aws/terraform.py), the test root with a test module's or class's own
STACK, an example as a caller applies it, and the deployed pipeline's notifications read back
through an SQS queue subscribed to its notification topic."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local_aws import PROJECT_ROOT, emulator
from local_aws.clients import client, region_of
from local_aws.control import advance_time, set_time_scale
from local_aws.terraform import TerraformWorkspace

TEST_ROOT = PROJECT_ROOT / "tests" / "terraform" / "emulator_root"
EXAMPLES = PROJECT_ROOT / "examples"
# What every stack of the test root is applied with unless its STACK says otherwise.
BASE_STACK = {"name_prefix": "etl-sm", "use_existing_bucket": True, "crawler_timeout_minutes": 10}

# Real seconds slept for each emulated second of a wait: a 10-minute poll budget sleeps about 6 s.
TIME_SCALE = 0.01
# Longer than anything a scenario leaves running: skipping it ends every crawl and job run.
LONGEST_PLANNED_SECONDS = 10**7


@dataclass(frozen=True)
class DeployedPipeline:
    outputs: dict[str, Any]
    notifications_queue_url: str

    @property
    def state_machine_arn(self) -> str:
        return str(self.outputs["state_machine_arn"])

    @property
    def region(self) -> str:
        """The region the pipeline was applied to (its notification topic exists in every mode)."""
        return region_of(str(self.outputs["notification_topic_arn"]))

    @property
    def bucket(self) -> str:
        return str(self.outputs["bucket_name"])

    def role_name(self, role: str) -> str:
        """The name of the deployed role of `role` (a key of the role_arns output)."""
        return str(self.outputs["role_arns"][role]).rsplit("/", 1)[-1]

    def key_of(self, s3_path: str) -> str:
        return s3_path.removeprefix(f"s3://{self.bucket}/")

    @property
    def poll_waits_seconds(self) -> list[int]:
        """The crawler poll schedule rendered into the deployed definition."""
        definition = json.loads(self.outputs["state_machine_definition"])
        expression = definition["States"]["LoadSettings"]["Parameters"]["poll_waits_seconds.$"]
        match = re.fullmatch(r"States\.StringToJson\('(\[[0-9,]*\])'\)", expression)
        assert match, expression
        return list(json.loads(match.group(1)))


def applied(
    config_dir: Path, work_dir: Path, emulator_endpoint: str, variables: dict[str, Any], module_dir: Path = PROJECT_ROOT
) -> TerraformWorkspace:
    """`config_dir` initialised and applied to the emulator with `variables`, its module "etl" from `module_dir`."""
    workspace = TerraformWorkspace(config_dir, work_dir, emulator_endpoint=emulator_endpoint, module_dir=module_dir)
    workspace.init()
    workspace.apply(variables)
    return workspace


def deploy_example(name: str, work_dir: Path, emulator_endpoint: str, variables: dict[str, Any] | None = None) -> TerraformWorkspace:
    """examples/<name> applied as a caller applies it, with nothing but its own variables."""
    return applied(EXAMPLES / name, work_dir, emulator_endpoint, variables or {})


def stack_of(request: pytest.FixtureRequest) -> dict[str, Any]:
    """BASE_STACK with the STACK of the requesting test class, or else of its module."""
    # A module-scoped request has no `cls` attribute at all: it raises rather than giving None.
    return {**BASE_STACK, **getattr(getattr(request, "cls", None) or request.module, "STACK", {})}


def deploy_root(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, emulator_endpoint: str
) -> Iterator[DeployedPipeline]:
    """The test root applied to an emptied emulator with `stack_of(request)`, a queue subscribed to
    its notification topic; the emulator emptied again afterwards."""
    emulator.reset()
    variables = stack_of(request)
    workspace = applied(TEST_ROOT, tmp_path_factory.mktemp(f"stack-{variables['name_prefix']}"), emulator_endpoint, variables)
    outputs = workspace.outputs()["etl"]
    yield DeployedPipeline(outputs, subscribe_to_notifications(outputs, f"{variables['name_prefix']}-notifications"))
    emulator.reset()


def ready(pipeline: DeployedPipeline) -> DeployedPipeline:
    """The pipeline with nothing in flight, no plans, no notifications waiting, and fast waits."""
    emulator.reset_control()
    advance_time(LONGEST_PLANNED_SECONDS)
    while received(pipeline.notifications_queue_url, pipeline.region, wait_seconds=0):
        pass
    set_time_scale(TIME_SCALE)
    return pipeline


def subscribe_to_notifications(outputs: dict[str, Any], queue_name: str) -> str:
    """A new SQS queue in the pipeline's region subscribed to its notification topic: its URL."""
    topic_arn = str(outputs["notification_topic_arn"])
    region = region_of(topic_arn)
    sqs = client("sqs", region=region)
    queue_url: str = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    client("sns", region=region).subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return queue_url


def received(queue_url: str, region: str, wait_seconds: int = 1) -> list[dict[str, Any]]:
    """The SNS notifications (their envelopes) delivered to the queue, consumed."""
    sqs = client("sqs", region=region)
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in messages]


def alarm_change(envelope: dict[str, Any]) -> dict[str, Any] | None:
    """CloudWatch's message of an alarm's state change, if that is what the envelope carries."""
    try:
        message = json.loads(envelope["Message"])
    except ValueError:
        return None
    return message if isinstance(message, dict) and {"AlarmName", "NewStateValue"} <= message.keys() else None


def notifications(pipeline: DeployedPipeline, wait_seconds: int = 1) -> list[dict[str, Any]]:
    """The pipeline's own alerts (envelopes) on its topic, consumed. The module's alarms notify the
    same topic when their state changes; those messages are consumed and left out here (the alarm
    tests read them from a queue of their own)."""
    envelopes = received(pipeline.notifications_queue_url, pipeline.region, wait_seconds)
    return [envelope for envelope in envelopes if alarm_change(envelope) is None]
