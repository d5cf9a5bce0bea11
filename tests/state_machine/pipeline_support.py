"""What the state machine scenarios share beside the deployed stack (tests/stacks.py) and the
expected states (tests/state_sequences.py): planned job runs and crawls, the files the jobs would
have written, and runs of a Glue workflow."""

import io
import json
import time
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from local_aws.clients import client
from local_aws.control import advance_time, plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.stacks import DeployedPipeline


def put_job_outputs(pipeline: DeployedPipeline, run_id: str) -> None:
    """What the extract and cleanse jobs write for `run_id`, put in place for scenarios whose job runs are planned."""
    s3 = client("s3")
    table = pipeline.outputs["tables"]["customers"]
    raw_key = f"{pipeline.key_of(table['raw_path'])}run_id={run_id}/part-00000.csv"
    s3.put_object(Bucket=pipeline.bucket, Key=raw_key, Body=b"customer_id,email,signup_date\n1,ada@example.com,2026-01-05\n")
    parquet = io.BytesIO()
    pq.write_table(pa.table({"customer_id": pa.array([1], pa.int32()), "email": ["ada@example.com"]}), parquet)
    cleansed_key = f"{pipeline.key_of(table['cleansed_path'])}ingestion_date=2026-11-24/run_id={run_id}/part-00000.parquet"
    s3.put_object(Bucket=pipeline.bucket, Key=cleansed_key, Body=parquet.getvalue())
    reports = f"{pipeline.key_of(table['reports_path'])}run_id={run_id}"
    for job, figures in PLANNED_RUN_FIGURES.items():
        s3.put_object(Bucket=pipeline.bucket, Key=f"{reports}/{job}.json", Body=json.dumps(figures).encode())


# What the extract and cleanse jobs report of the one row put_job_outputs puts in place.
PLANNED_RUN_FIGURES = {
    "extract_job": {"rows_read": 1, "rows_written": 1},
    "cleanse_job": {"input_rows": 1, "cleansed_rows": 1, "quarantined_rows": 0, "duplicates_removed": 0, "quarantined_by_reason": {}},
}


# A crawl RUNNING for 45 s and STOPPING for 10 s is seen RUNNING at 5, 15 and 35 s, and READY at
# 65 s: the 4th poll of 5, 10, 20, 30 s, with 10 s to spare for the real time the polls take.
QUICK_CRAWL = CrawlPlan(running_seconds=45, stopping_seconds=10)
QUICK_CRAWL_POLLS = 4
QUICK_JOB = JobRunPlan(starting_seconds=5, running_seconds=60)


def plan_quick_run(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_job_runs(outputs["extract_job_name"], [QUICK_JOB])
    plan_job_runs(outputs["cleanse_job_name"], [QUICK_JOB])
    plan_crawls(outputs["raw_crawler_name"], [QUICK_CRAWL])
    plan_crawls(outputs["cleansed_crawler_name"], [QUICK_CRAWL])


def plan_failed_crawl(deployed: DeployedPipeline, message: str) -> str:
    """A quick run whose raw crawl ends FAILED with `message`: the raw crawler's name."""
    plan_quick_run(deployed)
    crawler = str(deployed.outputs["raw_crawler_name"])
    plan_crawls(crawler, [CrawlPlan(running_seconds=10, outcome="FAILED", error_message=message)])
    return crawler


def plan_quick_workflow_run(deployed: DeployedPipeline) -> None:
    for jobs in deployed.outputs["workflow_job_names"].values():
        for job in jobs.values():
            plan_job_runs(job, [QUICK_JOB])
    plan_crawls(deployed.outputs["raw_crawler_name"], [QUICK_CRAWL])
    plan_crawls(deployed.outputs["cleansed_crawler_name"], [QUICK_CRAWL])


def run_workflow_to_the_end(deployed: DeployedPipeline, run_id: str) -> dict[str, Any]:
    glue, workflow = client("glue", region=deployed.region), deployed.outputs["workflow_name"]
    workflow_run_id = glue.start_workflow_run(Name=workflow, RunProperties={"run_id": run_id})["RunId"]
    for _ in range(200):
        run: dict[str, Any] = glue.get_workflow_run(Name=workflow, RunId=workflow_run_id)["Run"]
        if run["Status"] != "RUNNING":
            return run
        advance_time(10)
        time.sleep(0.05)
    raise AssertionError(f"the workflow run is still RUNNING: {run}")


def workflow_job_runs(deployed: DeployedPipeline, table: str, stage: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = client("glue", region=deployed.region).get_job_runs(
        JobName=deployed.outputs["workflow_job_names"][table][stage]
    )["JobRuns"]
    return runs


def await_workflow_run(deployed: DeployedPipeline, run_id: str, timeout_seconds: float) -> dict[str, Any]:
    """Start a run of the workflow with the run property run_id and return it once it has ended,
    giving job runs that execute for real (local Spark) up to `timeout_seconds` of real time."""
    glue, workflow = client("glue", region=deployed.region), deployed.outputs["workflow_name"]
    workflow_run_id = glue.start_workflow_run(Name=workflow, RunProperties={"run_id": run_id})["RunId"]
    deadline = time.monotonic() + timeout_seconds
    while (run := glue.get_workflow_run(Name=workflow, RunId=workflow_run_id)["Run"])["Status"] == "RUNNING":
        assert time.monotonic() < deadline, f"the workflow run is still RUNNING after {timeout_seconds} s: {run}"
        advance_time(10)
        time.sleep(0.5)
    ended: dict[str, Any] = run
    return ended
