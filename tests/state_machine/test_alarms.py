"""The module's CloudWatch alarms on the metrics the runs publish, evaluated by the emulator on its
clock and notified on the pipeline's topic: a failed run sets off failed_tables (in a Glue workflow
a failed job run, and a failed crawl failed_crawls), which clears without a message once the
failure is out of CloudWatch's evaluation range, and a day without a successful run sets off
freshness. The jobs are planned; what the alarms watch is published for
real (the report Lambda, EventBridge). A Glue workflow's freshness needs its cleanse jobs' own
metric: tests/end_to_end/test_glue_workflow_pipeline.py."""

from typing import Any, ClassVar

import pytest

from local_aws import executions
from local_aws.control import advance_time, plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.operator_view import alarm_changes, alarm_state
from tests.stacks import DeployedPipeline, subscribe_to_notifications
from tests.state_machine.pipeline_support import (
    plan_failed_crawl,
    plan_quick_run,
    plan_quick_workflow_run,
    put_job_outputs,
    run_workflow_to_the_end,
)

pytestmark = pytest.mark.terraform

STACK = {"name_prefix": "etl-alarms", "alarms": {"freshness": {"enabled": True}}}
HOUR = 3600


def alarm_queue(deployed: DeployedPipeline, test: str) -> str:
    return subscribe_to_notifications(deployed.outputs, f"{deployed.outputs['alarm_names']['failed_tables'][:40]}-{test}")


def changes(deployed: DeployedPipeline, queue_url: str) -> list[tuple[str, str, str]]:
    """The alarms' state changes the topic got: alarm, old state, new state."""
    return [(change["AlarmName"], change["OldStateValue"], change["NewStateValue"]) for change in alarm_changes(queue_url, deployed.region)]


def clean_run(deployed: DeployedPipeline, run_id: str) -> None:
    plan_quick_run(deployed)
    put_job_outputs(deployed, run_id)
    assert executions.run(deployed.state_machine_arn, {"run_id": run_id}, run_id).status == "SUCCEEDED"


def test_a_run_with_a_failed_table_sets_off_the_failed_tables_alarm_which_clears_quietly(deployed: DeployedPipeline) -> None:
    alarm = deployed.outputs["alarm_names"]["failed_tables"]
    queue_url = alarm_queue(deployed, "failed")
    plan_quick_run(deployed)
    refused = JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused")
    plan_job_runs(deployed.outputs["extract_job_name"], [refused])

    failed = executions.run(deployed.state_machine_arn, {"run_id": "alarm-fails"}, "alarm-fails")

    assert (failed.status, failed.error) == ("FAILED", "TablesFailed")
    (change,) = alarm_changes(queue_url, deployed.region)
    assert (change["AlarmName"], change["NewStateValue"]) == (alarm, "ALARM")
    assert change["AlarmDescription"].startswith("A run of the etl-alarms pipeline failed (ExecutionsFailed of the state machine")
    assert (change["Trigger"]["Namespace"], change["Trigger"]["MetricName"]) == ("AWS/States", "ExecutionsFailed")
    assert "was greater than the threshold (0.0)" in change["NewStateReason"]

    # Out of CloudWatch's evaluation range (a few periods) the failure no longer counts.
    advance_time(HOUR)
    assert alarm_state(alarm, deployed.region) == "OK"
    assert changes(deployed, queue_url) == [], "back to OK notifies only with alarms.notify_ok"


def test_a_failed_crawl_fails_every_table_and_sets_off_the_failed_tables_alarm(deployed: DeployedPipeline) -> None:
    queue_url = alarm_queue(deployed, "crawl")
    plan_failed_crawl(deployed, "Internal Service Exception")

    failed = executions.run(deployed.state_machine_arn, {"run_id": "alarm-crawl-fails"}, "alarm-crawl-fails")

    assert (failed.status, failed.error, failed.report) == ("FAILED", "CrawlerFailed", None), "no report: no FailedTables"
    assert changes(deployed, queue_url) == [(deployed.outputs["alarm_names"]["failed_tables"], "OK", "ALARM")]


def test_a_day_without_a_successful_run_sets_off_the_freshness_alarm(deployed: DeployedPipeline) -> None:
    alarm = deployed.outputs["alarm_names"]["freshness"]
    clean_run(deployed, "fresh")
    assert alarm_state(alarm, deployed.region) == "OK"
    queue_url = alarm_queue(deployed, "fresh")

    advance_time(25 * HOUR)
    assert (alarm_state(alarm, deployed.region), changes(deployed, queue_url)) == ("OK", [])

    # CloudWatch judges the last 26 periods in a longer evaluation range whose length it does not
    # document, and a success still in that range counts (alarm_evaluation.py): by 30 hours it is out.
    advance_time(5 * HOUR)
    (change,) = alarm_changes(queue_url, deployed.region)
    assert (change["AlarmName"], change["OldStateValue"], change["NewStateValue"]) == (alarm, "OK", "ALARM")
    assert change["AlarmDescription"].startswith("No table of the etl-alarms pipeline has succeeded in any run for at least 26 hours")
    assert change["NewStateReason"] == (
        "Threshold Crossed: no datapoints were received for 26 periods and 26 missing datapoints were treated as [Breaching]."
    )


class TestGlueWorkflow:
    STACK: ClassVar[dict[str, Any]] = {
        "name_prefix": "etl-wf-alarms",
        "orchestration": "glue_workflow",
        "tables": {"customers": {"key_columns": ["id"]}, "orders": {"key_columns": ["order_id"]}},
    }

    def test_a_failed_job_run_sets_off_the_failed_tables_alarm_until_quiet_periods_pass(self, deployed: DeployedPipeline) -> None:
        alarm = deployed.outputs["alarm_names"]["failed_tables"]
        queue_url = alarm_queue(deployed, "failed")
        plan_quick_workflow_run(deployed)
        extract_job = deployed.outputs["workflow_job_names"]["orders"]["extract_job"]
        plan_job_runs(extract_job, [JobRunPlan(running_seconds=30, outcome="FAILED", error_message="Connection refused")])

        run = run_workflow_to_the_end(deployed, "wf-alarm-fails")

        assert run["Statistics"]["FailedActions"] == 1
        (change,) = alarm_changes(queue_url, deployed.region)
        assert (change["AlarmName"], change["NewStateValue"]) == (alarm, "ALARM")
        assert change["AlarmDescription"].startswith("A Glue job run of the etl-wf-alarms workflow failed")
        assert change["Trigger"]["Namespace"] == "AWS/Events"

        # Out of CloudWatch's evaluation range (a few periods, test_a_day_without_...) the failure no longer counts.
        advance_time(30 * 60)
        assert alarm_state(alarm, deployed.region) == "OK"

    def test_a_failed_crawl_sets_off_the_failed_crawls_alarm(self, deployed: DeployedPipeline) -> None:
        queue_url = alarm_queue(deployed, "crawl")
        plan_quick_workflow_run(deployed)
        plan_crawls(
            deployed.outputs["raw_crawler_name"],
            [CrawlPlan(running_seconds=30, outcome="FAILED", error_message="Internal Service Exception")],
        )

        run = run_workflow_to_the_end(deployed, "wf-alarm-crawl-fails")

        assert run["Statistics"]["FailedActions"] == 1
        assert changes(deployed, queue_url) == [(deployed.outputs["alarm_names"]["failed_crawls"], "OK", "ALARM")]
