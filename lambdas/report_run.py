"""The run report, the state machine's last step: for each table of the pipeline, how its run went
(succeeded, failed with its step and error, or skipped: not in the run's tables) with the figures
the extract and cleanse jobs wrote for it (S3 JSON files), its catalog tables and locations, and with
Iceberg the snapshot the run made, the one before it and why deletes were skipped; the time each
stage took (the execution's history); and what the run cost (run_cost.py: each job run's billed
DPU-seconds from GetJobRun, each crawl's DPU-hours from ListCrawls, the state transitions and Lambda
use from the history). It returns the report, puts its figures to CloudWatch metrics (one namespace;
dimensions Pipeline and Table; by Pipeline alone FailedTables, SucceededTables, each table's
QuarantineRatio, RunSeconds, each stage's seconds and EstimatedCost: what the module's dashboard shows
and its alarms watch) and, with
SUCCESS_TOPIC_ARN set and every table of the run succeeded, sends it to that topic. The state
machine fails the run when `failed_tables` is not empty, with `failure_summary` as its cause."""

import json
import logging
import os
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from run_cost import Prices, crawl_cost, execution_usage, job_run_cost, run_cost
from run_figures import pipeline_metric_datum, quarantine_ratio_data, rows_of, succeeded_tables_datum, table_metric_data

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

s3 = boto3.client("s3")
glue = boto3.client("glue")
cloudwatch = boto3.client("cloudwatch")
stepfunctions = boto3.client("stepfunctions")
sns = boto3.client("sns")

# The stages whose time the report gives (every table's), and the states each is made of.
STEP_STATES = {
    "ExtractTables": "ExtractTables",
    "RawCrawler": "RawCrawl",
    "CleanseTables": "CleanseTables",
    "CleansedCrawler": "CleansedCrawl",
}


# The report, the state it ends in and the run's Fail cause must stay within Step Functions' limits
# however many tables fail with however long messages (256 KiB a state, 32,768 characters a Fail
# cause: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html, which
# States.ALL cannot catch). A table's cause is cut to CAUSE_CHARACTERS, or to its share of
# SUMMARY_CHARACTERS when many fail (the summary names each table, its step and error too, in
# NAMING_CHARACTERS at most); the whole message stays in the job run.
CAUSE_CHARACTERS = 1000
SUMMARY_CHARACTERS = 30000
NAMING_CHARACTERS = 150
# Why a table's mirror deletes were skipped: a sentence of the cleanse job's, cut to this.
SKIPPED_CHARACTERS = 500


def current_state_of(cleanse_job: Mapping[str, Any]) -> dict[str, Any]:
    """From an Iceberg table's figures: the snapshot the run made and the one before it, which still
    holds the rows the run deleted (`VERSION AS OF <previous_snapshot_id>`), and why mirror deletes
    were skipped when they were. Snapshot ids are 64-bit: given as strings, which every JSON reader
    keeps digit for digit (RFC 8259, section 6: beyond 2^53 a number may be rounded)."""
    state: dict[str, Any] = {
        key: None if cleanse_job[key] is None else str(cleanse_job[key])
        for key in ("snapshot_id", "previous_snapshot_id")
        if key in cleanse_job
    }
    if "deletes_skipped" in cleanse_job:
        state["deletes_skipped"] = shortened(str(cleanse_job["deletes_skipped"]), SKIPPED_CHARACTERS)
    return state


class RunFiguresUnreadable(LookupError):
    """A job's figures file for the run cannot be read (the job did not write it, or access is denied)."""


def read_figures(job: str, path: str) -> dict[str, Any]:
    bucket, _, key = path.removeprefix("s3://").partition("/")
    try:
        figures: dict[str, Any] = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        if code == "NoSuchKey":
            raise RunFiguresUnreadable(f"The {job} wrote no figures for this run: {path} does not exist (did the job run?)") from error
        raise RunFiguresUnreadable(f"The figures the {job} wrote for this run, {path}, cannot be read: {code}: {error}") from error
    except ValueError as error:
        raise RunFiguresUnreadable(f"The figures the {job} wrote for this run, {path}, are not JSON: {error}") from error
    return figures


def execution_history(execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for page in stepfunctions.get_paginator("get_execution_history").paginate(executionArn=execution_arn, includeExecutionData=False):
        events += page["events"]
    return events


def step_durations(events: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds from a step's first state entered to its last state exited, from the execution's history."""
    entered: dict[str, datetime] = {}
    exited: dict[str, datetime] = {}
    for event in events:
        details = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails")
        step = next((step for step, marker in STEP_STATES.items() if details and marker in details["name"]), None)
        if step is None:
            continue
        if "stateEnteredEventDetails" in event:
            entered.setdefault(step, event["timestamp"])
        else:
            exited[step] = event["timestamp"]
    return {step: round((exited[step] - entered[step]).total_seconds(), 1) for step in STEP_STATES if step in entered and step in exited}


def seconds_to_report(events: list[dict[str, Any]]) -> float:
    """Seconds from the execution's start to the report: the history read by the report ends with the
    report's own task being scheduled."""
    return round((events[-1]["timestamp"] - events[0]["timestamp"]).total_seconds(), 1)


def shortened(text: str, characters: int) -> str:
    if len(text) <= characters:
        return text
    suffix = f"… ({len(text)} characters in all)"
    return text[: max(characters - len(suffix), 0)] + suffix


def failure_of(table_run: Mapping[str, Any]) -> dict[str, Any]:
    """The table's failure; for a job run that ended badly, with its error message read from Glue
    (the state machine keeps only the run's id: messages can be long)."""
    failure = dict(table_run["failure"])
    if "cause" not in failure:
        job, run_id = failure["job"], failure["job_run_id"]
        job_run = glue.get_job_run(JobName=job, RunId=run_id, PredecessorsIncluded=False)["JobRun"]
        message = job_run.get("ErrorMessage", "no error message")
        if failure["error"] == "QualityGateFailed":
            failure["cause"] = f"Job {job} published nothing: {message}"
        else:
            failure["cause"] = f"Job {job} run {run_id} ended {job_run['JobRunState']}: {message}"
    return failure


def table_report(run_id: str, table_run: Mapping[str, Any]) -> dict[str, Any]:
    """One table's part of the report; its figures are read only for the jobs that succeeded."""
    table, status = table_run["table"], table_run["status"]
    report: dict[str, Any] = {
        "status": status,
        "tables": {"raw": table["raw_table"], "cleansed": table["cleansed_table"]},
        "locations": {
            "raw": f"{table['raw_path']}run_id={run_id}/",
            "cleansed": table["cleansed_path"],
            "quarantine": f"{table['quarantine_path']}run_id={run_id}/",
        },
    }
    if status == "skipped":
        return report
    figures_path = f"{table['reports_path']}run_id={run_id}/"
    extract_job = read_figures("extract job", f"{figures_path}extract_job.json") if "extract_job" in table_run else {}
    cleanse_job = read_figures("cleanse job", f"{figures_path}cleanse_job.json") if status == "succeeded" else {}
    report["job_run_ids"] = {job: table_run[job]["job_run_id"] for job in ("extract_job", "cleanse_job") if job in table_run}
    report["rows"] = rows_of(extract_job, cleanse_job)
    report["quarantined_by_reason"] = cleanse_job.get("quarantined_by_reason", {})
    report.update(current_state_of(cleanse_job))
    if status == "failed":
        failure = failure_of(table_run)
        if "job_run_id" in failure:
            job_key = "extract_job" if failure["step"] == "RunExtractJob" else "cleanse_job"
            report["job_run_ids"][job_key] = failure.pop("job_run_id")
        failure.pop("job", None)
        report.update(failure)
    return report


def failure_summary(tables: dict[str, dict[str, Any]], failed: list[str], run: list[str]) -> str:
    """The failed tables, each with its step, error and cause (cut to fit, in the report too)."""
    cause_characters = min(CAUSE_CHARACTERS, SUMMARY_CHARACTERS // len(failed) - NAMING_CHARACTERS)
    for name in failed:
        tables[name]["cause"] = shortened(tables[name]["cause"], cause_characters)
    lines = [f"{name} at {tables[name]['step']} with {tables[name]['error']}: {tables[name]['cause']}" for name in failed]
    return "; ".join([f"{len(failed)} of {len(run)} tables failed", *lines])


def build_report(event: Mapping[str, Any], durations: dict[str, float], run_seconds: float) -> dict[str, Any]:
    tables = {table_run["table"]["name"]: table_report(event["run_id"], table_run) for table_run in event["table_runs"]}
    failed = [name for name, table in tables.items() if table["status"] == "failed"]
    run = [name for name, table in tables.items() if table["status"] != "skipped"]
    return {
        "run_id": event["run_id"],
        "pipeline": event["pipeline"],
        "cleansed_format": event["cleansed_format"],
        "status": "failed" if failed else "succeeded",
        "tables": tables,
        "failed_tables": failed,
        "failure_summary": failure_summary(tables, failed, run) if failed else None,
        "durations_seconds": durations,
        "run_seconds": run_seconds,
    }


def job_cost(job: str, run_id: str, prices: Prices) -> dict[str, Any]:
    """A job run's cost, or null with the reason it cannot be known (GetJobRun refused)."""
    name = json.loads(os.environ["GLUE_JOBS"])[job]
    try:
        job_run = glue.get_job_run(JobName=name, RunId=run_id, PredecessorsIncluded=False)["JobRun"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        return {"dpu_seconds": None, "usd": None, "reason": f"GetJobRun of {name} run {run_id} failed: {code}"}
    return job_run_cost(job_run, prices)


def table_cost(table: Mapping[str, Any], prices: Prices) -> dict[str, Any]:
    """Each job run of the table's: priced, or null with a reason when the state machine has no run id
    (the start failed, or the task timed out before the run ended)."""
    cost = {job: job_cost(job, run_id, prices) for job, run_id in table.get("job_run_ids", {}).items()}
    job = {"RunExtractJob": "extract_job", "RunCleanseJob": "cleanse_job"}.get(table.get("step", ""))
    if job is not None and job not in cost:
        reason = f"no job run id: the {job.replace('_', ' ')} task ended with {table['error']}"
        cost[job] = {"dpu_seconds": None, "usd": None, "reason": reason}
    return cost


def lake_crawls(since: datetime, prices: Prices) -> list[dict[str, Any]]:
    """The crawls of the pipeline's lake crawlers (LAKE_CRAWLERS: none when the jobs catalog their
    output) that started during this run, each priced."""
    crawlers = [name for name in os.environ.get("LAKE_CRAWLERS", "").split(",") if name]
    started_since = [{"FieldName": "START_TIME", "FilterOperator": "GE", "FieldValue": str(int(since.timestamp() * 1000))}]
    crawls: list[dict[str, Any]] = []
    for crawler in crawlers:
        listed: dict[str, Any] = {"NextToken": None}
        while "NextToken" in listed:
            token = {"NextToken": listed["NextToken"]} if listed["NextToken"] else {}
            try:
                listed = glue.list_crawls(CrawlerName=crawler, Filters=started_since, **token)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "Unknown")
                crawls.append({"crawler": crawler, "dpu_hours": None, "usd": None, "reason": f"ListCrawls of {crawler} failed: {code}"})
                break
            crawls += [crawl_cost(crawler, crawl, prices) for crawl in listed.get("Crawls", [])]
    return crawls


def add_cost(report: dict[str, Any], events: list[dict[str, Any]], invoked_at: float) -> None:
    """The run's cost, per table (its job runs) and in all."""
    prices = Prices.from_json(os.environ["PRICES"])
    table_costs = {}
    for name, table in report["tables"].items():
        if table["status"] != "skipped":
            table["cost"] = table_costs[name] = table_cost(table, prices)
    report["cost"] = run_cost(
        table_costs,
        lake_crawls(events[0]["timestamp"], prices),
        execution_usage(events),
        time.monotonic() - invoked_at,
        report["status"],
        int(os.environ["LAMBDA_MEMORY_MB"]),
        prices,
    )


def put_metrics(report: Mapping[str, Any], namespace: str) -> None:
    pipeline = report["pipeline"]
    succeeded = [table for table in report["tables"].values() if table["status"] == "succeeded"]
    data = [
        pipeline_metric_datum(pipeline, "FailedTables", len(report["failed_tables"]), "Count"),
        succeeded_tables_datum(pipeline, len(succeeded)),
        pipeline_metric_datum(pipeline, "RunSeconds", report["run_seconds"], "Seconds"),
        # CloudWatch has no currency unit: USD, as None.
        pipeline_metric_datum(pipeline, "EstimatedCost", report["cost"]["estimated_usd"], "None"),
    ]
    data += [pipeline_metric_datum(pipeline, f"{stage}Seconds", value, "Seconds") for stage, value in report["durations_seconds"].items()]
    for table in succeeded:
        data += quarantine_ratio_data(pipeline, table["rows"])
    for name, table in report["tables"].items():
        data += table_metric_data(pipeline, name, table.get("rows", {}))
    for start in range(0, len(data), 1000):  # PutMetricData takes at most 1,000 metrics a call
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start : start + 1000])


def readable(report: Mapping[str, Any]) -> str:
    lines = [f"Pipeline {report['pipeline']}, run {report['run_id']} {report['status']}.", ""]
    for name, table in report["tables"].items():
        lines.append(f"{name}: {table['status']}")
        lines += [f"  {row:<20} {value}" for row, value in table.get("rows", {}).items() if value is not None]
        lines += [f"  quarantined: {reason:<29} {count}" for reason, count in table.get("quarantined_by_reason", {}).items()]
        if table.get("snapshot_id"):
            lines.append(f"  {'snapshot':<20} {table['snapshot_id']} (before the run: {table.get('previous_snapshot_id') or 'none'})")
        if "deletes_skipped" in table:
            lines.append(f"  deletes skipped: {table['deletes_skipped']}")
    lines += ["", "Stages:"] + [f"  {stage:<20} {seconds} s" for stage, seconds in report["durations_seconds"].items()]
    lines.append(f"  {'run (to the report)':<20} {report['run_seconds']} s")
    lines += ["", readable_cost(report["cost"])]
    return "\n".join(lines) + f"\n\n{json.dumps(report, indent=2)}"


def readable_cost(cost: Mapping[str, Any]) -> str:
    items = ", ".join(f"{item} ${value:.6f}" for item, value in cost["usd_by_item"].items())
    lines = [f"Estimated cost: ${cost['estimated_usd']:.6f} ({items})"]
    lines += [f"  not included: {item}" for item in cost["not_included"]]
    return "\n".join(lines)


def lambda_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    invoked_at = time.monotonic()
    events = execution_history(event["execution_arn"])
    report = build_report(event, step_durations(events), seconds_to_report(events))
    add_cost(report, events, invoked_at)
    put_metrics(report, os.environ["METRICS_NAMESPACE"])
    if os.environ.get("SUCCESS_TOPIC_ARN") and report["status"] == "succeeded":
        sns.publish(
            TopicArn=os.environ["SUCCESS_TOPIC_ARN"],
            Subject=f"{report['pipeline']} run succeeded"[:100],
            Message=readable(report),
            # For subscription filter policies: the failure alerts carry step and error instead.
            MessageAttributes={"outcome": {"DataType": "String", "StringValue": "succeeded"}},
        )
    logger.info(json.dumps({"event": "run_report", **report}))
    return report
