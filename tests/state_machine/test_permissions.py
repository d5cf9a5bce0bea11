"""Each role's real policy suffices, and each statement is needed: with one statement removed, the
run fails with AccessDenied naming the action, the resource and the role, ends in the named
failure state and sends the alert (except when the statement removed is the alert's own).

Statements the local stack does not exercise are listed in NOT_EXERCISED_LOCALLY with the reason;
the job roles' statements, which only a job run on local Spark exercises, in EXERCISED_BY_JOB_RUNS."""

from dataclasses import dataclass

import pytest

from local_aws import executions
from local_aws.control import plan_job_runs
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.roles import statement_removed, statements_of_role
from tests.stacks import DeployedPipeline, notifications
from tests.state_machine.pipeline_support import plan_quick_run, put_job_outputs

pytestmark = pytest.mark.terraform

# What a run on the emulator never asks for, so removing it could not fail a run here.
NOT_EXERCISED_LOCALLY = {
    ("state_machine", "DeliverExecutionLogs"): "the emulator delivers no execution logs to CloudWatch Logs",
    ("start_crawler", "WriteOwnLogs"): "Lambda's own log delivery is not emulated",
    ("get_crawler_status", "WriteOwnLogs"): "Lambda's own log delivery is not emulated",
    ("lake_crawler", "WriteCrawlerLogs"): "crawlers' log delivery is not emulated",
    ("extract_job", "WriteJobLogs"): "Glue's delivery of job logs is not emulated",
    ("cleanse_job", "WriteJobLogs"): "Glue's delivery of job logs is not emulated",
    ("extract_job", "PublishJobMetrics"): "Glue's job metrics are not emulated",
    ("cleanse_job", "PublishJobMetrics"): "Glue's job metrics are not emulated",
    ("extract_job", "ListOwnMultipartUploads"): "the executor copies files to S3 in single-part uploads",
    ("cleanse_job", "ListOwnMultipartUploads"): "the executor copies files to S3 in single-part uploads",
    ("report_run", "WriteOwnLogs"): "Lambda's own log delivery is not emulated",
    ("resolve_run", "WriteOwnLogs"): "Lambda's own log delivery is not emulated",
}

# This module's runs are planned (no script runs): each of these statements is removed from its job's
# role in a run of the real scripts on local Spark, in tests/end_to_end/test_pipeline.py.
EXERCISED_BY_JOB_RUNS = {
    "extract_job": {"ListLakeBucket", "ReadScripts", "WriteRawData", "ReadSourceCatalog"},
    "cleanse_job": {"ListLakeBucket", "ReadScripts", "ReadRawData", "WriteCleansedData"},
}


@dataclass(frozen=True)
class Removal:
    role: str
    sid: str
    error: str
    failed_step: str
    action: str


REMOVALS = [
    # A table whose job cannot start fails alone: the run fails naming it.
    Removal("state_machine", "RunPipelineJobs", "TablesFailed", "Tables", "glue:StartJobRun"),
    Removal("state_machine", "InvokePipelineLambdas", "ResolveRunFailed", "ResolveRun", "lambda:InvokeFunction"),
    Removal("start_crawler", "ActOnPipelineCrawlers", "CrawlerRequestFailed", "RawCrawler", "glue:StartCrawler"),
    Removal("get_crawler_status", "ActOnPipelineCrawlers", "CrawlerRequestFailed", "RawCrawler", "glue:GetCrawler"),
    Removal("lake_crawler", "ListLakeBucket", "CrawlerFailed", "RawCrawler", "s3:ListBucket"),
    Removal("lake_crawler", "ReadLakeData", "CrawlerFailed", "RawCrawler", "s3:GetObject"),
    Removal("lake_crawler", "MaintainCatalogTables", "CrawlerFailed", "RawCrawler", "glue:"),
    Removal("report_run", "ReadRunFigures", "ReportFailed", "ReportRun", "s3:GetObject"),
    Removal("report_run", "ReadExecutionHistory", "ReportFailed", "ReportRun", "states:GetExecutionHistory"),
    Removal("report_run", "PublishRunMetrics", "ReportFailed", "ReportRun", "cloudwatch:PutMetricData"),
]


def test_every_statement_of_these_roles_is_exercised_or_said_not_to_be(deployed: DeployedPipeline) -> None:
    roles = (
        "state_machine",
        "resolve_run",
        "start_crawler",
        "get_crawler_status",
        "report_run",
        "lake_crawler",
        "extract_job",
        "cleanse_job",
    )
    assert set(deployed.outputs["role_arns"]) == set(roles), "a role of the module is missing from this list"
    for role in roles:
        name = deployed.role_name(role)
        sids = {statement.get("Sid") for statement in statements_of_role(name)}
        covered = {removal.sid for removal in REMOVALS if removal.role == role} | {
            sid for (owner, sid) in NOT_EXERCISED_LOCALLY if owner == role
        }
        covered |= {"NotifyFailures"} if role == "state_machine" else set()
        covered |= {"ReadJobRuns", "FindRunFigures", "ReadLakeCrawls"} if role == "report_run" else set()
        covered |= EXERCISED_BY_JOB_RUNS.get(role, set())
        assert sids == covered, f"{role}: statements without a removal test: {sorted(sids - covered)}"


@pytest.mark.parametrize("removal", REMOVALS, ids=lambda removal: f"{removal.role}-{removal.sid}")
def test_a_run_without_the_statement_fails_naming_action_and_role(deployed: DeployedPipeline, removal: Removal) -> None:
    plan_quick_run(deployed)
    run_id = f"no-{removal.sid.lower()}"
    put_job_outputs(deployed, run_id)
    role = deployed.role_name(removal.role)

    with statement_removed(role, removal.sid):
        record = executions.run(deployed.state_machine_arn, {"run_id": run_id}, f"{removal.role}-{run_id}".replace("_", "-"))

    assert (record.status, record.error) == ("FAILED", removal.error)
    cause = record.cause or ""
    assert cause.startswith(f"{removal.failed_step} failed: ")
    assert f"not authorized to perform: {removal.action}" in cause
    assert f"assumed-role/{role}/" in cause
    assert record.states_entered[-2:] == ["NotifyFailure", "PipelineFailed"]
    (notification,) = notifications(deployed)
    assert notification["MessageAttributes"]["error"]["Value"] == removal.error


def test_without_the_publish_statement_the_run_still_fails_with_its_own_error_and_no_alert_is_sent(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    plan_job_runs(outputs["extract_job_name"], [JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused")])
    role = deployed.role_name("state_machine")

    with statement_removed(role, "NotifyFailures"):
        record = executions.run(deployed.state_machine_arn, {"run_id": "no-publish"}, "state-machine-no-publish")

    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    (publish_failure,) = [event["taskFailedEventDetails"] for event in record.events if event["type"] == "TaskFailed"][-1:]
    assert publish_failure["error"] == "SNS.AuthorizationErrorException"
    assert f"not authorized to perform: sns:Publish on resource: {outputs['notification_topic_arn']}" in publish_failure["cause"]
    assert notifications(deployed) == []


def test_a_failed_tables_error_message_is_read_from_its_job_run_with_read_job_runs(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    plan_job_runs(outputs["extract_job_name"], [JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused")])
    role = deployed.role_name("report_run")

    with statement_removed(role, "ReadJobRuns"):
        record = executions.run(deployed.state_machine_arn, {"run_id": "no-job-runs"}, "report-run-no-job-runs")

    assert (record.status, record.error) == ("FAILED", "ReportFailed")
    assert f"assumed-role/{role}/" in (record.cause or "") and "not authorized to perform: glue:GetJobRun" in (record.cause or "")
    (notification,) = notifications(deployed)
    assert notification["MessageAttributes"]["error"]["Value"] == "ReportFailed"


def test_without_read_lake_crawls_the_run_succeeds_and_its_cost_names_the_crawls_it_could_not_price(deployed: DeployedPipeline) -> None:
    plan_quick_run(deployed)
    put_job_outputs(deployed, "no-crawls")

    with statement_removed(deployed.role_name("report_run"), "ReadLakeCrawls"):
        record = executions.run(deployed.state_machine_arn, {"run_id": "no-crawls"}, "report-run-no-crawls")

    assert record.status == "SUCCEEDED", record.cause
    crawler = deployed.outputs["raw_crawler_name"]
    assert f"crawls of {crawler}: ListCrawls of {crawler} failed: AccessDeniedException" in record.output["cost"]["not_included"]


def test_figures_a_job_did_not_write_are_reported_as_not_written_with_find_run_figures(deployed: DeployedPipeline) -> None:
    plan_quick_run(deployed)

    record = executions.run(deployed.state_machine_arn, {"run_id": "no-figures"}, "report-run-no-figures")
    assert (record.status, record.error) == ("FAILED", "ReportFailed")
    assert "The extract job wrote no figures for this run" in (record.cause or "")
    notifications(deployed)

    plan_quick_run(deployed)
    with statement_removed(deployed.role_name("report_run"), "FindRunFigures"):
        record = executions.run(deployed.state_machine_arn, {"run_id": "no-figures-no-list"}, "report-run-no-list")
    # Without s3:ListBucket, S3 answers a missing key with 403, as on AWS.
    assert (record.status, record.error) == ("FAILED", "ReportFailed")
    assert "not authorized to perform: s3:ListBucket" in (record.cause or "")
