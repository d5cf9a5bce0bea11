"""The run report, the state machine's last step: the figures job1 and job2 wrote for the run
(S3 JSON files), the time each step took (the execution's history), the tables and locations. It
returns the report — the execution's output — puts its figures to CloudWatch metrics (one
namespace, dimensions Pipeline and Table) and, with SUCCESS_TOPIC_ARN set, sends it to that topic."""

import json
import logging
import os
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

s3 = boto3.client("s3")
cloudwatch = boto3.client("cloudwatch")
stepfunctions = boto3.client("stepfunctions")
sns = boto3.client("sns")

# The steps whose time the report gives, and the states each is made of.
STEP_STATES = {"RunRawJob": "RunRawJob", "RawCrawler": "RawCrawl", "RunCleanseJob": "RunCleanseJob", "CleansedCrawler": "CleansedCrawl"}
ROW_METRICS = {
    "source_read": "SourceRowsRead",
    "raw": "RawRows",
    "cleansed": "CleansedRows",
    "inserted": "RowsInserted",
    "updated": "RowsUpdated",
    "unchanged": "RowsUnchanged",
    "duplicates_removed": "DuplicatesRemoved",
    "quarantined": "QuarantinedRows",
}


class RunFiguresUnreadable(LookupError):
    """A job's figures file for the run cannot be read (the job did not write it, or access is denied)."""


def read_figures(job: str, path: str) -> dict[str, Any]:
    bucket, _, key = path.removeprefix("s3://").partition("/")
    try:
        figures: dict[str, Any] = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        raise RunFiguresUnreadable(f"The figures {job} wrote for this run, {path}, cannot be read: {code}: {error}") from error
    except ValueError as error:
        raise RunFiguresUnreadable(f"The figures {job} wrote for this run, {path}, are not JSON: {error}") from error
    return figures


def step_durations(execution_arn: str) -> dict[str, float]:
    """Seconds from a step's first state entered to its last state exited, from the execution's history."""
    entered: dict[str, datetime] = {}
    exited: dict[str, datetime] = {}
    for page in stepfunctions.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        for event in page["events"]:
            details = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails")
            step = next((step for step, marker in STEP_STATES.items() if details and marker in details["name"]), None)
            if step is None:
                continue
            if "stateEnteredEventDetails" in event:
                entered.setdefault(step, event["timestamp"])
            else:
                exited[step] = event["timestamp"]
    return {step: round((exited[step] - entered[step]).total_seconds(), 1) for step in STEP_STATES if step in entered and step in exited}


def build_report(
    event: Mapping[str, Any], raw_job: Mapping[str, Any], cleanse_job: Mapping[str, Any], durations: dict[str, float]
) -> dict[str, Any]:
    return {
        "run_id": event["run_id"],
        "pipeline": event["pipeline"],
        "table": event["table"],
        "cleansed_format": event["cleansed_format"],
        "job_run_ids": event["job_run_ids"],
        "rows": {
            "source_read": raw_job.get("rows_read"),
            "raw": cleanse_job.get("input_rows"),
            "cleansed": cleanse_job.get("cleansed_rows"),
            "inserted": cleanse_job.get("inserted"),
            "updated": cleanse_job.get("updated"),
            "unchanged": cleanse_job.get("unchanged"),
            "duplicates_removed": cleanse_job.get("duplicates_removed"),
            "quarantined": cleanse_job.get("quarantined_rows"),
        },
        "quarantined_by_reason": cleanse_job.get("quarantined_by_reason", {}),
        "tables": event["tables"],
        "locations": event["locations"],
        "durations_seconds": durations,
    }


def put_metrics(report: Mapping[str, Any], namespace: str) -> None:
    dimensions = [{"Name": "Pipeline", "Value": report["pipeline"]}, {"Name": "Table", "Value": report["table"]}]
    data = [
        {"MetricName": ROW_METRICS[name], "Dimensions": dimensions, "Value": value, "Unit": "Count"}
        for name, value in report["rows"].items()
        if value is not None
    ]
    data += [
        {"MetricName": f"{step}Seconds", "Dimensions": dimensions, "Value": seconds, "Unit": "Seconds"}
        for step, seconds in report["durations_seconds"].items()
    ]
    for start in range(0, len(data), 1000):  # PutMetricData takes at most 1,000 metrics a call
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start : start + 1000])


def readable(report: Mapping[str, Any]) -> str:
    rows = "\n".join(f"  {name:<20} {value}" for name, value in report["rows"].items() if value is not None)
    reasons = "\n".join(f"  {reason:<40} {count}" for reason, count in report["quarantined_by_reason"].items()) or "  none"
    steps = "\n".join(f"  {step:<20} {seconds} s" for step, seconds in report["durations_seconds"].items())
    return (
        f"Pipeline {report['pipeline']}, table {report['table']}, run {report['run_id']} succeeded.\n\n"
        f"Rows:\n{rows}\n\nQuarantined by reason:\n{reasons}\n\nSteps:\n{steps}\n\n{json.dumps(report, indent=2)}"
    )


def lambda_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    figures = {job: read_figures(job, path) for job, path in event["figures"].items()}
    report = build_report(event, figures["raw_job"], figures["cleanse_job"], step_durations(event["execution_arn"]))
    put_metrics(report, os.environ["METRICS_NAMESPACE"])
    if os.environ.get("SUCCESS_TOPIC_ARN"):
        sns.publish(
            TopicArn=os.environ["SUCCESS_TOPIC_ARN"],
            Subject=f"{report['pipeline']} run succeeded"[:100],
            Message=readable(report),
            # For subscription filter policies: the failure alerts carry step and error instead.
            MessageAttributes={"outcome": {"DataType": "String", "StringValue": "succeeded"}},
        )
    logger.info(json.dumps({"event": "run_report", **report}))
    return report
