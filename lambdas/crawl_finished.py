"""Ends the state machine tasks waiting for a crawl (crawler_wait = "event"), on Glue's
"Glue Crawler State Change" event for the crawl's end, delivered by an EventBridge rule.

A task waiting for its own crawl gets the outcome: SendTaskSuccess with the crawl's status, or
SendTaskFailure with error CrawlerFailed and the crawler's message (the poll mode's wording). A task
that found an earlier crawl running gets its own crawl started now, and a heartbeat: its wait for
that crawl starts over.

The event is a claim, not a fact: besides the rule, any principal allowed lambda:InvokeFunction on
the function can send any payload, and the default bus also carries events from other accounts and
regions (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html,
eb-cross-region.html), which keep their own `account` and `region`. So an event is acted on only when
- its envelope is Glue's: `source` "aws.glue" (a customer's PutEvents cannot use an "aws." source:
  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html), `detail-type`
  "Glue Crawler State Change", and the `account` and `region` this pipeline runs in (the envelope's
  `account`, not detail.accountId, which Glue's own documented Failed sample shows differing from it);
- detail.crawlerName is one of this pipeline's crawlers and detail.state "Succeeded" or "Failed"
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/events/EventTypes.html#glue-event-types; no
  event for a cancelled crawl is documented: the state machine's timeout and status check cover it);
- and Glue confirms it: GetCrawler says the crawler is READY (not RUNNING or STOPPING) and its
  LastCrawl ended with the event's state (LastCrawlInfo: Status SUCCEEDED | CANCELLED | FAILED,
  ErrorMessage, StartTime, https://docs.aws.amazon.com/glue/latest/webapi/API_LastCrawlInfo.html;
  Crawler State READY | RUNNING | STOPPING,
  https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-crawling.html). The answer carries
  GetCrawler's status and error message, never the event's text.
Glue sends the end event once the crawl has completed (its detail has the completionDate), so a
genuine one finds the crawler READY with LastCrawl updated. Anything else is logged and ignored,
with nothing changed: every wait stays recorded and ends with the real crawl's event, or with its
timeout and status check. Ignored, not raised: EventBridge invokes asynchronously, and Lambda runs
a failed asynchronous invocation twice more
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). A Glue or
Step Functions error is raised, so that a genuine event gets those retries.
"""

import json
import os
from collections.abc import Mapping
from typing import Any, NamedTuple, NotRequired, TypedDict

import boto3
from botocore.exceptions import ClientError

from crawl_waits import CrawlWait, mark_own_crawl, remove_wait, waits_on
from crawler_request import glue, logger, raise_for_glue_error, start_crawler

stepfunctions = boto3.client("stepfunctions")

GLUE_SOURCE = "aws.glue"
CRAWLER_STATE_CHANGE = "Glue Crawler State Change"
CRAWL_ENDS = {"Succeeded": "SUCCEEDED", "Failed": "FAILED"}
# SendTask* answers these for a task that timed out, was closed or whose execution ended: the wait
# is over without us (API_SendTaskSuccess, Errors).
GONE_TASK_ERRORS = ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist")
# Enough of an untrusted value to recognise it in the log.
SHOWN_CHARACTERS = 120


class IgnoredEvent(Exception):
    """The event is not, or not confirmed by Glue as, the end of a crawl of this pipeline."""

    def __init__(self, reason: str, crawler_name: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.crawler_name = crawler_name


class Pipeline(NamedTuple):
    """Where this pipeline's crawl end events come from, as the function's environment says."""

    account: str
    region: str
    crawler_names: tuple[str, ...]


class CrawlOutcome(TypedDict):
    crawler_name: str
    last_crawl_status: str
    last_crawl_error: str | None


class HandledEvent(TypedDict):
    crawler_name: str | None
    ended: int
    own_crawl_started: int
    ignored: NotRequired[str]


def pipeline_from_environment() -> Pipeline:
    crawler_names = json.loads(os.environ["PIPELINE_CRAWLERS"])
    return Pipeline(os.environ["CRAWL_EVENTS_ACCOUNT"], os.environ["CRAWL_EVENTS_REGION"], tuple(crawler_names))


def _shown(value: object) -> str:
    return repr(value)[:SHOWN_CHARACTERS]


def claimed_crawl_end(event: object, pipeline: Pipeline) -> tuple[str, str]:
    """The crawler and end status (SUCCEEDED or FAILED) an event of this pipeline's claims."""
    if not isinstance(event, Mapping):
        raise IgnoredEvent(f"the payload is {type(event).__name__}, not an EventBridge event")
    envelope = {"source": GLUE_SOURCE, "detail-type": CRAWLER_STATE_CHANGE, "account": pipeline.account, "region": pipeline.region}
    for field, expected in envelope.items():
        if event.get(field) != expected:
            raise IgnoredEvent(f"its {field} is {_shown(event.get(field))}, not {expected!r}")
    detail = event.get("detail")
    detail = detail if isinstance(detail, Mapping) else {}
    crawler_name, state = detail.get("crawlerName"), detail.get("state")
    if not isinstance(crawler_name, str) or crawler_name not in pipeline.crawler_names:
        raise IgnoredEvent(f"its detail.crawlerName {_shown(crawler_name)} is none of this pipeline's {list(pipeline.crawler_names)}")
    if state not in CRAWL_ENDS:
        raise IgnoredEvent(f"its detail.state {_shown(state)} is not a crawl's end (Succeeded or Failed)", crawler_name)
    return crawler_name, CRAWL_ENDS[state]


def confirmed_outcome(crawler_name: str, claimed_status: str) -> CrawlOutcome:
    """The crawl's outcome as Glue reports it, if it is the one claimed."""
    try:
        crawler = glue.get_crawler(Name=crawler_name)["Crawler"]
    except ClientError as error:
        raise_for_glue_error(error, crawler_name, "GetCrawler")
    state, last_crawl = crawler.get("State"), crawler.get("LastCrawl") or {}
    if state != "READY":
        raise IgnoredEvent(f"Glue says crawler {crawler_name} is {state}, its crawl not ended", crawler_name)
    if last_crawl.get("Status") != claimed_status:
        raise IgnoredEvent(
            f"Glue says crawler {crawler_name}'s last crawl (started {last_crawl.get('StartTime')}) ended {last_crawl.get('Status')}, "
            f"not {claimed_status}",
            crawler_name,
        )
    message = last_crawl.get("ErrorMessage") if claimed_status == "FAILED" else None
    return {"crawler_name": crawler_name, "last_crawl_status": claimed_status, "last_crawl_error": message}


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


def lambda_handler(event: Any, context: object) -> HandledEvent:
    try:
        crawler_name, claimed_status = claimed_crawl_end(event, pipeline_from_environment())
        outcome = confirmed_outcome(crawler_name, claimed_status)
    except IgnoredEvent as ignored:
        logger.warning("event ignored: not a confirmed end of this pipeline's crawl", extra={"reason": ignored.reason})
        return {"crawler_name": ignored.crawler_name, "ended": 0, "own_crawl_started": 0, "ignored": ignored.reason}
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
