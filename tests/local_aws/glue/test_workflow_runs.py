"""Glue workflow runs that run: the ON_DEMAND trigger starts its actions, conditional triggers fire
as watched runs and crawls end, and the run is COMPLETED with its Statistics whatever they ended in."""

import time
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import advance_time, plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.roles import CRAWLER_CATALOG_ACTIONS, catalog_statement, create_service_role

BUCKET = "workflow-lake"
QUICK_JOB = JobRunPlan(starting_seconds=1, running_seconds=10)
QUICK_CRAWL = CrawlPlan(running_seconds=10, stopping_seconds=1)
EXTRACT_JOBS = ("extract_customers", "extract_orders")


@pytest.fixture
def workflow(clean_emulator: str) -> Any:
    """extract_customers and extract_orders, then (both SUCCEEDED) the raw crawl, then (SUCCEEDED) cleanse."""
    glue = client("glue")
    client("s3").create_bucket(Bucket=BUCKET)
    glue.create_database(DatabaseInput={"Name": "lake"})
    read_lake = {"Action": ["s3:ListBucket", "s3:GetObject"], "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]}
    crawler_role = create_service_role("crawler", "glue.amazonaws.com", [read_lake, catalog_statement(CRAWLER_CATALOG_ACTIONS, "lake")])
    glue.create_crawler(Name="raw", Role=crawler_role, DatabaseName="lake", Targets={"S3Targets": [{"Path": f"s3://{BUCKET}/raw/"}]})
    job_role = create_service_role("job", "glue.amazonaws.com", [])
    for job in ("extract_customers", "extract_orders", "cleanse"):
        glue.create_job(Name=job, Role=job_role, Command={"Name": "glueetl", "ScriptLocation": f"s3://{BUCKET}/{job}.py"})
    glue.create_workflow(Name="pipeline")
    glue.create_trigger(
        Name="start",
        WorkflowName="pipeline",
        Type="ON_DEMAND",
        Actions=[{"JobName": "extract_customers", "Arguments": {"--table": "customers"}}, {"JobName": "extract_orders"}],
    )
    both_extracted = [{"LogicalOperator": "EQUALS", "JobName": job, "State": "SUCCEEDED"} for job in EXTRACT_JOBS]
    glue.create_trigger(
        Name="crawl-raw",
        WorkflowName="pipeline",
        Type="CONDITIONAL",
        StartOnCreation=True,
        Predicate={"Logical": "AND", "Conditions": both_extracted},
        Actions=[{"CrawlerName": "raw"}],
    )
    glue.create_trigger(
        Name="cleanse",
        WorkflowName="pipeline",
        Type="CONDITIONAL",
        StartOnCreation=True,
        Predicate={"Logical": "AND", "Conditions": [{"LogicalOperator": "EQUALS", "CrawlerName": "raw", "CrawlState": "SUCCEEDED"}]},
        Actions=[{"JobName": "cleanse"}],
    )
    for job in ("extract_customers", "extract_orders", "cleanse"):
        plan_job_runs(job, [QUICK_JOB])
    plan_crawls("raw", [QUICK_CRAWL])
    return glue


def finished_run(glue: Any, run_id: str) -> dict[str, Any]:
    for _ in range(100):
        run: dict[str, Any] = glue.get_workflow_run(Name="pipeline", RunId=run_id)["Run"]
        if run["Status"] != "RUNNING":
            return run
        advance_time(5)
        time.sleep(0.05)
    raise AssertionError(f"the workflow run is still RUNNING: {run}")


def test_a_run_fires_each_trigger_in_turn_and_completes(workflow: Any) -> None:
    run_id = workflow.start_workflow_run(Name="pipeline")["RunId"]

    run = finished_run(workflow, run_id)

    assert run["Status"] == "COMPLETED"
    assert run["Statistics"] == {
        "TotalActions": 4,
        "RunningActions": 0,
        "WaitingActions": 0,
        "SucceededActions": 4,
        "FailedActions": 0,
        "TimeoutActions": 0,
        "StoppedActions": 0,
        "ErroredActions": 0,
    }
    (extract,) = workflow.get_job_runs(JobName="extract_customers")["JobRuns"]
    assert extract["Arguments"] == {"--table": "customers", "--WORKFLOW_NAME": "pipeline", "--WORKFLOW_RUN_ID": run_id}
    (cleanse,) = workflow.get_job_runs(JobName="cleanse")["JobRuns"]
    assert cleanse["JobRunState"] == "SUCCEEDED"


def test_a_failed_job_stops_what_waits_on_it_and_the_run_still_completes(workflow: Any) -> None:
    plan_job_runs("extract_orders", [JobRunPlan(running_seconds=10, outcome="FAILED", error_message="Connection refused")])

    run = finished_run(workflow, workflow.start_workflow_run(Name="pipeline")["RunId"])

    assert (run["Status"], run["Statistics"]["SucceededActions"], run["Statistics"]["FailedActions"]) == ("COMPLETED", 1, 1)
    assert "LastCrawl" not in workflow.get_crawler(Name="raw")["Crawler"], "the AND trigger of the crawl never fired"
    assert workflow.get_job_runs(JobName="cleanse")["JobRuns"] == []


def test_a_failed_crawl_stops_what_waits_on_it(workflow: Any) -> None:
    plan_crawls("raw", [CrawlPlan(running_seconds=10, outcome="FAILED", error_message="Internal Service Exception")])

    run = finished_run(workflow, workflow.start_workflow_run(Name="pipeline")["RunId"])

    assert (run["Status"], run["Statistics"]["SucceededActions"], run["Statistics"]["FailedActions"]) == ("COMPLETED", 2, 1)
    assert workflow.get_job_runs(JobName="cleanse")["JobRuns"] == []


def test_a_conditional_trigger_not_activated_never_fires(workflow: Any) -> None:
    workflow.stop_trigger(Name="cleanse")

    run = finished_run(workflow, workflow.start_workflow_run(Name="pipeline")["RunId"])

    assert (run["Status"], run["Statistics"]["TotalActions"]) == ("COMPLETED", 3)
    assert workflow.get_job_runs(JobName="cleanse")["JobRuns"] == []
