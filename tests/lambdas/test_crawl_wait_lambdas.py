"""crawler_wait = "event" as the Lambdas see it: start_crawler records the waiting task, crawl_finished
acts on Glue's crawl-end event. The waits' real tokens and their answers: tests/state_machine/test_event_wait.py."""

import json
import time
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import advance_time, plan_crawls
from local_aws.emulator.glue.crawlers import CrawlPlan

CRAWLER = "raw-customers-crawler"
TABLE = "etl-crawl-waits"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:etl-pipeline:run-1"
# The documented sample's shape (https://docs.aws.amazon.com/AmazonCloudWatch/latest/events/EventTypes.html#glue-event-types).
SUCCEEDED_EVENT = {
    "version": "0",
    "id": "3d675db5-59b9-6388-b8e8-e0a9b6d567a9",
    "detail-type": "Glue Crawler State Change",
    "source": "aws.glue",
    "account": "123456789012",
    "time": "2026-11-26T01:25:00Z",
    "region": "us-east-1",
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
    glue.create_crawler(
        Name=CRAWLER,
        Role="arn:aws:iam::123456789012:role/crawler",
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

    assert lambda_handler(SUCCEEDED_EVENT, None) == {"crawler_name": CRAWLER, "ended": 1, "own_crawl_started": 0}
    assert stored_waits(waits) == []


def test_expired_waits_are_not_answered(waits: Any) -> None:
    from crawl_finished import lambda_handler
    from start_crawler import lambda_handler as start

    start({**wait_request(), "wait_seconds": -1}, None)

    assert lambda_handler(SUCCEEDED_EVENT, None)["ended"] == 0


@pytest.mark.parametrize(
    "event",
    [
        {**SUCCEEDED_EVENT, "detail": {**SUCCEEDED_EVENT["detail"], "state": "Started"}},
        {**SUCCEEDED_EVENT, "source": "aws.s3"},
        {"crawler_name": CRAWLER},
    ],
    ids=["started", "other-source", "not-an-event"],
)
def test_anything_but_a_crawls_end_is_refused_naming_the_rule(waits: Any, event: dict[str, Any]) -> None:
    from crawl_finished import NotACrawlEnd, lambda_handler

    with pytest.raises(NotACrawlEnd, match="Check the EventBridge rule's pattern"):
        lambda_handler(json.loads(json.dumps(event)), None)


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
