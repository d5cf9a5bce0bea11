"""Ends the state machine tasks waiting for a crawl (crawler_wait = "event"), on Glue's
"Glue Crawler State Change" event for the crawl's end, delivered by an EventBridge rule.

A task waiting for its own crawl gets the outcome: SendTaskSuccess with the crawl's status, or
SendTaskFailure with error CrawlerFailed and the crawler's message (the poll mode's wording). A task
that found an earlier crawl running gets its own crawl started now, and a heartbeat: its wait for
that crawl starts over.

Event fields as Glue documents them (https://docs.aws.amazon.com/AmazonCloudWatch/latest/events/EventTypes.html#glue-event-types):
detail.crawlerName, detail.state "Started" | "Succeeded" | "Failed" (no event for a cancelled crawl
is documented: the state machine's timeout and status check cover it), detail.errorMessage on Failed.
"""

import json
from collections.abc import Mapping
from typing import Any, TypedDict

import boto3
from botocore.exceptions import ClientError

from crawl_waits import CrawlWait, mark_own_crawl, remove_wait, waits_on
from crawler_request import logger, start_crawler

stepfunctions = boto3.client("stepfunctions")

CRAWL_ENDS = {"Succeeded": "SUCCEEDED", "Failed": "FAILED"}
# SendTask* answers these for a task that timed out, was closed or whose execution ended: the wait
# is over without us (API_SendTaskSuccess, Errors).
GONE_TASK_ERRORS = ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist")


class NotACrawlEnd(ValueError):
    """The event is not a Glue crawler's Succeeded or Failed state change."""


class CrawlOutcome(TypedDict):
    crawler_name: str
    last_crawl_status: str
    last_crawl_error: str | None


class HandledWaits(TypedDict):
    crawler_name: str
    ended: int
    own_crawl_started: int


def crawl_outcome(event: Mapping[str, Any]) -> CrawlOutcome:
    detail = event.get("detail") or {}
    state, crawler_name = detail.get("state"), detail.get("crawlerName")
    if event.get("source") != "aws.glue" or state not in CRAWL_ENDS or not isinstance(crawler_name, str):
        raise NotACrawlEnd(
            f"Expected a Glue Crawler State Change event with detail.state Succeeded or Failed and a detail.crawlerName; "
            f"got source {event.get('source')!r}, detail-type {event.get('detail-type')!r}, state {state!r}, crawler {crawler_name!r}. "
            "Check the EventBridge rule's pattern."
        )
    error = detail.get("errorMessage") if state == "Failed" else None
    return {"crawler_name": crawler_name, "last_crawl_status": CRAWL_ENDS[state], "last_crawl_error": error}


def _answer(wait: CrawlWait, outcome: CrawlOutcome) -> None:
    try:
        if outcome["last_crawl_status"] == "SUCCEEDED":
            stepfunctions.send_task_success(taskToken=wait["task_token"], output=json.dumps({**outcome, "state": "READY"}))
        else:
            stepfunctions.send_task_failure(
                taskToken=wait["task_token"],
                error="CrawlerFailed",
                cause=f"Crawler {outcome['crawler_name']} ended its last crawl FAILED: {outcome['last_crawl_error']}"[:32768],
            )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in GONE_TASK_ERRORS:
            raise
        logger.info("the waiting task is gone", extra={"execution_arn": wait["execution_arn"], "error": str(error)})
    remove_wait(wait)


def lambda_handler(event: Mapping[str, Any], context: object) -> HandledWaits:
    outcome = crawl_outcome(event)
    crawler_name = outcome["crawler_name"]
    waits = waits_on(crawler_name)
    own = [wait for wait in waits if wait["crawl"] == "own"]
    earlier = [wait for wait in waits if wait["crawl"] == "earlier"]
    for wait in own:
        _answer(wait, outcome)
    # A crawl started now began after every earlier-waiting run's data landed: it is each one's own.
    # If another crawl started first, its end will come as an event of its own.
    started = bool(earlier) and start_crawler(crawler_name) == "started"
    if started:
        for wait in earlier:
            mark_own_crawl(wait)
            try:
                stepfunctions.send_task_heartbeat(taskToken=wait["task_token"])
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in GONE_TASK_ERRORS:
                    raise
    logger.info("crawl ended", extra={**outcome, "ended": len(own), "own_crawl_started": len(earlier) if started else 0})
    return {"crawler_name": crawler_name, "ended": len(own), "own_crawl_started": len(earlier) if started else 0}
