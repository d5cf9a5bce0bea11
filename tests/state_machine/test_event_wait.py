"""crawler_wait = "event": each crawl is one task waiting for its token, which the crawl's end event
returns through the deployed EventBridge rule, crawl_finished Lambda and DynamoDB table. No status
check is made unless the wait times out."""

import json
import time
from typing import Any

import pytest

from local_aws import executions
from local_aws.clients import client
from local_aws.control import plan_crawls, set_time_scale
from local_aws.emulator.glue.crawlers import CrawlPlan
from tests.roles import statement_removed, statements_of_role
from tests.stacks import DeployedPipeline, notifications
from tests.state_machine.pipeline_support import plan_failed_crawl, plan_quick_run, put_job_outputs
from tests.state_sequences import CLEANSED, EXTRACTED, REPORTED, START, event_crawl

pytestmark = pytest.mark.terraform

STACK = {"name_prefix": "etl-ev", "crawler_wait": "event"}
# crawler_timeout_minutes = 10 (tests/stacks.py's BASE_STACK): each crawl may take 600 s before the wait ends.
HEARTBEAT_SECONDS = 600


def waits_left(deployed: DeployedPipeline) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client("dynamodb").scan(TableName="etl-ev-crawl-waits")["Items"]
    return items


def test_a_run_waits_for_each_crawls_end_event_without_a_status_check(deployed: DeployedPipeline) -> None:
    plan_quick_run(deployed)
    put_job_outputs(deployed, "evented")

    record = executions.run(deployed.state_machine_arn, {"run_id": "evented"}, "evented")

    assert record.status == "SUCCEEDED", record.cause
    assert record.states_entered == [*START, *EXTRACTED, *event_crawl("Raw"), *CLEANSED, *event_crawl("Cleansed"), *REPORTED]
    raw_crawl = record.exited_outputs("AwaitRawCrawl")[0]["raw_crawler"]
    assert raw_crawl == {
        "crawler_name": deployed.outputs["raw_crawler_name"],
        "state": "READY",
        "last_crawl_status": "SUCCEEDED",
        "last_crawl_error": None,
    }
    assert waits_left(deployed) == []
    assert notifications(deployed) == []


def test_a_failed_crawl_fails_the_run_with_the_crawlers_error_as_polling_does(deployed: DeployedPipeline) -> None:
    message = "Insufficient Lake Formation permission(s) on raw_customers"
    crawler = plan_failed_crawl(deployed, message)

    record = executions.run(deployed.state_machine_arn, {"run_id": "crawl-fails"}, "event-crawl-fails")

    assert (record.status, record.error) == ("FAILED", "CrawlerFailed")
    assert record.cause == f"RawCrawler failed: Crawler {crawler} ended its last crawl FAILED: {message}"
    failed = ["RecordRawCrawlReportedFailure", "NotifyFailure", "PipelineFailed"]
    assert record.states_entered == [*START, *EXTRACTED, *event_crawl("Raw"), *failed]
    (notification,) = notifications(deployed)
    assert notification["MessageAttributes"]["step"]["Value"] == "RawCrawler"
    assert message in notification["Message"]


def test_a_crawl_that_never_ends_fails_the_run_once_the_wait_times_out(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    crawler = outputs["raw_crawler_name"]
    plan_crawls(crawler, [CrawlPlan(running_seconds=10 * HEARTBEAT_SECONDS)])

    record = executions.run(deployed.state_machine_arn, {"run_id": "crawl-hangs"}, "event-crawl-hangs")

    assert (record.status, record.error) == ("FAILED", "CrawlerTimeout")
    assert record.cause == (
        f"RawCrawler failed: Crawler {crawler} was still RUNNING after {HEARTBEAT_SECONDS} seconds without a crawl ending; "
        "raise crawler_timeout_minutes if its crawls take longer"
    )
    assert record.states_entered == [
        *START,
        *EXTRACTED,
        "AwaitRawCrawl",
        "CheckRawCrawlAfterWait",
        "IsRawCrawlDoneAfterWait",
        "RecordRawCrawlWaitTimeout",
        "NotifyFailure",
        "PipelineFailed",
    ]
    assert len(notifications(deployed)) == 1


def test_a_crawl_already_running_is_waited_for_then_the_run_starts_its_own(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    crawler = outputs["raw_crawler_name"]
    glue = client("glue")
    plan_crawls(crawler, [CrawlPlan(running_seconds=400, stopping_seconds=1), CrawlPlan(running_seconds=45, stopping_seconds=10)])
    glue.start_crawler(Name=crawler)
    put_job_outputs(deployed, "overlap")

    record = executions.run(deployed.state_machine_arn, {"run_id": "overlap"}, "event-crawler-already-running")

    assert record.status == "SUCCEEDED", record.cause
    assert record.states_entered == [*START, *EXTRACTED, "AwaitRawCrawl", *CLEANSED, "AwaitCleansedCrawl", *REPORTED]
    own_crawl = glue.get_crawler(Name=crawler)["Crawler"]["LastCrawl"]
    extract_job_run = glue.get_job_runs(JobName=outputs["extract_job_name"])["JobRuns"][-1]
    assert own_crawl["Status"] == "SUCCEEDED"
    # The earlier crawl, started before the extract job, ran 400 s; the extract job took about 65 s of them.
    assert (own_crawl["StartTime"] - extract_job_run["StartedOn"]).total_seconds() >= 300, "its own crawl began after the earlier one ended"


# ---------------------------------------------------------------- the event mode's permissions


EXERCISED = {
    "start_crawler": {"ActOnPipelineCrawlers", "KeepCrawlWaits"},
    "get_crawler_status": {"ActOnPipelineCrawlers", "KeepCrawlWaits"},
    "crawl_finished": {"ActOnPipelineCrawlers", "KeepCrawlWaits", "EndCrawlWaits", "ConfirmCrawlEnds"},
}
# Lambda's own log delivery is not emulated.
NOT_EXERCISED_LOCALLY = {"WriteOwnLogs"}


def test_every_statement_of_the_crawl_wait_lambdas_is_exercised_or_said_not_to_be(deployed: DeployedPipeline) -> None:
    for role, exercised in EXERCISED.items():
        name = deployed.role_name(role)
        sids = {statement.get("Sid") for statement in statements_of_role(name)}
        assert sids == exercised | NOT_EXERCISED_LOCALLY, role


def test_without_recording_its_wait_the_run_fails_naming_the_table_action(deployed: DeployedPipeline) -> None:
    plan_quick_run(deployed)
    role = deployed.role_name("start_crawler")

    with statement_removed(role, "KeepCrawlWaits"):
        record = executions.run(deployed.state_machine_arn, {"run_id": "no-wait-record"}, "event-no-wait-record")

    assert (record.status, record.error) == ("FAILED", "CrawlerRequestFailed")
    assert "not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:" in (record.cause or "")
    assert f"assumed-role/{role}/" in (record.cause or "")
    assert len(notifications(deployed)) == 1


@pytest.mark.parametrize("sid", ["EndCrawlWaits", "KeepCrawlWaits", "ConfirmCrawlEnds"])
def test_a_crawl_end_left_unanswered_costs_a_wait_not_the_run(deployed: DeployedPipeline, sid: str) -> None:
    plan_quick_run(deployed)
    put_job_outputs(deployed, f"unanswered-{sid.lower()}")

    with statement_removed(deployed.role_name("crawl_finished"), sid):
        record = executions.run(deployed.state_machine_arn, {"run_id": f"unanswered-{sid.lower()}"}, f"event-unanswered-{sid.lower()}")

    assert record.status == "SUCCEEDED", record.cause
    after_wait = ["CheckRawCrawlAfterWait", "IsRawCrawlDoneAfterWait"]
    assert record.states_entered[len(START) + len(EXTRACTED) :][:3] == ["AwaitRawCrawl", *after_wait]
    assert waits_left(deployed) == []


@pytest.mark.parametrize(("sid", "action"), [("ActOnPipelineCrawlers", "glue:GetCrawler"), ("KeepCrawlWaits", "dynamodb:DeleteItem")])
def test_the_status_check_after_an_unanswered_wait_fails_naming_its_action(deployed: DeployedPipeline, sid: str, action: str) -> None:
    plan_quick_run(deployed)
    role = deployed.role_name("get_crawler_status")

    with statement_removed(deployed.role_name("crawl_finished"), "EndCrawlWaits"), statement_removed(role, sid):
        record = executions.run(deployed.state_machine_arn, {"run_id": "no-check"}, f"event-no-check-{sid.lower()}")

    assert (record.status, record.error) == ("FAILED", "CrawlerRequestFailed")
    assert f"not authorized to perform: {action}" in (record.cause or "")
    assert f"assumed-role/{role}/" in (record.cause or "")


def test_an_earlier_crawls_end_that_cannot_start_the_runs_own_is_made_up_for_after_the_wait(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    crawler = outputs["raw_crawler_name"]
    plan_crawls(crawler, [CrawlPlan(running_seconds=300, stopping_seconds=1), CrawlPlan(running_seconds=45, stopping_seconds=10)])
    client("glue").start_crawler(Name=crawler)
    put_job_outputs(deployed, "restarted")

    with statement_removed(deployed.role_name("crawl_finished"), "ActOnPipelineCrawlers"):
        record = executions.run(deployed.state_machine_arn, {"run_id": "restarted"}, "event-own-crawl-restarted")

    assert record.status == "SUCCEEDED", record.cause
    raw_states = record.states_entered[len(START) + len(EXTRACTED) :][:4]
    assert raw_states == ["AwaitRawCrawl", "CheckRawCrawlAfterWait", "IsRawCrawlDoneAfterWait", "AwaitRawCrawl"]


# ---------------------------------------------------------------- forged crawl ends

# Real seconds a wait's emulated second takes here: the 595 s crawl lasts 30 real seconds, longer
# than the forged invocation made while it runs even on 2 busy cores (at 12 s a loaded machine saw
# the crawl end first, and crawl_finished rightly confirmed the real end).
FORGING_TIME_SCALE = 0.05
LONG_CRAWL = {"running_seconds": 590, "stopping_seconds": 5}


def wait_recorded(crawler: str, timeout_seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        items: list[dict[str, Any]] = client("dynamodb").scan(TableName="etl-ev-crawl-waits")["Items"]
        recorded = [item for item in items if item["crawler_name"]["S"] == crawler]
        if recorded:
            return recorded[0]
        time.sleep(0.05)
    raise AssertionError(f"no wait on {crawler} was recorded within {timeout_seconds} s")


def forged_crawl_end(deployed: DeployedPipeline, crawler: str, state: str) -> dict[str, Any]:
    """A well-formed "Glue Crawler State Change" of this pipeline's account, region and crawler."""
    account = deployed.outputs["lambda_function_arns"]["crawl_finished"].split(":")[4]
    detail = {"crawlerName": crawler, "state": state, "message": f"Crawler {state}", "accountId": account}
    detail |= {"errorMessage": "Forged: the crawl failed"} if state == "Failed" else {"completionDate": "2026-12-06T00:00:00Z"}
    return {
        "version": "0",
        "id": "f7965b59-470f-2e06-bb89-a8cebaabefac",
        "detail-type": "Glue Crawler State Change",
        "source": "aws.glue",
        "account": account,
        "time": "2026-12-06T00:00:00Z",
        "region": deployed.region,
        "resources": [],
        "detail": detail,
    }


@pytest.mark.parametrize("claimed", ["Succeeded", "Failed"], ids=["succeeded-while-it-fails", "failed-while-it-succeeds"])
def test_a_forged_crawl_end_invoking_crawl_finished_directly_changes_nothing(deployed: DeployedPipeline, claimed: str) -> None:
    outputs = deployed.outputs
    plan_quick_run(deployed)
    crawler, message = outputs["raw_crawler_name"], "Insufficient Lake Formation permission(s) on raw_customers"
    real = CrawlPlan(**LONG_CRAWL, outcome="FAILED", error_message=message) if claimed == "Succeeded" else CrawlPlan(**LONG_CRAWL)
    plan_crawls(crawler, [real])
    put_job_outputs(deployed, f"forged-{claimed.lower()}")
    set_time_scale(FORGING_TIME_SCALE)
    execution_arn = executions.start(deployed.state_machine_arn, {"run_id": f"forged-{claimed.lower()}"}, f"event-forged-{claimed.lower()}")
    wait = wait_recorded(crawler)

    invoked = client("lambda", region=deployed.region).invoke(
        FunctionName=outputs["lambda_function_names"]["crawl_finished"], Payload=json.dumps(forged_crawl_end(deployed, crawler, claimed))
    )

    answer = json.loads(invoked["Payload"].read())
    assert "FunctionError" not in invoked, answer
    assert (answer["ended"], answer["own_crawl_started"]) == (0, 0)
    assert f"Glue says crawler {crawler} is RUNNING" in answer["ignored"]
    assert waits_left(deployed) == [wait], "the wait stays recorded, its token unanswered"
    for _ in executions.follow(execution_arn, timeout_seconds=120):
        pass
    record = executions.result(execution_arn)
    if claimed == "Succeeded":
        assert (record.status, record.error) == ("FAILED", "CrawlerFailed")
        assert record.cause == f"RawCrawler failed: Crawler {crawler} ended its last crawl FAILED: {message}"
        assert record.states_entered == [
            *START,
            *EXTRACTED,
            "AwaitRawCrawl",
            "RecordRawCrawlReportedFailure",
            "NotifyFailure",
            "PipelineFailed",
        ]
        assert len(notifications(deployed)) == 1
    else:
        assert record.status == "SUCCEEDED", record.cause
        assert record.states_entered == [*START, *EXTRACTED, "AwaitRawCrawl", *CLEANSED, "AwaitCleansedCrawl", *REPORTED]
        assert record.exited_outputs("AwaitRawCrawl")[0]["raw_crawler"]["last_crawl_status"] == "SUCCEEDED"
        assert notifications(deployed) == []
    assert waits_left(deployed) == []
