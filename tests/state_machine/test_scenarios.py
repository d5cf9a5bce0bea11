"""Every path of the deployed state machine, run by the emulator's interpreter with the deployed
Lambda zips; job runs and crawls end as each scenario plans them."""

import json
from typing import Any

import pytest

from local_aws import executions
from local_aws.clients import client
from local_aws.control import plan_crawls, plan_job_runs, throttle_invocations
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.stacks import DeployedPipeline, notifications
from tests.state_machine.pipeline_support import (
    QUICK_CRAWL,
    QUICK_CRAWL_POLLS,
    QUICK_JOB,
    plan_failed_crawl,
    plan_quick_run,
    put_job_outputs,
)
from tests.state_sequences import CLEANSED, EXTRACT_RUN_FAILED, EXTRACTED, REPORTED, START, TABLES_FAILED, crawl

pytestmark = pytest.mark.terraform


def statuses_seen(record: executions.ExecutionRecord, crawler: str) -> list[str]:
    return [entered[f"{crawler.lower()}_crawler"]["status"]["state"] for entered in record.entered_inputs(f"Is{crawler}CrawlerDone")]


def failures_of(record: executions.ExecutionRecord) -> list[tuple[str, str]]:
    return [
        (event["taskFailedEventDetails"]["error"], event["taskFailedEventDetails"].get("cause", ""))
        for event in record.events
        if event["type"] == "TaskFailed"
    ]


def job_runs_of(job_name: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = client("glue").get_job_runs(JobName=job_name)["JobRuns"]
    return runs


def last_crawl(crawler_name: str) -> dict[str, Any] | None:
    crawler: dict[str, Any] = client("glue").get_crawler(Name=crawler_name)["Crawler"]
    return crawler.get("LastCrawl")


def test_happy_path_runs_both_jobs_and_waits_for_both_crawls(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    put_job_outputs(deployed, "happy")

    record = executions.run(deployed.state_machine_arn, {"run_id": "happy"}, "happy-path")

    assert record.status == "SUCCEEDED"
    assert record.states_entered == [
        *START,
        *EXTRACTED,
        *crawl("Raw", QUICK_CRAWL_POLLS),
        *CLEANSED,
        *crawl("Cleansed", QUICK_CRAWL_POLLS),
        *REPORTED,
    ]
    assert statuses_seen(record, "Raw") == ["RUNNING", "RUNNING", "RUNNING", "READY"]
    raw_run, cleanse_run = job_runs_of(outputs["extract_job_name"])[-1], job_runs_of(outputs["cleanse_job_name"])[-1]
    table = outputs["tables"]["customers"]
    run_raw_path = f"{table['raw_path']}run_id=happy/"
    report = record.output
    assert (report["run_id"], report["status"], report["cleansed_format"]) == ("happy", "succeeded", "parquet")
    customers = report["tables"]["customers"]
    assert customers["job_run_ids"] == {"extract_job": raw_run["Id"], "cleanse_job": cleanse_run["Id"]}
    database = outputs["database_name"]
    assert customers["tables"] == {"raw": f"{database}.raw_customers", "cleansed": f"{database}.cleansed_customers"}
    assert customers["locations"] == {
        "raw": run_raw_path,
        "cleansed": table["cleansed_path"],
        "quarantine": f"{table['quarantine_path']}run_id=happy/",
    }
    assert customers["rows"] == {
        "source_read": 1,
        "raw": 1,
        "cleansed": 1,
        "inserted": None,
        "updated": None,
        "unchanged": None,
        "deleted": None,
        "duplicates_removed": 0,
        "quarantined": 0,
    }
    assert set(report["durations_seconds"]) == {"ExtractTables", "RawCrawler", "CleanseTables", "CleansedCrawler"}
    assert (raw_run["Arguments"]["--output_path"], raw_run["Arguments"]["--run_id"]) == (run_raw_path, "happy")
    assert raw_run["Arguments"]["--source_table"] == "source_customers"
    assert json.loads(cleanse_run["Arguments"]["--cleansing_rules"])["key_columns"] == ["id"]
    assert (raw_run["WorkerType"], raw_run["NumberOfWorkers"]) == ("G.1X", 2)
    assert (cleanse_run["Arguments"]["--input_path"], cleanse_run["Arguments"]["--run_id"]) == (run_raw_path, "happy")
    # An input without tables runs every table: the cleanse job may mirror deletes.
    assert cleanse_run["Arguments"]["--run_covers_all_tables"] == "true"
    glue = client("glue")
    assert glue.get_table(DatabaseName=outputs["database_name"], Name="raw_customers")["Table"]["PartitionKeys"] == [
        {"Name": "run_id", "Type": "string"}
    ]
    assert glue.get_table(DatabaseName=outputs["database_name"], Name="cleansed_customers")["Table"]["StorageDescriptor"]["Columns"] == [
        {"Name": "customer_id", "Type": "int"},
        {"Name": "email", "Type": "string"},
    ]
    assert notifications(deployed) == []


def test_a_crawl_already_running_is_waited_for_then_the_run_starts_its_own(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    plan_crawls(outputs["raw_crawler_name"], [CrawlPlan(running_seconds=400, stopping_seconds=1), QUICK_CRAWL])
    client("glue").start_crawler(Name=outputs["raw_crawler_name"])
    put_job_outputs(deployed, "overlap")

    record = executions.run(deployed.state_machine_arn, {"run_id": "overlap"}, "crawler-already-running")

    assert record.status == "SUCCEEDED"
    seen = statuses_seen(record, "Raw")
    # The polls of the crawl already running last as long as what remains of its 400 s after the extract job.
    polls_of_the_other_crawl = seen.index("READY") + 1
    assert polls_of_the_other_crawl >= 3
    assert set(seen[: polls_of_the_other_crawl - 1]) == {"RUNNING"}
    assert record.states_entered == [
        *START,
        *EXTRACTED,
        *crawl("Raw", polls_of_the_other_crawl),
        *crawl("Raw", QUICK_CRAWL_POLLS),
        *CLEANSED,
        *crawl("Cleansed", QUICK_CRAWL_POLLS),
        *REPORTED,
    ]
    started = [entered["raw_crawler"]["action"] for entered in record.entered_inputs("ResetRawCrawlerPolls")]
    assert started == ["already_running", "started"]
    own_crawl = last_crawl(outputs["raw_crawler_name"])
    assert own_crawl is not None
    assert own_crawl["Status"] == "SUCCEEDED"
    assert own_crawl["StartTime"] > job_runs_of(outputs["extract_job_name"])[-1]["StartedOn"]


def test_a_failed_crawl_fails_the_run_with_the_crawlers_error_and_notifies_once(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    message = "Service is unable to assume provided role. Please verify role's TrustPolicy"
    crawler = plan_failed_crawl(deployed, message)
    cleanse_runs_before = len(job_runs_of(outputs["cleanse_job_name"]))

    record = executions.run(deployed.state_machine_arn, {"run_id": "crawl-fails"}, "crawler-failed")

    assert (record.status, record.error) == ("FAILED", "CrawlerFailed")
    assert record.cause == f"RawCrawler failed: Crawler {crawler} ended its last crawl FAILED: {message}"
    assert record.states_entered == [*START, *EXTRACTED, *crawl("Raw", 2), "RecordRawCrawlFailure", "NotifyFailure", "PipelineFailed"]
    assert len(job_runs_of(outputs["cleanse_job_name"])) == cleanse_runs_before
    (notification,) = notifications(deployed)
    assert notification["MessageAttributes"]["step"]["Value"] == "RawCrawler"
    assert notification["Message"].startswith("Pipeline etl-sm run crawl-fails failed at step RawCrawler with CrawlerFailed: ")
    assert message in notification["Message"]


def test_a_failed_extract_job_fails_the_run_before_any_crawl_and_notifies(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    plan_job_runs(
        outputs["extract_job_name"], [JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused: 127.0.0.1:5432")]
    )
    crawl_before = last_crawl(outputs["raw_crawler_name"])

    record = executions.run(deployed.state_machine_arn, {"run_id": "extract-fails"}, "extract-job-failed")

    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    (job_run,) = [run for run in job_runs_of(outputs["extract_job_name"]) if run["Arguments"]["--run_id"] == "extract-fails"]
    assert record.cause == (
        f"Tables failed: 1 of 1 tables failed; customers at RunExtractJob with JobFailed: Job {outputs['extract_job_name']} "
        f"run {job_run['Id']} ended FAILED: Connection refused: 127.0.0.1:5432"
    )
    assert record.states_entered == EXTRACT_RUN_FAILED
    assert last_crawl(outputs["raw_crawler_name"]) == crawl_before
    assert client("glue").get_crawler(Name=outputs["raw_crawler_name"])["Crawler"]["State"] == "READY"
    (notification,) = notifications(deployed)
    assert notification["MessageAttributes"]["error"]["Value"] == "TablesFailed"
    assert "customers at RunExtractJob with JobFailed" in notification["Message"]


def test_a_failed_cleanse_job_leaves_the_raw_data_and_table_as_they_are(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    plan_job_runs(outputs["cleanse_job_name"], [JobRunPlan(running_seconds=30, outcome="FAILED", error_message="OutOfMemoryError")])
    put_job_outputs(deployed, "cleanse-fails")
    s3, glue = client("s3"), client("glue")

    record = executions.run(deployed.state_machine_arn, {"run_id": "cleanse-fails"}, "cleanse-job-failed")
    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    assert "customers at RunCleanseJob with JobFailed" in (record.cause or "") and "OutOfMemoryError" in (record.cause or "")
    assert record.states_entered == [
        *START,
        *EXTRACTED,
        *crawl("Raw", QUICK_CRAWL_POLLS),
        "CleanseTables",
        "WasTableExtracted",
        "RunCleanseJob",
        "DidCleanseJobRunEndBadly",
        "ReadFailedCleanseJobRun",
        "IsQualityGateFailure",
        "RecordCleanseJobRunFailure",
        "FindCleansedTables",
        "CountCleansedTables",
        "HasCleansedTables",  # no table cleansed: no crawl of cleansed
        *TABLES_FAILED,
    ]
    assert (record.report or {})["tables"]["customers"]["rows"]["source_read"] == 1

    raw_prefix = f"{deployed.key_of(outputs['tables']['customers']['raw_path'])}run_id=cleanse-fails/"
    raw_objects = s3.list_objects_v2(Bucket=deployed.bucket, Prefix=raw_prefix)["Contents"]
    assert [item["Key"] for item in raw_objects] == [f"{raw_prefix}part-00000.csv"]
    body = s3.get_object(Bucket=deployed.bucket, Key=f"{raw_prefix}part-00000.csv")["Body"].read()
    assert body == b"customer_id,email,signup_date\n1,ada@example.com,2026-01-05\n"
    partitions = glue.get_partitions(DatabaseName=outputs["database_name"], TableName="raw_customers")["Partitions"]
    assert ["cleanse-fails"] in [partition["Values"] for partition in partitions]
    (notification,) = notifications(deployed)
    assert "customers at RunCleanseJob with JobFailed" in notification["Message"]


def test_a_run_stopped_by_the_quality_gate_fails_as_quality_gate_failed_and_alerts_once_with_the_reasons(
    deployed: DeployedPipeline,
) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    gate = "QualityGateFailed: run gated quarantined 12 of 20 input rows (60.0%), more than max_quarantine_ratio 5.0%"
    plan_job_runs(outputs["cleanse_job_name"], [JobRunPlan(running_seconds=30, outcome="FAILED", error_message=gate)])
    put_job_outputs(deployed, "gated")

    record = executions.run(deployed.state_machine_arn, {"run_id": "gated"}, "quality-gate")

    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    assert (record.cause or "").startswith(
        "Tables failed: 1 of 1 tables failed; customers at RunCleanseJob with QualityGateFailed: "
        f"Job {outputs['cleanse_job_name']} published nothing: "
    )
    assert "RecordQualityGateFailure" in record.states_entered
    (notification,) = notifications(deployed)
    assert "customers at RunCleanseJob with QualityGateFailed" in notification["Message"]
    assert gate in notification["Message"]


def test_throttled_job_start_and_status_call_are_retried_and_the_run_succeeds(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    plan_job_runs(outputs["extract_job_name"], [JobRunPlan(start_error="ThrottlingException"), QUICK_JOB])
    plan_job_runs(outputs["cleanse_job_name"], [JobRunPlan(start_error="ConcurrentRunsExceededException"), QUICK_JOB])
    throttle_invocations(outputs["lambda_function_names"]["get_crawler_status"], 1)
    put_job_outputs(deployed, "throttled")

    record = executions.run(deployed.state_machine_arn, {"run_id": "throttled"}, "throttled-then-ok")

    assert record.status == "SUCCEEDED"
    failures = failures_of(record)
    # Step Functions names a throttled Glue call Glue.AWSGlueException, the code only in the cause.
    assert [error for error, _ in failures] == [
        "Glue.AWSGlueException",
        "Lambda.TooManyRequestsException",
        "Glue.ConcurrentRunsExceededException",
    ]
    assert "Error Code: ThrottlingException" in failures[0][1]
    assert record.states_entered == [
        *START,
        *EXTRACTED,
        *crawl("Raw", QUICK_CRAWL_POLLS),
        *CLEANSED,
        *crawl("Cleansed", QUICK_CRAWL_POLLS),
        *REPORTED,
    ]


def test_a_crawler_that_never_finishes_ends_the_run_at_the_poll_limit(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    crawler = outputs["raw_crawler_name"]
    plan_crawls(crawler, [CrawlPlan(running_seconds=10**6)])
    waits = deployed.poll_waits_seconds

    record = executions.run(deployed.state_machine_arn, {"run_id": "stuck"}, "crawler-never-ready")

    assert (record.status, record.error) == ("FAILED", "CrawlerTimeout")
    assert sum(waits) >= 10 * 60
    assert record.cause == (
        f"RawCrawler failed: Crawler {crawler} was still RUNNING after {sum(waits)} seconds ({len(waits)} status checks); "
        "raise crawler_timeout_minutes if its crawls take longer"
    )
    assert record.states_entered == [
        *START,
        *EXTRACTED,
        *crawl("Raw", len(waits)),
        "CheckRawCrawlerPollLimit",
        "RecordRawCrawlerTimeout",
        "NotifyFailure",
        "PipelineFailed",
    ]
    (notification,) = notifications(deployed)
    assert notification["MessageAttributes"]["error"]["Value"] == "CrawlerTimeout"


@pytest.mark.parametrize(
    ("bad_input", "problem"),
    [
        ({"run_id": 42}, "The execution input's run_id cannot be used: the run id 42 must be 1-80 letters, digits"),
        ({"run_id": ""}, "The execution input's run_id cannot be used"),
        ({"run_id": "2026/11/24"}, "The execution input's run_id cannot be used"),
        ({"run_id": "x/../../cleansed"}, "The execution input's run_id cannot be used"),
        ({"run_id": "2026-11-24T03:00"}, "The execution input's run_id cannot be used"),
        ({"run_id": "rün"}, "The execution input's run_id cannot be used"),
        ({"run_id": "0" * 81}, "The execution input's run_id cannot be used"),
        (["customers"], 'The execution input must be {} or {"run_id": "<id>", "tables": ["<name>", ...]}'),
        ({"tables": "customers"}, "The execution input's tables must be a non-empty list of this pipeline's table names (customers)"),
        ({"tables": []}, "The execution input's tables must be a non-empty list"),
        ({"tables": ["invoices"]}, 'not so: ["invoices"].'),
        ({"tables": ["customers", 7]}, "not so: [7]."),
        ({"tables": ["customers", "customers"]}, "The execution input's tables name customers more than once"),
    ],
)
def test_bad_execution_input_fails_before_any_job_naming_the_problem(deployed: DeployedPipeline, bad_input: Any, problem: str) -> None:
    name = f"bad-input-{abs(hash(json.dumps(bad_input))) % 10**6}"
    runs_before = len(job_runs_of(deployed.outputs["extract_job_name"]))

    record = executions.run(deployed.state_machine_arn, bad_input, name)

    assert (record.status, record.error) == ("FAILED", "InvalidExecutionInput")
    assert problem in (record.cause or "")
    assert record.states_entered == ["ResolveRun", "ReadInputProblem", "RejectInput"]
    assert len(job_runs_of(deployed.outputs["extract_job_name"])) == runs_before
