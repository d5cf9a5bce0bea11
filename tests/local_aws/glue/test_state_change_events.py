"""Crawls and job runs announce their state changes to EventBridge as Glue does, and EventBridge rules deliver
events to their Lambda targets (moto delivers to SQS, not to Lambda)."""

import io
import json
import re
import time
import zipfile
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import advance_time, plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.roles import CRAWLER_CATALOG_ACTIONS, catalog_statement, create_service_role
from tests.session import TEST_REGION

CRAWLER = "events-crawler"
CRAWLER_EVENTS = {"source": ["aws.glue"], "detail-type": ["Glue Crawler State Change"], "detail": {"crawlerName": [CRAWLER]}}
BUCKET = "event-deliveries"
RECORDING_HANDLER = """import json, boto3
def lambda_handler(event, context):
    boto3.client("s3").put_object(Bucket="event-deliveries", Key=event["id"], Body=json.dumps(event))
"""


@pytest.fixture
def crawler_events(clean_emulator: str) -> Any:
    """A crawler, and a queue receiving its state change events."""
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "lake"})
    client("s3").create_bucket(Bucket="crawled-lake")
    read_lake = {"Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::crawled-lake", "arn:aws:s3:::crawled-lake/*"]}
    glue.create_crawler(
        Name=CRAWLER,
        Role=create_service_role("crawler", "glue.amazonaws.com", [read_lake, catalog_statement(CRAWLER_CATALOG_ACTIONS, "lake")]),
        DatabaseName="lake",
        Targets={"S3Targets": [{"Path": "s3://crawled-lake/raw/customers/"}]},
    )
    sqs = client("sqs")
    queue_url = sqs.create_queue(QueueName="crawler-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = client("events")
    events.put_rule(Name="crawler-events", EventPattern=json.dumps(CRAWLER_EVENTS))
    events.put_targets(Rule="crawler-events", Targets=[{"Id": "queue", "Arn": queue_arn}])
    return sqs, queue_url


def received(sqs: Any, queue_url: str, count: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while len(events) < count and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        events += [json.loads(message["Body"]) for message in messages]
    return events


def test_a_crawl_sends_started_then_succeeded_with_the_documented_fields(crawler_events: Any) -> None:
    sqs, queue_url = crawler_events
    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=30)])
    client("glue").start_crawler(Name=CRAWLER)
    advance_time(40)

    started, succeeded = received(sqs, queue_url, 2)

    assert (started["source"], started["detail-type"], started["resources"]) == ("aws.glue", "Glue Crawler State Change", [])
    assert {key: started["detail"][key] for key in ("crawlerName", "state", "message")} == {
        "crawlerName": CRAWLER,
        "state": "Started",
        "message": "Crawler Started",
    }
    assert {key: succeeded["detail"][key] for key in ("crawlerName", "state", "message", "accountId")} == {
        "crawlerName": CRAWLER,
        "state": "Succeeded",
        "message": "Crawler Succeeded",
        "accountId": "123456789012",
    }
    assert int(succeeded["detail"]["runningTime (sec)"]) >= 30, "the running time is a string of seconds, as Glue sends it"
    assert succeeded["region"] == TEST_REGION


def test_a_failed_crawl_sends_failed_with_the_crawlers_error(crawler_events: Any) -> None:
    sqs, queue_url = crawler_events
    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=5, outcome="FAILED", error_message="Internal Service Exception")])
    client("glue").start_crawler(Name=CRAWLER)
    advance_time(10)

    _, failed = received(sqs, queue_url, 2)

    assert {key: failed["detail"][key] for key in ("state", "message", "errorMessage")} == {
        "state": "Failed",
        "message": "Crawler Failed",
        "errorMessage": "Internal Service Exception",
    }


def test_a_cancelled_crawl_sends_no_end_event_as_glue_documents_none(crawler_events: Any) -> None:
    sqs, queue_url = crawler_events
    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=5, outcome="CANCELLED")])
    client("glue").start_crawler(Name=CRAWLER)
    advance_time(10)

    assert [event["detail"]["state"] for event in received(sqs, queue_url, 2)] == ["Started"]


def recording_function() -> str:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", RECORDING_HANDLER)
    role = create_service_role("recorder", "lambda.amazonaws.com", [{"Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}])
    arn: str = client("lambda").create_function(
        FunctionName="recorder", Runtime="python3.12", Role=role, Handler="handler.lambda_handler", Code={"ZipFile": archive.getvalue()}
    )["FunctionArn"]
    return arn


def deliveries(wait_seconds: float) -> list[dict[str, Any]]:
    s3, deadline = client("s3"), time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        if keys:
            return [json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()) for key in keys]
        time.sleep(0.2)
    return []


@pytest.mark.parametrize("rule", ["enabled", "disabled", "scheduled"])
def test_a_rule_delivers_the_event_to_its_lambda_target_unless_disabled_or_scheduled(clean_emulator: str, rule: str) -> None:
    client("s3").create_bucket(Bucket=BUCKET)
    events = client("events")
    if rule == "scheduled":
        events.put_rule(Name="to-lambda", ScheduleExpression="rate(1 day)")
    else:
        events.put_rule(Name="to-lambda", EventPattern=json.dumps({"source": ["pipeline.test"]}), State=rule.upper())
    events.put_targets(Rule="to-lambda", Targets=[{"Id": "recorder", "Arn": recording_function()}])

    events.put_events(Entries=[{"Source": "pipeline.test", "DetailType": "Test", "Detail": json.dumps({"table": "customers"})}])

    delivered = deliveries(wait_seconds=10 if rule == "enabled" else 3)
    if rule != "enabled":
        assert delivered == []
        return
    (event,) = delivered
    assert (event["source"], event["detail-type"], event["detail"]) == ("pipeline.test", "Test", {"table": "customers"})
    assert "ingestion-time" not in event
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"]), "EventBridge times are ISO 8601 strings"


def test_a_crawl_starts_whatever_the_targets_of_rules_matching_its_events(crawler_events: Any) -> None:
    topic_arn = client("sns").create_topic(Name="glue-events")["TopicArn"]
    events = client("events")
    events.put_rule(Name="to-topic", EventPattern=json.dumps({"source": ["aws.glue"]}))
    events.put_targets(Rule="to-topic", Targets=[{"Id": "topic", "Arn": topic_arn}])

    client("glue").start_crawler(Name=CRAWLER)

    assert client("glue").get_crawler(Name=CRAWLER)["Crawler"]["State"] == "RUNNING"


@pytest.mark.parametrize(
    ("plan", "severity", "message"),
    [
        (JobRunPlan(running_seconds=30), "INFO", "Job run succeeded"),
        (JobRunPlan(running_seconds=30, outcome="TIMEOUT"), "WARN", "Job run timed out"),
        (
            JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused"),
            "ERROR",
            "failed to execute with exception Connection refused",
        ),
    ],
    ids=["succeeded", "timeout", "failed"],
)
def test_a_job_run_that_ends_sends_its_state_change(clean_emulator: str, plan: JobRunPlan, severity: str, message: str) -> None:
    sqs = client("sqs")
    queue_url = sqs.create_queue(QueueName="job-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = client("events")
    events.put_rule(Name="job-events", EventPattern=json.dumps({"source": ["aws.glue"], "detail-type": ["Glue Job State Change"]}))
    events.put_targets(Rule="job-events", Targets=[{"Id": "queue", "Arn": queue_arn}])
    glue = client("glue")
    glue.create_job(
        Name="extract",
        Role=create_service_role("job", "glue.amazonaws.com", []),
        Command={"Name": "glueetl", "ScriptLocation": "s3://x/job.py"},
    )
    plan_job_runs("extract", [plan])
    run_id = glue.start_job_run(JobName="extract")["JobRunId"]
    advance_time(60)

    (event,) = received(sqs, queue_url, 1)

    detail = event["detail"]
    assert (detail["jobName"], detail["jobRunId"], detail["state"], detail["severity"]) == ("extract", run_id, plan.outcome, severity)
    assert message in detail["message"]
