"""Changes in place: a stack that has run, re-applied with another way of waiting for crawls or
another orchestration, and then back, applies each time without replacing anything and without
deleting what holds data (bucket, database, crawlers, topic), and the next run succeeds with every
earlier run's objects and catalog tables still there. The same for an upgrade from the release
before #26's renames: its `moved` blocks move every renamed address, and only what AWS cannot
rename is replaced. One class per stack, so that a parallel run (make test, --dist loadscope)
builds each stack once, on a worker of its own."""

import io
import json
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar

import pytest

from local_aws import PROJECT_ROOT, emulator, executions
from local_aws.clients import client
from local_aws.control import advance_time, run_jobs_locally, set_time_scale
from local_aws.iceberg_tables import table_rows
from local_aws.terraform import TerraformWorkspace
from tests.session import TEST_REGION
from tests.stacks import (
    LONGEST_PLANNED_SECONDS,
    TEST_ROOT,
    TIME_SCALE,
    DeployedPipeline,
    applied,
    notifications,
    subscribe_to_notifications,
)
from tests.state_machine.pipeline_support import (
    PLANNED_RUN_FIGURES,
    plan_quick_run,
    plan_quick_workflow_run,
    put_job_outputs,
    run_workflow_to_the_end,
)

pytestmark = pytest.mark.terraform

# Resource types that hold or catalog the data: a change of how the pipeline runs deletes none.
DATA_HOLDERS = ("aws_s3_bucket", "aws_glue_catalog_database", "aws_glue_crawler", "aws_sns_topic")


@dataclass
class Stage:
    """One apply of the stack and the run after it."""

    variables: dict[str, Any]
    planned: dict[str, list[str]]
    run_status: str
    data_keys: set[str] = field(default_factory=set)
    catalog_tables: set[str] = field(default_factory=set)


def data_keys(pipeline: DeployedPipeline) -> set[str]:
    """The keys the runs wrote: each table's raw, cleansed, quarantine and reports objects."""
    s3, keys = client("s3", region=pipeline.region), set()
    for table in pipeline.outputs["tables"].values():
        for path in (table["raw_path"], table["cleansed_path"], table["quarantine_path"], table["reports_path"]):
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=pipeline.bucket, Prefix=pipeline.key_of(path)):
                keys |= {item["Key"] for item in page.get("Contents", [])}
    return keys


def catalog_tables(pipeline: DeployedPipeline) -> set[str]:
    glue = client("glue", region=pipeline.region)
    pages = glue.get_paginator("get_tables").paginate(DatabaseName=pipeline.outputs["database_name"])
    return {table["Name"] for page in pages for table in page["TableList"]}


def run_to_the_end(pipeline: DeployedPipeline, run_id: str) -> str:
    """A planned run of every step in the stack's way of running, with the files the jobs would have written: how it ended."""
    emulator.reset_control()
    advance_time(LONGEST_PLANNED_SECONDS)
    set_time_scale(TIME_SCALE)
    put_job_outputs(pipeline, run_id)
    if pipeline.outputs["workflow_name"]:
        plan_quick_workflow_run(pipeline)
        run = run_workflow_to_the_end(pipeline, run_id)
        statistics = run["Statistics"]
        return "SUCCEEDED" if run["Status"] == "COMPLETED" and statistics["SucceededActions"] == statistics["TotalActions"] else str(run)
    plan_quick_run(pipeline)
    record = executions.run(pipeline.state_machine_arn, {"run_id": run_id}, run_id)
    return record.status if record.status == "SUCCEEDED" else f"{record.status}: {record.error}: {record.cause}"


class SwitchedStack:
    """The test root applied with `stack`, run; re-applied with `switched`, run; re-applied as
    `stack` again, run."""

    name_prefix: ClassVar[str]
    stack: ClassVar[dict[str, Any]]
    switched: ClassVar[dict[str, Any]]
    # Some of the resources the switch creates and deletes: what shows the switch took place.
    switch_creates: ClassVar[set[str]]
    switch_deletes: ClassVar[set[str]]


@pytest.fixture(scope="class")
def stages(request: pytest.FixtureRequest, emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Stage]]:
    """Each apply of the stack (first, switched, switched back) with the run after it."""
    switched: type[SwitchedStack] = request.cls
    emulator.reset()
    work_dir = Path(tmp_path_factory.mktemp(f"stack-{switched.name_prefix}"))
    workspace = TerraformWorkspace(TEST_ROOT, work_dir, emulator_endpoint=emulator_endpoint)
    workspace.init()
    first = {"name_prefix": switched.name_prefix, "crawler_timeout_minutes": 10, **switched.stack}
    queue_url = ""
    applied: list[Stage] = []
    for number, variables in enumerate([first, {**first, **switched.switched}, first]):
        plan_file = work_dir / f"stage-{number}.tfplan"
        planned = workspace.saved_plan(variables, plan_file)
        workspace.apply_plan(plan_file)
        outputs = workspace.outputs()["etl"]
        queue_url = queue_url or subscribe_to_notifications(outputs, f"{switched.name_prefix}-notifications")
        pipeline = DeployedPipeline(outputs, queue_url)
        status = run_to_the_end(pipeline, f"stage-{number}")
        assert notifications(pipeline, wait_seconds=0) == [] or status != "SUCCEEDED", "a run that succeeded alerted"
        applied.append(Stage(variables, planned, status, data_keys(pipeline), catalog_tables(pipeline)))
    yield applied
    emulator.reset()


class ChangedInPlace(SwitchedStack):
    def test_each_apply_and_the_run_after_it_succeed(self, stages: list[Stage]) -> None:
        assert [stage.run_status for stage in stages] == ["SUCCEEDED"] * 3

    def test_no_change_replaces_a_resource_or_deletes_what_holds_data(self, stages: list[Stage]) -> None:
        for stage in stages[1:]:
            replaced = [address for address, actions in stage.planned.items() if {"create", "delete"} <= set(actions)]
            assert replaced == [], stage.variables
            deleted = [address for address, actions in stage.planned.items() if "delete" in actions]
            assert [address for address in deleted if address.rsplit(".", 1)[0].endswith(DATA_HOLDERS)] == []

    def test_switching_back_undoes_exactly_what_the_switch_did(self, stages: list[Stage]) -> None:
        _, switched, back = stages

        def addresses(stage: Stage, action: str) -> set[str]:
            return {address for address, actions in stage.planned.items() if actions == [action]}

        assert self.switch_creates <= addresses(switched, "create")
        assert self.switch_deletes <= addresses(switched, "delete")
        assert (addresses(back, "delete"), addresses(back, "create")) == (addresses(switched, "create"), addresses(switched, "delete"))
        assert addresses(back, "update") == addresses(switched, "update")

    def test_every_earlier_runs_objects_and_catalog_tables_are_kept(self, stages: list[Stage]) -> None:
        for earlier, later in pairwise(stages):
            assert earlier.data_keys - later.data_keys == set()
            assert earlier.catalog_tables - later.catalog_tables == set()
        assert {"raw_customers", "cleansed_customers"} <= stages[-1].catalog_tables
        for number in range(3):
            assert any(f"/run_id=stage-{number}/" in key for key in stages[-1].data_keys), f"stage-{number}'s run wrote nothing"


class TestCrawlerWaitPollToEventAndBack(ChangedInPlace):
    """crawler_wait "poll" -> "event" -> "poll": the event mode's rule, Lambda and wait table come and go."""

    name_prefix = "etl-sw-wait"
    stack: ClassVar[dict[str, Any]] = {"crawler_wait": "poll"}
    switched: ClassVar[dict[str, Any]] = {"crawler_wait": "event"}
    switch_creates: ClassVar[set[str]] = {
        "module.etl.aws_dynamodb_table.crawl_waits[0]",
        "module.etl.aws_cloudwatch_event_rule.crawl_finished[0]",
        'module.etl.aws_lambda_function.this["crawl_finished"]',
    }
    switch_deletes: ClassVar[set[str]] = set()


class TestOrchestrationOnAnExistingBucketAndBack(ChangedInPlace):
    """orchestration "step_functions" -> "glue_workflow" -> "step_functions" on a bucket the caller owns."""

    name_prefix = "etl-sw-orch"
    stack: ClassVar[dict[str, Any]] = {"use_existing_bucket": True}
    switched: ClassVar[dict[str, Any]] = {"orchestration": "glue_workflow"}
    switch_creates: ClassVar[set[str]] = {"module.etl.aws_glue_workflow.pipeline[0]", 'module.etl.aws_glue_job.this["raw_job_customers"]'}
    switch_deletes: ClassVar[set[str]] = {"module.etl.aws_sfn_state_machine.pipeline[0]", 'module.etl.aws_glue_job.this["extract_job"]'}


# ---------------------------------------------------------------- cleansed_format parquet -> iceberg

ICEBERG_PREFIX = "etl-sw-ice"
LANDING_BUCKET = f"{ICEBERG_PREFIX}-landing"
SOURCE_ROWS = b"id,name\n1,Ada\n2,Grace\n"
ICEBERG_STACK = {
    "name_prefix": ICEBERG_PREFIX,
    "crawler_timeout_minutes": 10,
    "source_s3_arns": [f"arn:aws:s3:::{LANDING_BUCKET}", f"arn:aws:s3:::{LANDING_BUCKET}/customers/*"],
    "tables": {"customers": {"key_columns": ["id"], "column_types": {"id": "int"}}},
}


def catalog_source(database: str) -> None:
    """What the caller catalogs before the first run: source_customers over CSV in a bucket of its own."""
    client("s3").create_bucket(Bucket=LANDING_BUCKET)
    client("s3").put_object(Bucket=LANDING_BUCKET, Key="customers/customers.csv", Body=SOURCE_ROWS)
    client("glue").create_table(
        DatabaseName=database,
        TableInput={
            "Name": "source_customers",
            "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
            "StorageDescriptor": {
                "Location": f"s3://{LANDING_BUCKET}/customers/",
                "Columns": [{"Name": name, "Type": "string"} for name in ("id", "name")],
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde", "Parameters": {"separatorChar": ","}},
            },
        },
    )


@dataclass
class IcebergSwitch:
    parquet_run: executions.ExecutionRecord
    parquet_table: dict[str, Any]
    planned: dict[str, list[str]]
    outputs: dict[str, Any]
    first_iceberg_run: executions.ExecutionRecord
    step_taken: str | None
    iceberg_run: executions.ExecutionRecord | None
    keys_before_switch: set[str]
    keys_after_iceberg_run: set[str]


@pytest.fixture(scope="class")
def iceberg_switch(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[IcebergSwitch]:
    """A parquet stack run with real jobs, re-applied with cleansed_format "iceberg" and run; if that run
    refuses cleansed_customers naming the step to take, the step taken and the pipeline run again."""
    emulator.reset()
    work_dir = Path(tmp_path_factory.mktemp("stack-iceberg-switch"))
    variables = ICEBERG_STACK
    run_jobs_locally()  # first: the emulator's Spark driver warms up while Terraform applies
    workspace = applied(TEST_ROOT, work_dir, emulator_endpoint, variables)
    outputs = workspace.outputs()["etl"]
    database, glue = outputs["database_name"], client("glue")
    catalog_source(database)
    set_time_scale(0.1)
    parquet_run = executions.run(outputs["state_machine_arn"], {"run_id": "parquet-1"}, "parquet-1", timeout_seconds=600)
    parquet_table = glue.get_table(DatabaseName=database, Name="cleansed_customers")["Table"]
    pipeline = DeployedPipeline(outputs, "")
    keys_before_switch = data_keys(pipeline)

    planned = workspace.saved_plan({**variables, "cleansed_format": "iceberg"}, work_dir / "iceberg.tfplan")
    workspace.apply_plan(work_dir / "iceberg.tfplan")
    outputs = workspace.outputs()["etl"]
    first_iceberg_run = executions.run(outputs["state_machine_arn"], {"run_id": "iceberg-1"}, "iceberg-1", timeout_seconds=600)
    step_taken, iceberg_run = None, None
    if first_iceberg_run.status != "SUCCEEDED":
        step_taken = f"aws glue delete-table --database-name {database} --name cleansed_customers"
        glue.delete_table(DatabaseName=database, Name="cleansed_customers")
        iceberg_run = executions.run(outputs["state_machine_arn"], {"run_id": "iceberg-2"}, "iceberg-2", timeout_seconds=600)
    yield IcebergSwitch(
        parquet_run,
        parquet_table,
        planned,
        outputs,
        first_iceberg_run,
        step_taken,
        iceberg_run,
        keys_before_switch,
        data_keys(DeployedPipeline(outputs, "")),
    )
    emulator.reset()


@pytest.mark.spark
class TestCleansedFormatParquetToIceberg:
    """A stack whose cleansed crawler cataloged cleansed_customers from Parquet, re-applied with cleansed_format "iceberg"."""

    def test_the_parquet_run_leaves_a_table_the_cleansed_crawler_made(self, iceberg_switch: IcebergSwitch) -> None:
        assert iceberg_switch.parquet_run.status == "SUCCEEDED", iceberg_switch.parquet_run.cause
        assert iceberg_switch.parquet_table["Parameters"].get("table_type") != "ICEBERG"

    def test_the_switch_replaces_nothing_and_deletes_only_the_cleansed_crawler(self, iceberg_switch: IcebergSwitch) -> None:
        planned = iceberg_switch.planned
        assert [address for address, actions in planned.items() if {"create", "delete"} <= set(actions)] == []
        assert [address for address, actions in planned.items() if "delete" in actions] == [
            'module.etl.aws_glue_crawler.lake["cleansed_crawler"]'
        ]
        assert iceberg_switch.outputs["cleansed_crawler_name"] is None

    def test_the_first_iceberg_run_succeeds_or_names_the_table_and_the_step_to_take(self, iceberg_switch: IcebergSwitch) -> None:
        run = iceberg_switch.first_iceberg_run
        if run.status == "SUCCEEDED":
            return
        assert (run.status, run.error) == ("FAILED", "TablesFailed"), run.cause
        failure = (run.report or {})["tables"]["customers"]
        assert (failure["step"], failure["error"]) == ("RunCleanseJob", "JobFailed")
        assert iceberg_switch.step_taken is not None
        assert iceberg_switch.step_taken in failure["cause"], failure["cause"]

    def test_after_the_step_the_run_succeeds_with_the_iceberg_table_registered(self, iceberg_switch: IcebergSwitch) -> None:
        run = iceberg_switch.iceberg_run or iceberg_switch.first_iceberg_run
        assert run.status == "SUCCEEDED", run.cause
        database = iceberg_switch.outputs["database_name"]
        table = client("glue").get_table(DatabaseName=database, Name="cleansed_customers")["Table"]
        assert table["Parameters"]["table_type"] == "ICEBERG"
        rows = table_rows(database, "cleansed_customers", TEST_REGION)
        assert sorted((row["id"], row["name"]) for row in rows) == [(1, "Ada"), (2, "Grace")]

    def test_the_parquet_runs_objects_are_kept(self, iceberg_switch: IcebergSwitch) -> None:
        assert any("/run_id=parquet-1/" in key and key.endswith(".parquet") for key in iceberg_switch.keys_before_switch)
        assert iceberg_switch.keys_before_switch - iceberg_switch.keys_after_iceberg_run == set()


# ---------------------------------------------------------------- upgrade from the release before #26

# The last release with the names #26 changed (raw_job, failure topic, <p>-cleanse-to-parquet): v0.2.0,
# named by its commit because a CI clone may carry the history without the tags.
UPGRADE_BASE = "d3eb22e38a7b22fb3a80801948f79b284a08a207"
UPGRADE_STACK = {"name_prefix": "etl-upgrade", "crawler_timeout_minutes": 10, "use_existing_bucket": False, "jdbc_source_enabled": False}
# What UPGRADE_BASE's outputs were called: the runs before the upgrade read them under today's names.
OUTPUTS_RENAMED = {"raw_job_name": "extract_job_name", "failure_topic_arn": "notification_topic_arn"}
# Replaced because their AWS name changed (Glue and SNS cannot rename): the cleanse job and the topic.
RENAMED_IN_AWS = {'module.etl.aws_glue_job.this["cleanse_job"]', "module.etl.aws_sns_topic.notifications[0]"}
# Replaced with the topic, whose ARN they are bound to.
REPLACED_WITH_THE_TOPIC = ("module.etl.aws_sns_topic_policy.notifications[", "module.etl.aws_sns_topic_subscription.notification_emails[")
# The scripts' objects are keyed by file name: extract_to_raw.py's object goes, extract_job.py's comes.
SCRIPT_OBJECTS = "module.etl.aws_s3_object.glue_script["
# What the module has gained since UPGRADE_BASE, created by the upgrade (not renamed): the
# dashboard and the alarms a stack without a schedule gets (0.7.0, #30).
ADDED_SINCE_UPGRADE_BASE = {
    "module.etl.aws_cloudwatch_dashboard.pipeline[0]": ["create"],
    **{
        f'module.etl.aws_cloudwatch_metric_alarm.pipeline["{alarm}"]': ["create"]
        for alarm in ("failed_tables", "quarantine_ratio", "run_duration")
    },
}


def module_at(commit: str, destination: Path) -> Path:
    """The module's files as released at `commit`, from this clone's history (`git archive`)."""
    archive = subprocess.run(["git", "-C", str(PROJECT_ROOT), "archive", "--format=tar", commit], capture_output=True, check=False)
    if archive.returncode != 0:
        pytest.fail(
            f"The upgrade test builds the module as released at commit {commit} from git history, and `git archive` failed in "
            f"{PROJECT_ROOT}: {archive.stderr.decode().strip()}. Run it from a clone with the full history (not --depth)."
        )
    destination.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as release:
        release.extractall(destination, filter="data")
    return destination


def run_before_the_upgrade(pipeline: DeployedPipeline, run_id: str) -> str:
    """A planned run of the released layout, whose run report reads the extract job's figures from raw_job.json."""
    s3, reports = client("s3", region=pipeline.region), pipeline.key_of(pipeline.outputs["tables"]["customers"]["reports_path"])
    figures = json.dumps(PLANNED_RUN_FIGURES["extract_job"]).encode()
    s3.put_object(Bucket=pipeline.bucket, Key=f"{reports}run_id={run_id}/raw_job.json", Body=figures)
    return run_to_the_end(pipeline, run_id)


@dataclass
class Upgrade:
    run_before: str
    planned: dict[str, list[str]]
    run_after: str
    keys_before: set[str]
    keys_after: set[str]
    catalog_before: set[str]
    catalog_after: set[str]


@pytest.fixture(scope="class")
def upgrade(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upgrade]:
    """The test root applied with the module as released at UPGRADE_BASE and run; then planned and
    applied with the working tree's module, and run again."""
    emulator.reset()
    work_dir = Path(tmp_path_factory.mktemp("stack-upgrade"))
    released = module_at(UPGRADE_BASE, work_dir / "released-module")
    # Glue 5.0, the only version the release accepts (it refuses null); the upgrade leaves glue_version
    # to the module's default, so the plan shows what a caller on the default gets.
    workspace = applied(TEST_ROOT, work_dir, emulator_endpoint, {**UPGRADE_STACK, "glue_version": "5.0"}, module_dir=released)
    outputs = {OUTPUTS_RENAMED.get(name, name): value for name, value in workspace.outputs()["etl"].items()}
    before = DeployedPipeline(outputs, subscribe_to_notifications(outputs, "etl-upgrade-notifications"))
    run_before = run_before_the_upgrade(before, "before-upgrade")
    keys_before, catalog_before = data_keys(before), catalog_tables(before)

    upgraded = TerraformWorkspace(TEST_ROOT, work_dir, emulator_endpoint=emulator_endpoint)
    upgraded.init()
    planned = upgraded.saved_plan(UPGRADE_STACK, work_dir / "upgrade.tfplan")
    upgraded.apply_plan(work_dir / "upgrade.tfplan")
    after = DeployedPipeline(upgraded.outputs()["etl"], "")
    run_after = run_to_the_end(after, "after-upgrade")
    yield Upgrade(run_before, planned, run_after, keys_before, data_keys(after), catalog_before, catalog_tables(after))
    emulator.reset()


class TestUpgradeFromTheLayoutBefore26:
    """A stack applied and run with the module as released at UPGRADE_BASE, upgraded in place to the working tree's."""

    def test_a_run_before_and_a_run_after_the_upgrade_succeed(self, upgrade: Upgrade) -> None:
        assert (upgrade.run_before, upgrade.run_after) == ("SUCCEEDED", "SUCCEEDED")

    def test_only_what_was_renamed_in_aws_is_replaced(self, upgrade: Upgrade) -> None:
        replaced = {address for address, actions in upgrade.planned.items() if {"create", "delete"} <= set(actions)}
        assert {address: upgrade.planned.get(address) for address in RENAMED_IN_AWS} == {
            address: ["delete", "create"] for address in RENAMED_IN_AWS
        }
        assert [address for address in replaced - RENAMED_IN_AWS if not address.startswith(REPLACED_WITH_THE_TOPIC)] == []

    def test_every_renamed_address_moves_and_the_rest_is_updated_in_place(self, upgrade: Upgrade) -> None:
        """Without its `moved` block, a renamed address would plan a delete of the old and a create of the new;
        only what the module has gained since is created."""
        created_or_deleted = {
            address: actions
            for address, actions in upgrade.planned.items()
            if actions in (["create"], ["delete"]) and not address.startswith(SCRIPT_OBJECTS)
        }
        assert created_or_deleted == ADDED_SINCE_UPGRADE_BASE

    def test_the_jobs_move_to_the_default_glue_version_in_place(self, upgrade: Upgrade) -> None:
        """The extract job keeps its name, and with it its bookmark, on its way from Glue 5.0 to 5.1."""
        assert upgrade.planned['module.etl.aws_glue_job.this["extract_job"]'] == ["update"]
        job = client("glue", region=TEST_REGION).get_job(JobName=f"{UPGRADE_STACK['name_prefix']}-extract-to-raw")["Job"]
        assert job["GlueVersion"] == "5.1"

    def test_the_first_runs_objects_and_catalog_tables_are_kept(self, upgrade: Upgrade) -> None:
        assert any("/run_id=before-upgrade/" in key for key in upgrade.keys_before)
        assert upgrade.keys_before - upgrade.keys_after == set()
        assert upgrade.catalog_before - upgrade.catalog_after == set()
        assert any("/run_id=after-upgrade/" in key for key in upgrade.keys_after)
