"""orchestration = "glue_workflow": the deployed workflow runs on the emulator — each table's job1,
one crawl of raw, each table's job2, one crawl of cleansed — and a failed job or crawl stops what
follows and alerts once through EventBridge, with no Lambda and no state machine."""

import time
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import advance_time, plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.state_machine.pipeline_support import QUICK_CRAWL, QUICK_JOB, DeployedPipeline, notifications

pytestmark = pytest.mark.terraform

TABLES = ("customers", "orders")
STACK_CHANGES = {
    "name_prefix": "etl-wf",
    "orchestration": "glue_workflow",
    "tables": {"customers": {"key_columns": ["id"]}, "orders": {"key_columns": ["order_id"]}},
}


def plan_quick_workflow_run(deployed: DeployedPipeline) -> None:
    for jobs in deployed.outputs["workflow_job_names"].values():
        for job in jobs.values():
            plan_job_runs(job, [QUICK_JOB])
    plan_crawls(deployed.outputs["raw_crawler_name"], [QUICK_CRAWL])
    plan_crawls(deployed.outputs["cleansed_crawler_name"], [QUICK_CRAWL])


def run_to_the_end(deployed: DeployedPipeline, run_id: str) -> dict[str, Any]:
    glue, workflow = client("glue"), deployed.outputs["workflow_name"]
    workflow_run_id = glue.start_workflow_run(Name=workflow, RunProperties={"run_id": run_id})["RunId"]
    for _ in range(200):
        run: dict[str, Any] = glue.get_workflow_run(Name=workflow, RunId=workflow_run_id)["Run"]
        if run["Status"] != "RUNNING":
            return run
        advance_time(10)
        time.sleep(0.05)
    raise AssertionError(f"the workflow run is still RUNNING: {run}")


def job_runs(deployed: DeployedPipeline, table: str, stage: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = client("glue").get_job_runs(JobName=deployed.outputs["workflow_job_names"][table][stage])["JobRuns"]
    return runs


def test_a_workflow_run_extracts_crawls_cleanses_and_crawls_every_table(deployed: DeployedPipeline) -> None:
    plan_quick_workflow_run(deployed)

    run = run_to_the_end(deployed, "wf-happy")

    assert run["Status"] == "COMPLETED"
    assert (run["Statistics"]["TotalActions"], run["Statistics"]["SucceededActions"]) == (6, 6)
    for table in TABLES:
        (extract,) = job_runs(deployed, table, "raw_job")
        assert extract["Arguments"]["--WORKFLOW_RUN_ID"] == run["WorkflowRunId"]
        assert extract["Arguments"]["--output_path"].endswith(f"/raw/{table}/run_id={{run_id}}/"), "the job resolves {run_id} itself"
        assert [cleanse["JobRunState"] for cleanse in job_runs(deployed, table, "cleanse_job")] == ["SUCCEEDED"]
    assert client("glue").get_crawler(Name=deployed.outputs["cleansed_crawler_name"])["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
    assert notifications(deployed) == []


def test_a_failed_job_stops_every_later_stage_and_alerts_once(deployed: DeployedPipeline) -> None:
    plan_quick_workflow_run(deployed)
    orders_extract = deployed.outputs["workflow_job_names"]["orders"]["raw_job"]
    plan_job_runs(orders_extract, [JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused")])
    crawls_before = client("glue").get_crawler(Name=deployed.outputs["raw_crawler_name"])["Crawler"].get("LastCrawl")
    job2_runs_before = [len(job_runs(deployed, table, "cleanse_job")) for table in TABLES]

    run = run_to_the_end(deployed, "wf-job-fails")

    assert (run["Status"], run["Statistics"]["SucceededActions"], run["Statistics"]["FailedActions"]) == ("COMPLETED", 1, 1)
    assert client("glue").get_crawler(Name=deployed.outputs["raw_crawler_name"])["Crawler"].get("LastCrawl") == crawls_before
    assert [len(job_runs(deployed, table, "cleanse_job")) for table in TABLES] == job2_runs_before
    (notification,) = notifications(deployed, wait_seconds=5)
    failed_run = job_runs(deployed, "orders", "raw_job")[-1]["Id"]
    assert notification["Message"] == (
        f"Pipeline etl-wf workflow run failed at step {orders_extract} with JobFailed: job run {failed_run} ended FAILED: "
        f"JobName:{orders_extract} and JobRunId:{failed_run} failed to execute with exception Connection refused"
    )


def test_a_failed_crawl_stops_job2_and_alerts_once_with_the_crawlers_error(deployed: DeployedPipeline) -> None:
    plan_quick_workflow_run(deployed)
    crawler = deployed.outputs["raw_crawler_name"]
    plan_crawls(crawler, [CrawlPlan(running_seconds=30, outcome="FAILED", error_message="Internal Service Exception")])
    job2_runs_before = [len(job_runs(deployed, table, "cleanse_job")) for table in TABLES]

    run = run_to_the_end(deployed, "wf-crawl-fails")

    assert (run["Status"], run["Statistics"]["SucceededActions"], run["Statistics"]["FailedActions"]) == ("COMPLETED", 2, 1)
    assert [len(job_runs(deployed, table, "cleanse_job")) for table in TABLES] == job2_runs_before
    (notification,) = notifications(deployed, wait_seconds=5)
    assert notification["Message"] == (
        f"Pipeline etl-wf workflow run failed at step {crawler} with CrawlerFailed: Crawler {crawler} ended its last crawl FAILED: "
        "Internal Service Exception"
    )
