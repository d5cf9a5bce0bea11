"""The run-report Lambda against the emulator: the report it returns from the jobs' figures and
the execution's history, the metrics it puts, the success message, and how it fails."""

import json
from typing import Any

import pytest

from local_aws import executions
from local_aws.clients import client

BUCKET = "report-test-lake"
RAW_FIGURES = {"rows_read": 2000, "rows_written": 2000}
CLEANSE_FIGURES = {
    "input_rows": 2000,
    "cleansed_rows": 1877,
    "quarantined_rows": 87,
    "duplicates_removed": 36,
    "quarantined_by_reason": {"email is not a valid e-mail address": 40, "signup_date is not a valid date": 47},
    "inserted": 20,
    "updated": 88,
    "unchanged": 1769,
}
# Pass states named as the pipeline's steps, for an execution history to measure.
STEPS_MACHINE = {
    "StartAt": "RunRawJob",
    "States": {
        "RunRawJob": {"Type": "Pass", "Next": "StartRawCrawler"},
        "StartRawCrawler": {"Type": "Pass", "Next": "IsRawCrawlerDone"},
        "IsRawCrawlerDone": {"Type": "Pass", "Next": "RunCleanseJob"},
        "RunCleanseJob": {"Type": "Pass", "End": True},
    },
}


@pytest.fixture
def event(clean_emulator: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="reports/customers/run_id=r1/raw_job.json", Body=json.dumps(RAW_FIGURES).encode())
    s3.put_object(Bucket=BUCKET, Key="reports/customers/run_id=r1/cleanse_job.json", Body=json.dumps(CLEANSE_FIGURES).encode())
    machine = client("stepfunctions").create_state_machine(
        name="steps", definition=json.dumps(STEPS_MACHINE), roleArn="arn:aws:iam::123456789012:role/states"
    )["stateMachineArn"]
    record = executions.run(machine, {}, "r1", timeout_seconds=30)
    monkeypatch.setenv("METRICS_NAMESPACE", "GlueEtlPipeline")
    return {
        "execution_arn": record.execution_arn,
        "run_id": "r1",
        "pipeline": "sales",
        "table": "customers",
        "cleansed_format": "iceberg",
        "job_run_ids": {"raw_job": "jr_1", "cleanse_job": "jr_2"},
        "tables": {"raw": "lake.raw_customers", "cleansed": "lake.cleansed_customers"},
        "locations": {"raw": f"s3://{BUCKET}/raw/customers/run_id=r1/", "cleansed": f"s3://{BUCKET}/cleansed/customers/"},
        "figures": {
            "raw_job": f"s3://{BUCKET}/reports/customers/run_id=r1/raw_job.json",
            "cleanse_job": f"s3://{BUCKET}/reports/customers/run_id=r1/cleanse_job.json",
        },
    }


def test_the_report_carries_the_runs_figures_tables_and_step_times(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    report = lambda_handler(event, None)

    assert report["rows"] == {
        "source_read": 2000,
        "raw": 2000,
        "cleansed": 1877,
        "inserted": 20,
        "updated": 88,
        "unchanged": 1769,
        "duplicates_removed": 36,
        "quarantined": 87,
    }
    assert report["quarantined_by_reason"] == CLEANSE_FIGURES["quarantined_by_reason"]
    assert (report["tables"], report["locations"]) == (event["tables"], event["locations"])
    assert set(report["durations_seconds"]) == {"RunRawJob", "RawCrawler", "RunCleanseJob"}
    assert all(seconds >= 0 for seconds in report["durations_seconds"].values())


def test_the_figures_go_to_cloudwatch_under_the_pipeline_and_the_table(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    lambda_handler(event, None)

    metrics = client("cloudwatch").list_metrics(Namespace="GlueEtlPipeline")["Metrics"]
    names = {metric["MetricName"] for metric in metrics}
    assert {"SourceRowsRead", "CleansedRows", "RowsInserted", "RowsUpdated", "QuarantinedRows", "RunRawJobSeconds"} <= names
    dimensions = {frozenset((d["Name"], d["Value"]) for d in metric["Dimensions"]) for metric in metrics}
    assert dimensions == {frozenset({("Pipeline", "sales"), ("Table", "customers")})}


def test_with_a_success_topic_the_report_is_sent_there(event: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from report_run import lambda_handler

    topic = client("sns").create_topic(Name="pipeline")["TopicArn"]
    queue = client("sqs").create_queue(QueueName="subscriber")["QueueUrl"]
    queue_arn = client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    monkeypatch.setenv("SUCCESS_TOPIC_ARN", topic)

    lambda_handler(event, None)

    (message,) = client("sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    body = json.loads(message["Body"])
    assert body["Subject"] == "sales run succeeded"
    assert body["MessageAttributes"]["outcome"]["Value"] == "succeeded"
    assert body["Message"].startswith("Pipeline sales, table customers, run r1 succeeded.")
    assert "  inserted             20" in body["Message"]


def test_a_missing_figures_file_fails_naming_it(event: dict[str, Any]) -> None:
    from report_run import RunFiguresUnreadable, lambda_handler

    client("s3").delete_object(Bucket=BUCKET, Key="reports/customers/run_id=r1/cleanse_job.json")

    unreadable = r"The figures cleanse_job wrote for this run, s3://report-test-lake/.*cleanse_job.json, cannot be read: NoSuchKey"
    with pytest.raises(RunFiguresUnreadable, match=unreadable):
        lambda_handler(event, None)
