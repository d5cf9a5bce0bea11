"""The module at its own validation maximums — 50 tables of 55-character names (47 in a Glue
workflow), a 32-character name_prefix, a customer-managed key; with Iceberg, every table's deletes
and bookmark settings set, so that each carries its largest job arguments — in each way of running: it applies
under AWS's quotas (which the local stack enforces), runs every table to success, and, with every
table failing with a multi-KB error message, fails as TablesFailed with one alert naming them (a
workflow: one alert a failed job), every state within Step Functions' 256 KiB; with
catalog_updates = "jobs" too (no lake crawler, each job's catalog statement and argument). One class per stack
(its STACK, deployed by tests/state_machine/conftest.py; make test's --dist loadscope builds each once)."""

import json
from typing import Any, ClassVar

import pytest

from local_aws import executions
from local_aws.clients import client
from local_aws.control import plan_crawls, plan_job_runs
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.stacks import DeployedPipeline, notifications
from tests.state_machine.pipeline_support import PLANNED_RUN_FIGURES, QUICK_CRAWL, run_workflow_to_the_end

pytestmark = pytest.mark.terraform

TABLES = {f"t{index:02d}_{'x' * 51}": {"key_columns": ["id"]} for index in range(50)}
# Every table with the job arguments of its deletes and bookmark settings (local.tables), each
# naming 55-character columns: mirror deletes with a deleted flag, or (mirror needs the whole
# extract) bookmarks on two keys with a deleted flag.
LONG_COLUMN, OTHER_LONG_COLUMN, FLAG_COLUMN = "u" * 55, "v" * 55, "d" * 55
TABLES_WITH_DELETES_AND_BOOKMARK_KEYS = {
    name: {
        **table,
        "column_types": {FLAG_COLUMN: "timestamp"},
        "deleted_flag_column": FLAG_COLUMN,
        **(
            {"deletes": "mirror"}
            if index % 2
            else {"job_bookmarks": True, "bookmark_keys": [LONG_COLUMN, OTHER_LONG_COLUMN], "bookmark_keys_sort_order": "desc"}
        ),
    }
    for index, (name, table) in enumerate(TABLES.items())
}
# Step Functions' limit on each state's input and output, and on the execution input
# (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
STATE_BYTES = 256 * 1024
FAILED_EXTRACT = JobRunPlan(
    starting_seconds=5,
    running_seconds=30,
    outcome="FAILED",
    # A realistic driver error: multi-KB, quoted, over several lines.
    error_message='An error occurred while calling o112.load: "Connection refused"\n' + "\tat org.postgresql.Driver.connect(...)\n" * 60,
)
QUICK_JOB = JobRunPlan(starting_seconds=5, running_seconds=30)


def limit_stack(name_prefix: str, tables: dict[str, Any] = TABLES, **changes: Any) -> dict[str, Any]:
    """The test root at its maximums: a 32-character name_prefix, `tables` of 55-character names, a customer-managed key."""
    assert len(name_prefix) == 32 and all(len(name) == 55 for name in tables)
    return {"name_prefix": name_prefix, "tables": tables, "customer_managed_key": True, "max_concurrency": 10, **changes}


def put_every_tables_figures(deployed: DeployedPipeline, run_id: str) -> None:
    s3 = client("s3")
    for table in deployed.outputs["tables"].values():
        for job, figures in PLANNED_RUN_FIGURES.items():
            key = f"{deployed.key_of(table['reports_path'])}run_id={run_id}/{job}.json"
            s3.put_object(Bucket=deployed.bucket, Key=key, Body=json.dumps(figures).encode())


def largest_state_bytes(record: executions.ExecutionRecord) -> int:
    """The largest input or output of any state of the execution, in bytes."""
    sizes = [
        len(details[field].encode())
        for event in record.events
        for details in (event.get("stateEnteredEventDetails"), event.get("stateExitedEventDetails"))
        if details
        for field in ("input", "output")
        if field in details
    ]
    return max(sizes)


def inline_policy_characters(role_name: str) -> int:
    """The size IAM counts a role's inline policies at: every policy's characters but whitespace."""
    iam = client("iam")
    documents = [
        json.dumps(iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"])
        for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    ]
    return sum(len("".join(document.split())) for document in documents)


def assert_every_role_fits(deployed: DeployedPipeline) -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    sizes = {role: inline_policy_characters(deployed.role_name(role)) for role in deployed.outputs["role_arns"]}
    # No lake crawler with catalog_updates = "jobs": the jobs' roles catalog their tables.
    crawls = deployed.outputs["catalog_updates"] == "crawlers"
    assert {"extract_job", "cleanse_job", *(["lake_crawler"] if crawls else [])} <= sizes.keys(), sizes
    assert max(sizes.values()) <= 10240, sizes


class StepFunctionsAtLimits:
    STACK: ClassVar[dict[str, Any]]

    def run_every_table(self, deployed: DeployedPipeline, run_id: str, extract: JobRunPlan) -> executions.ExecutionRecord:
        outputs = deployed.outputs
        plan_job_runs(outputs["extract_job_name"], [extract] * len(TABLES))
        plan_job_runs(outputs["cleanse_job_name"], [QUICK_JOB] * len(TABLES))
        for crawler in (outputs["raw_crawler_name"], outputs["cleansed_crawler_name"]):
            if crawler:
                plan_crawls(crawler, [QUICK_CRAWL])
        put_every_tables_figures(deployed, run_id)
        return executions.run(deployed.state_machine_arn, {"run_id": run_id}, run_id, timeout_seconds=600)

    def test_every_role_fits_iams_quota(self, deployed: DeployedPipeline) -> None:
        assert_every_role_fits(deployed)

    def test_every_table_runs_to_success(self, deployed: DeployedPipeline) -> None:
        record = self.run_every_table(deployed, "all-succeed", QUICK_JOB)

        assert record.status == "SUCCEEDED", (record.error, (record.cause or "")[:2000])
        assert {name: table["status"] for name, table in (record.report or {})["tables"].items()} == dict.fromkeys(TABLES, "succeeded")
        assert largest_state_bytes(record) <= STATE_BYTES
        outcomes = [alert["MessageAttributes"].get("outcome", {}).get("Value") for alert in notifications(deployed, wait_seconds=2)]
        # With notify_on_success, report_run publishes the report to the topic under the customer key.
        assert outcomes == (["succeeded"] if self.STACK.get("notify_on_success") else [])

    def test_every_table_failing_fails_the_run_with_one_alert_naming_them(self, deployed: DeployedPipeline) -> None:
        record = self.run_every_table(deployed, "all-fail", FAILED_EXTRACT)

        assert (record.status, record.error) == ("FAILED", "TablesFailed")
        assert largest_state_bytes(record) <= STATE_BYTES
        assert (record.cause or "").startswith("Tables failed: 50 of 50 tables failed; ")
        (notification,) = notifications(deployed, wait_seconds=5)
        assert all(f"{name} at RunExtractJob with JobFailed: " in notification["Message"] for name in TABLES)
        assert "Connection refused" in notification["Message"]


class TestPollingAtLimits(StepFunctionsAtLimits):
    STACK: ClassVar[dict[str, Any]] = limit_stack("lim-poll-" + "p" * 23)


class TestEventWaitsAtLimits(StepFunctionsAtLimits):
    STACK: ClassVar[dict[str, Any]] = limit_stack("lim-event-" + "e" * 22, crawler_wait="event", notify_on_success=True)


class TestIcebergDeletesAndBookmarkKeysAtLimits(StepFunctionsAtLimits):
    STACK: ClassVar[dict[str, Any]] = limit_stack(
        "lim-deletes-" + "d" * 20, TABLES_WITH_DELETES_AND_BOOKMARK_KEYS, cleansed_format="iceberg", jdbc_source_enabled=True
    )


class TestJobsCatalogingAtLimits(StepFunctionsAtLimits):
    """catalog_updates = "jobs": each job's run carries --catalog_table and its role the catalog
    statement of its tables, no crawl state runs."""

    STACK: ClassVar[dict[str, Any]] = limit_stack("lim-jobs-" + "j" * 23, catalog_updates="jobs")

    def test_no_run_crawls_and_every_job_run_names_its_catalog_table(self, deployed: DeployedPipeline) -> None:
        record = self.run_every_table(deployed, "jobs-catalog", QUICK_JOB)

        assert record.status == "SUCCEEDED", (record.error, (record.cause or "")[:2000])
        assert [name for name in record.states_entered if "Crawl" in name] == []
        glue, database = client("glue"), deployed.outputs["database_name"]
        for job, prefix in (("extract_job", "raw_"), ("cleanse_job", "cleansed_")):
            pages = glue.get_paginator("get_job_runs").paginate(JobName=deployed.outputs[f"{job}_name"])
            job_runs = [job_run for page in pages for job_run in page["JobRuns"]]
            named = sorted(
                job_run["Arguments"]["--catalog_table"] for job_run in job_runs if job_run["Arguments"].get("--run_id") == "jobs-catalog"
            )
            assert named == sorted(f"{database}.{prefix}{name}" for name in TABLES), job


class TestGlueWorkflowAtLimits:
    """A workflow's own maximum: 47 tables, all at once (Glue supports 100 jobs, crawlers and
    triggers in a workflow; the module's validation counts them)."""

    STACK: ClassVar[dict[str, Any]] = limit_stack(
        "lim-workflow-" + "w" * 19, dict(list(TABLES.items())[:47]), orchestration="glue_workflow", max_concurrency=47
    )

    def plan_every_table(self, deployed: DeployedPipeline, extract: JobRunPlan) -> None:
        for jobs in deployed.outputs["workflow_job_names"].values():
            plan_job_runs(jobs["extract_job"], [extract])
            plan_job_runs(jobs["cleanse_job"], [QUICK_JOB])
        plan_crawls(deployed.outputs["raw_crawler_name"], [QUICK_CRAWL])
        plan_crawls(deployed.outputs["cleansed_crawler_name"], [QUICK_CRAWL])

    def test_every_role_fits_iams_quota(self, deployed: DeployedPipeline) -> None:
        assert_every_role_fits(deployed)

    def test_every_table_runs_to_success(self, deployed: DeployedPipeline) -> None:
        self.plan_every_table(deployed, QUICK_JOB)

        run = run_workflow_to_the_end(deployed, "all-succeed")

        assert (run["Status"], run["Statistics"]["SucceededActions"], run["Statistics"]["FailedActions"]) == ("COMPLETED", 2 * 47 + 2, 0)
        assert notifications(deployed) == []

    def test_every_table_failing_alerts_once_for_each_failed_job(self, deployed: DeployedPipeline) -> None:
        self.plan_every_table(deployed, FAILED_EXTRACT)

        run = run_workflow_to_the_end(deployed, "all-fail")

        assert (run["Status"], run["Statistics"]["FailedActions"]) == ("COMPLETED", 47)
        alerts: list[dict[str, Any]] = []
        while received := notifications(deployed, wait_seconds=5):
            alerts += received
        extract_jobs = {jobs["extract_job"] for jobs in deployed.outputs["workflow_job_names"].values()}
        assert sorted(alert["Message"].split(" at step ")[1].split(" with ")[0] for alert in alerts) == sorted(extract_jobs)
        assert all("Connection refused" in alert["Message"] for alert in alerts)
