"""crawler_wait = "event" as the Lambdas see it: start_crawler records the waiting task, crawl_finished
acts on Glue's crawl-end event, once it is this pipeline's and Glue confirms it. The waits' real tokens
and their answers: tests/state_machine/test_event_wait.py."""

import json
import time
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import advance_time, plan_crawls, take_call_counts
from local_aws.emulator.glue.crawlers import CrawlPlan
from tests.roles import CRAWLER_CATALOG_ACTIONS, catalog_statement, create_service_role
from tests.session import TEST_REGION

CRAWLER = "raw-customers-crawler"
ACCOUNT = "123456789012"
TABLE = "etl-crawl-waits"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:etl-pipeline:run-1"
# The documented sample's shape (https://docs.aws.amazon.com/AmazonCloudWatch/latest/events/EventTypes.html#glue-event-types).
SUCCEEDED_EVENT = {
    "version": "0",
    "id": "3d675db5-59b9-6388-b8e8-e0a9b6d567a9",
    "detail-type": "Glue Crawler State Change",
    "source": "aws.glue",
    "account": ACCOUNT,
    "time": "2026-11-26T01:25:00Z",
    "region": TEST_REGION,
    "resources": [],
    "detail": {
        "tablesCreated": "1",
        "warningMessage": "N/A",
        "message": "Crawler Succeeded",
        "accountId": "123456789012",
        "runningTime (sec)": "7",
        "crawlerName": CRAWLER,
        "completionDate": "2026-11-26T01:25:00Z",
        "state": "Succeeded",
    },
}


@pytest.fixture
def waits(clean_emulator: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "lake"})
    client("s3").create_bucket(Bucket="lambda-test-lake")
    # A role the crawls can work under, so that they end as planned (crawl_finished checks how).
    read_lake = {
        "Action": ["s3:ListBucket", "s3:GetObject"],
        "Resource": ["arn:aws:s3:::lambda-test-lake", "arn:aws:s3:::lambda-test-lake/*"],
    }
    glue.create_crawler(
        Name=CRAWLER,
        Role=create_service_role("crawler", "glue.amazonaws.com", [read_lake, catalog_statement(CRAWLER_CATALOG_ACTIONS, "lake")]),
        DatabaseName="lake",
        Targets={"S3Targets": [{"Path": "s3://lambda-test-lake/raw/customers/"}]},
    )
    dynamodb = client("dynamodb")
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in (("crawler_name", "HASH"), ("execution_arn", "RANGE"))],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key in ("crawler_name", "execution_arn")],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("CRAWL_WAITS_TABLE", TABLE)
    monkeypatch.setenv("CRAWL_EVENTS_ACCOUNT", ACCOUNT)
    monkeypatch.setenv("CRAWL_EVENTS_REGION", TEST_REGION)
    monkeypatch.setenv("PIPELINE_CRAWLERS", json.dumps(["cleansed-customers-crawler", CRAWLER]))
    return dynamodb


def stored_waits(dynamodb: Any) -> list[dict[str, str]]:
    items = dynamodb.scan(TableName=TABLE)["Items"]
    return [{key: next(iter(value.values())) for key, value in item.items()} for item in items]


def wait_request(token: str = "token-1") -> dict[str, Any]:
    return {"crawler_name": CRAWLER, "task_token": token, "execution_arn": EXECUTION, "wait_seconds": 1200}


def test_a_started_crawl_is_recorded_as_the_tasks_own_until_the_task_times_out(waits: Any) -> None:
    from start_crawler import lambda_handler

    assert lambda_handler(wait_request(), None) == {"crawler_name": CRAWLER, "action": "started"}

    (wait,) = stored_waits(waits)
    assert {key: wait[key] for key in ("crawler_name", "execution_arn", "task_token", "crawl")} == {
        "crawler_name": CRAWLER,
        "execution_arn": EXECUTION,
        "task_token": "token-1",
        "crawl": "own",
    }
    assert abs(int(wait["expires_at"]) - (time.time() + 1200)) < 60


def test_a_crawl_already_running_is_recorded_as_an_earlier_one(waits: Any) -> None:
    from start_crawler import lambda_handler

    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=600)])
    client("glue").start_crawler(Name=CRAWLER)

    assert lambda_handler(wait_request(), None)["action"] == "already_running"
    assert [wait["crawl"] for wait in stored_waits(waits)] == ["earlier"]


def test_a_wait_request_without_its_execution_is_refused_by_name(waits: Any) -> None:
    from start_crawler import IncompleteWaitRequest, lambda_handler

    with pytest.raises(IncompleteWaitRequest, match=r"\['execution_arn'\]"):
        lambda_handler({"crawler_name": CRAWLER, "task_token": "token-1", "wait_seconds": 60}, None)


def test_the_end_of_an_earlier_crawl_starts_the_waiting_runs_own(waits: Any) -> None:
    from crawl_finished import lambda_handler
    from start_crawler import lambda_handler as start

    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=600)])
    client("glue").start_crawler(Name=CRAWLER)
    start(wait_request(), None)
    advance_time(700)

    assert lambda_handler(SUCCEEDED_EVENT, None) == {"crawler_name": CRAWLER, "ended": 0, "own_crawl_started": 1}
    assert [wait["crawl"] for wait in stored_waits(waits)] == ["own"]
    assert client("glue").get_crawler(Name=CRAWLER)["Crawler"]["State"] == "RUNNING"


def test_a_wait_whose_task_is_gone_is_dropped_without_failing(waits: Any) -> None:
    from crawl_finished import lambda_handler
    from start_crawler import lambda_handler as start

    start(wait_request("no-such-token"), None)
    advance_time(10)

    assert lambda_handler(SUCCEEDED_EVENT, None) == {"crawler_name": CRAWLER, "ended": 1, "own_crawl_started": 0}
    assert stored_waits(waits) == []


def test_expired_waits_are_not_answered(waits: Any) -> None:
    from crawl_finished import lambda_handler
    from start_crawler import lambda_handler as start

    start({**wait_request(), "wait_seconds": -1}, None)
    advance_time(10)

    assert lambda_handler(SUCCEEDED_EVENT, None)["ended"] == 0


# ---------------------------------------------------------------- what crawl_finished does not believe

# Any call that would end, restart or change a wait.
ACTING_CALLS = ("states:", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "glue:StartCrawler")


def calls_made(handler: Any, event: Any) -> tuple[dict[str, Any], set[str]]:
    """What the handler answered to `event`, and the calls to waits, Step Functions and Glue it made."""
    take_call_counts()
    answer = handler(event, None)
    made = {call for call in take_call_counts() if call.startswith(ACTING_CALLS) or call == "glue:GetCrawler"}
    return answer, made


def with_detail(**detail: str) -> dict[str, Any]:
    return {**SUCCEEDED_EVENT, "detail": {**SUCCEEDED_EVENT["detail"], **detail}}


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({**SUCCEEDED_EVENT, "account": "210987654321"}, "its account is '210987654321', not '123456789012'"),
        ({**SUCCEEDED_EVENT, "region": "eu-west-1"}, f"its region is 'eu-west-1', not '{TEST_REGION}'"),
        (
            with_detail(crawlerName="other-pipeline-raw-crawler"),
            "its detail.crawlerName 'other-pipeline-raw-crawler' is none of this pipeline's",
        ),
        ({**SUCCEEDED_EVENT, "source": "pipeline.forged"}, "its source is 'pipeline.forged', not 'aws.glue'"),
        ({**SUCCEEDED_EVENT, "detail-type": "Glue Job State Change"}, "its detail-type is 'Glue Job State Change', not"),
        (with_detail(state="Started"), "its detail.state 'Started' is not a crawl's end"),
        ({"crawler_name": CRAWLER}, "its source is None"),
        ([SUCCEEDED_EVENT], "the payload is list, not an EventBridge event"),
    ],
    ids=[
        "foreign-account",
        "foreign-region",
        "other-crawler",
        "other-source",
        "other-detail-type",
        "started",
        "not-an-event",
        "not-an-object",
    ],
)
def test_an_event_not_from_this_pipelines_crawls_is_ignored_with_nothing_asked_or_changed(waits: Any, event: Any, reason: str) -> None:
    from crawl_finished import lambda_handler
    from start_crawler import lambda_handler as start

    start(wait_request(), None)
    advance_time(10)
    recorded = stored_waits(waits)

    answer, made = calls_made(lambda_handler, json.loads(json.dumps(event)))

    assert answer["ignored"].startswith(reason)
    assert (answer["ended"], answer["own_crawl_started"], made) == (0, 0, set())
    assert stored_waits(waits) == recorded
    assert lambda_handler(SUCCEEDED_EVENT, None)["ended"] == 1, "the genuine event still ends the wait"


@pytest.mark.parametrize(
    ("plan", "claimed", "reason"),
    [
        (CrawlPlan(running_seconds=600), "Succeeded", f"Glue says crawler {CRAWLER} is RUNNING, its crawl not ended"),
        (CrawlPlan(running_seconds=5, stopping_seconds=600), "Succeeded", f"Glue says crawler {CRAWLER} is STOPPING"),
        (CrawlPlan(running_seconds=5), "Failed", "ended SUCCEEDED, not FAILED"),
        (CrawlPlan(running_seconds=5, outcome="FAILED", error_message="Internal Service Exception"), "Succeeded", "ended FAILED, not"),
        (CrawlPlan(running_seconds=5, outcome="CANCELLED"), "Succeeded", "ended CANCELLED, not SUCCEEDED"),
    ],
    ids=["succeeded-while-running", "succeeded-while-stopping", "failed-after-success", "succeeded-after-failure", "after-cancel"],
)
def test_a_crawl_end_glue_does_not_confirm_is_ignored_and_every_wait_kept(waits: Any, plan: CrawlPlan, claimed: str, reason: str) -> None:
    from crawl_finished import lambda_handler
    from start_crawler import lambda_handler as start

    plan_crawls(CRAWLER, [plan])
    start(wait_request(), None)
    advance_time(10)
    recorded = stored_waits(waits)

    answer, made = calls_made(lambda_handler, with_detail(state=claimed, errorMessage="forged"))

    assert reason in answer["ignored"]
    assert (answer["crawler_name"], answer["ended"], answer["own_crawl_started"]) == (CRAWLER, 0, 0)
    assert made == {"glue:GetCrawler"}
    assert stored_waits(waits) == recorded


def test_a_confirmed_failure_is_reported_with_glues_error_message_not_the_events(waits: Any) -> None:
    from crawl_finished import claimed_crawl_end, confirmed_outcome, pipeline_from_environment

    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=5, outcome="FAILED", error_message="Internal Service Exception")])
    client("glue").start_crawler(Name=CRAWLER)
    advance_time(10)

    crawler_name, claimed = claimed_crawl_end(with_detail(state="Failed", errorMessage="forged <text>"), pipeline_from_environment())

    assert confirmed_outcome(crawler_name, claimed) == {
        "crawler_name": CRAWLER,
        "last_crawl_status": "FAILED",
        "last_crawl_error": "Internal Service Exception",
    }


@pytest.mark.parametrize("already_running", [False, True], ids=["own", "earlier"])
def test_the_status_check_after_a_timed_out_wait_ends_it_and_says_which_crawl_it_awaited(waits: Any, already_running: bool) -> None:
    from get_crawler_status import lambda_handler
    from start_crawler import lambda_handler as start

    if already_running:
        plan_crawls(CRAWLER, [CrawlPlan(running_seconds=600)])
        client("glue").start_crawler(Name=CRAWLER)
    start(wait_request(), None)

    status = lambda_handler({"crawler_name": CRAWLER, "execution_arn": EXECUTION}, None)

    assert (status["state"], status["awaited_crawl"]) == ("RUNNING", "earlier" if already_running else "own")
    assert stored_waits(waits) == []
    assert lambda_handler({"crawler_name": CRAWLER, "execution_arn": EXECUTION}, None)["awaited_crawl"] is None
