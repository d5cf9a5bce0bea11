"""The pipeline deployed outside the default region runs in that region: its Lambdas, crawls and
job runs act on the region's resources, and a failure takes the failure path there too."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from local_aws import emulator, executions
from local_aws.clients import client
from local_aws.control import advance_time, plan_job_runs, set_time_scale
from local_aws.emulator.glue.job_runs import JobRunPlan
from local_aws.terraform import TerraformWorkspace
from tests.state_machine.pipeline_support import (
    LONGEST_PLANNED_SECONDS,
    START,
    TABLES_FAILED,
    TEST_ROOT,
    TIME_SCALE,
    DeployedPipeline,
    plan_quick_run,
    put_job_outputs,
)

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="class")
def regional(
    request: pytest.FixtureRequest, emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DeployedPipeline]:
    region: str = request.cls.region
    emulator.reset()
    workspace = TerraformWorkspace(TEST_ROOT, Path(tmp_path_factory.mktemp(f"stack-{region}")))
    workspace.init()
    workspace.apply({"local_endpoint": emulator_endpoint, "name_prefix": f"etl-{region}", "region": region, "crawler_timeout_minutes": 10})
    yield DeployedPipeline(workspace.outputs()["etl"], notifications_queue_url="")
    emulator.reset()


@pytest.fixture
def deployed(regional: DeployedPipeline) -> DeployedPipeline:
    emulator.reset_control()
    advance_time(LONGEST_PLANNED_SECONDS)
    set_time_scale(TIME_SCALE)
    return regional


class RegionalPipeline:
    """The module applied in `region`; a class per region, so that a parallel run (make test,
    --dist loadscope) builds each region's stack once, on a worker of its own."""

    region: str

    def test_the_pipeline_runs_to_success_in_its_own_region(self, deployed: DeployedPipeline) -> None:
        region = deployed.state_machine_arn.split(":")[3]
        plan_quick_run(deployed)
        put_job_outputs(deployed, "regional")

        record = executions.run(deployed.state_machine_arn, {"run_id": "regional"}, "regional-happy-path")

        assert (record.status, record.error) == ("SUCCEEDED", None)
        assert record.states_entered[-3:] == ["ReportRun", "DidEveryTableSucceed", "RunSucceeded"]
        glue = client("glue", region=region)
        assert glue.get_crawler(Name=deployed.outputs["raw_crawler_name"])["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
        assert (
            glue.get_table(DatabaseName=deployed.outputs["database_name"], Name="cleansed_customers")["Table"]["Name"]
            == "cleansed_customers"
        )
        with pytest.raises(client("glue").exceptions.EntityNotFoundException):
            client("glue").get_crawler(Name=deployed.outputs["raw_crawler_name"])

    def test_a_failed_job_takes_the_failure_path_and_notifies_in_its_region(self, deployed: DeployedPipeline) -> None:
        outputs = deployed.outputs
        plan_quick_run(deployed)
        plan_job_runs(outputs["raw_job_name"], [JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused")])

        record = executions.run(deployed.state_machine_arn, {"run_id": "regional-fails"}, "regional-job-failed")

        assert (record.status, record.error) == ("FAILED", "TablesFailed")
        assert record.states_entered == [
            *START,
            "RunRawJob",
            "RecordRawJobFailure",
            "FindExtractedTables",
            "CountExtractedTables",
            "IsAnyTableExtracted",
            *TABLES_FAILED,
        ]
        published = [event for event in record.events if event["type"] == "TaskSucceeded"]
        assert [event["taskSucceededEventDetails"]["resourceType"] for event in published] == ["lambda", "sns"]


class TestInEuWest1(RegionalPipeline):
    region = "eu-west-1"


class TestInApSoutheast2(RegionalPipeline):
    region = "ap-southeast-2"
