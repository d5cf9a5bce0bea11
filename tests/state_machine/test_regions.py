"""The pipeline deployed outside the default region runs in that region, in each way it can run:
its Lambdas, crawls, job runs, crawl-wait table, events and alerts act on the region's resources,
and a failure takes the failure path there too. One class per stack (its STACK, deployed by
tests/state_machine/conftest.py), so that a parallel run (make test, --dist loadscope) builds each
stack once, on a worker of its own."""

from typing import Any, ClassVar

import pytest

from local_aws import executions
from local_aws.clients import client
from local_aws.control import plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.session import TEST_REGION
from tests.stacks import DeployedPipeline, notifications
from tests.state_machine.pipeline_support import (
    plan_quick_run,
    plan_quick_workflow_run,
    put_job_outputs,
    run_workflow_to_the_end,
    workflow_job_runs,
)
from tests.state_sequences import CLEANSED, EXTRACT_RUN_FAILED, EXTRACTED, REPORTED, START, event_crawl

pytestmark = pytest.mark.terraform


def regional_stack(region: str, **changes: Any) -> dict[str, Any]:
    """The test root applied in `region` (with the bucket the module creates unless `changes` say otherwise)."""
    return {"name_prefix": f"etl-{region}", "region": region, "use_existing_bucket": False, **changes}


class StepFunctionsInRegion:
    region: ClassVar[str]

    def test_the_pipeline_runs_to_success_in_its_own_region(self, deployed: DeployedPipeline) -> None:
        assert deployed.state_machine_arn.split(":")[3] == self.region
        plan_quick_run(deployed)
        put_job_outputs(deployed, "regional")

        record = executions.run(deployed.state_machine_arn, {"run_id": "regional"}, "regional-happy-path")

        assert (record.status, record.error) == ("SUCCEEDED", None)
        assert record.states_entered[-3:] == REPORTED
        glue = client("glue", region=self.region)
        assert glue.get_crawler(Name=deployed.outputs["raw_crawler_name"])["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
        assert (
            glue.get_table(DatabaseName=deployed.outputs["database_name"], Name="cleansed_customers")["Table"]["Name"]
            == "cleansed_customers"
        )
        with pytest.raises(glue.exceptions.EntityNotFoundException):
            client("glue", region=TEST_REGION).get_crawler(Name=deployed.outputs["raw_crawler_name"])
        assert notifications(deployed) == []

    def test_a_failed_job_takes_the_failure_path_and_alerts_in_its_region(self, deployed: DeployedPipeline) -> None:
        outputs = deployed.outputs
        plan_quick_run(deployed)
        plan_job_runs(outputs["extract_job_name"], [JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused")])

        record = executions.run(deployed.state_machine_arn, {"run_id": "regional-fails"}, "regional-job-failed")

        assert (record.status, record.error) == ("FAILED", "TablesFailed")
        assert record.states_entered == EXTRACT_RUN_FAILED
        (notification,) = notifications(deployed, wait_seconds=5)
        assert "Connection refused" in notification["Message"]


class TestInEuWest1(StepFunctionsInRegion):
    """The default way (crawls waited for by polling), with the bucket the module creates."""

    region = "eu-west-1"
    STACK: ClassVar[dict[str, Any]] = regional_stack(region)


class TestEventWaitInApSoutheast2(StepFunctionsInRegion):
    """crawler_wait = "event": the crawl's end event reaches the run through the region's
    EventBridge, Lambda and DynamoDB table."""

    region = "ap-southeast-2"
    STACK: ClassVar[dict[str, Any]] = regional_stack(region, crawler_wait="event", use_existing_bucket=True)

    def test_each_crawl_is_awaited_through_the_regions_events_and_wait_table(self, deployed: DeployedPipeline) -> None:
        plan_quick_run(deployed)
        put_job_outputs(deployed, "regional-event")

        record = executions.run(deployed.state_machine_arn, {"run_id": "regional-event"}, "regional-event-wait")

        assert record.status == "SUCCEEDED", record.cause
        assert record.states_entered == [*START, *EXTRACTED, *event_crawl("Raw"), *CLEANSED, *event_crawl("Cleansed"), *REPORTED]
        assert record.exited_outputs("AwaitRawCrawl")[0]["raw_crawler"]["last_crawl_status"] == "SUCCEEDED"
        waits_table = f"etl-{self.region}-crawl-waits"
        assert client("dynamodb", region=self.region).scan(TableName=waits_table)["Items"] == [], "each wait ended with its crawl"

    def test_a_failed_crawl_fails_the_run_with_the_crawlers_error(self, deployed: DeployedPipeline) -> None:
        plan_quick_run(deployed)
        crawler = deployed.outputs["raw_crawler_name"]
        plan_crawls(crawler, [CrawlPlan(running_seconds=10, outcome="FAILED", error_message="Internal Service Exception")])

        record = executions.run(deployed.state_machine_arn, {"run_id": "regional-crawl-fails"}, "regional-event-crawl-fails")

        assert (record.status, record.error) == ("FAILED", "CrawlerFailed")
        assert record.cause == f"RawCrawler failed: Crawler {crawler} ended its last crawl FAILED: Internal Service Exception"
        (notification,) = notifications(deployed, wait_seconds=5)
        assert notification["MessageAttributes"]["step"]["Value"] == "RawCrawler"


class TestGlueWorkflowInEuCentral1:
    """orchestration = "glue_workflow": the workflow's triggers, job runs and crawls, and the alert
    rules on their events, all in the region."""

    region = "eu-central-1"
    STACK: ClassVar[dict[str, Any]] = regional_stack(region, orchestration="glue_workflow", use_existing_bucket=True)

    def test_a_workflow_run_completes_every_step_in_its_own_region(self, deployed: DeployedPipeline) -> None:
        plan_quick_workflow_run(deployed)

        run = run_workflow_to_the_end(deployed, "regional-workflow")

        assert (run["Status"], run["Statistics"]["TotalActions"], run["Statistics"]["SucceededActions"]) == ("COMPLETED", 4, 4)
        assert [job_run["JobRunState"] for job_run in workflow_job_runs(deployed, "customers", "cleanse_job")] == ["SUCCEEDED"]
        glue = client("glue", region=self.region)
        assert glue.get_crawler(Name=deployed.outputs["cleansed_crawler_name"])["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
        with pytest.raises(glue.exceptions.EntityNotFoundException):
            client("glue", region=TEST_REGION).get_workflow(Name=deployed.outputs["workflow_name"])
        assert notifications(deployed) == []

    def test_a_failed_crawl_stops_the_cleanse_job_and_alerts_once_in_its_region(self, deployed: DeployedPipeline) -> None:
        plan_quick_workflow_run(deployed)
        crawler = deployed.outputs["raw_crawler_name"]
        plan_crawls(crawler, [CrawlPlan(running_seconds=30, outcome="FAILED", error_message="Internal Service Exception")])
        cleanse_job_runs_before = len(workflow_job_runs(deployed, "customers", "cleanse_job"))

        run = run_workflow_to_the_end(deployed, "regional-workflow-crawl-fails")

        assert (run["Status"], run["Statistics"]["SucceededActions"], run["Statistics"]["FailedActions"]) == ("COMPLETED", 1, 1)
        assert len(workflow_job_runs(deployed, "customers", "cleanse_job")) == cleanse_job_runs_before
        (notification,) = notifications(deployed, wait_seconds=5)
        assert notification["Message"] == (
            f"Pipeline etl-{self.region} workflow run failed at step {crawler} with CrawlerFailed: Crawler {crawler} "
            "ended its last crawl FAILED: Internal Service Exception"
        )
