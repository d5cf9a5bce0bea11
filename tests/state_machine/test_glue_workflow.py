"""orchestration = "glue_workflow": the deployed workflow runs on the emulator — each table's extract
job, one crawl of raw, each table's cleanse job, one crawl of cleansed — and a failed job or crawl stops what
follows and alerts once through EventBridge, with no Lambda and no state machine."""

import pytest

from local_aws.clients import client
from local_aws.control import plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.stacks import DeployedPipeline, notifications
from tests.state_machine.pipeline_support import plan_quick_workflow_run, run_workflow_to_the_end, workflow_job_runs

pytestmark = pytest.mark.terraform

TABLES = ("customers", "orders")
STACK = {
    "name_prefix": "etl-wf",
    "orchestration": "glue_workflow",
    "tables": {"customers": {"key_columns": ["id"]}, "orders": {"key_columns": ["order_id"]}},
}


def test_a_workflow_run_extracts_crawls_cleanses_and_crawls_every_table(deployed: DeployedPipeline) -> None:
    plan_quick_workflow_run(deployed)

    run = run_workflow_to_the_end(deployed, "wf-happy")

    assert run["Status"] == "COMPLETED"
    assert (run["Statistics"]["TotalActions"], run["Statistics"]["SucceededActions"]) == (6, 6)
    for table in TABLES:
        (extract,) = workflow_job_runs(deployed, table, "extract_job")
        assert extract["Arguments"]["--WORKFLOW_RUN_ID"] == run["WorkflowRunId"]
        assert extract["Arguments"]["--output_path"] == f"{deployed.outputs['tables'][table]['raw_path']}run_id={{run_id}}/", (
            "the job resolves {run_id} itself"
        )
        assert [cleanse["JobRunState"] for cleanse in workflow_job_runs(deployed, table, "cleanse_job")] == ["SUCCEEDED"]
    assert (
        client("glue", region=deployed.region).get_crawler(Name=deployed.outputs["cleansed_crawler_name"])["Crawler"]["LastCrawl"]["Status"]
        == "SUCCEEDED"
    )
    assert notifications(deployed) == []


def test_a_failed_job_stops_every_later_stage_and_alerts_once(deployed: DeployedPipeline) -> None:
    plan_quick_workflow_run(deployed)
    orders_extract = deployed.outputs["workflow_job_names"]["orders"]["extract_job"]
    plan_job_runs(orders_extract, [JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused")])
    crawls_before = (
        client("glue", region=deployed.region).get_crawler(Name=deployed.outputs["raw_crawler_name"])["Crawler"].get("LastCrawl")
    )
    cleanse_job_runs_before = [len(workflow_job_runs(deployed, table, "cleanse_job")) for table in TABLES]

    run = run_workflow_to_the_end(deployed, "wf-job-fails")

    assert (run["Status"], run["Statistics"]["SucceededActions"], run["Statistics"]["FailedActions"]) == ("COMPLETED", 1, 1)
    assert (
        client("glue", region=deployed.region).get_crawler(Name=deployed.outputs["raw_crawler_name"])["Crawler"].get("LastCrawl")
        == crawls_before
    )
    assert [len(workflow_job_runs(deployed, table, "cleanse_job")) for table in TABLES] == cleanse_job_runs_before
    (notification,) = notifications(deployed, wait_seconds=5)
    failed_run = workflow_job_runs(deployed, "orders", "extract_job")[-1]["Id"]
    assert notification["Message"] == (
        f"Pipeline etl-wf workflow run failed at step {orders_extract} with JobFailed: job run {failed_run} ended FAILED: "
        f"JobName:{orders_extract} and JobRunId:{failed_run} failed to execute with exception Connection refused"
    )


def test_a_failed_crawl_stops_the_cleanse_jobs_and_alerts_once_with_the_crawlers_error(deployed: DeployedPipeline) -> None:
    plan_quick_workflow_run(deployed)
    crawler = deployed.outputs["raw_crawler_name"]
    plan_crawls(crawler, [CrawlPlan(running_seconds=30, outcome="FAILED", error_message="Internal Service Exception")])
    cleanse_job_runs_before = [len(workflow_job_runs(deployed, table, "cleanse_job")) for table in TABLES]

    run = run_workflow_to_the_end(deployed, "wf-crawl-fails")

    assert (run["Status"], run["Statistics"]["SucceededActions"], run["Statistics"]["FailedActions"]) == ("COMPLETED", 2, 1)
    assert [len(workflow_job_runs(deployed, table, "cleanse_job")) for table in TABLES] == cleanse_job_runs_before
    (notification,) = notifications(deployed, wait_seconds=5)
    assert notification["Message"] == (
        f"Pipeline etl-wf workflow run failed at step {crawler} with CrawlerFailed: Crawler {crawler} ended its last crawl FAILED: "
        "Internal Service Exception"
    )
