"""Starts a Glue crawler. A crawler that is already running is reported, not treated as an error.

Called with a task token (crawler_wait = "event"), it also records the state machine task as waiting
for the crawl; crawl_finished ends the wait when Glue reports the crawl's end.
"""

from collections.abc import Mapping
from typing import Any, TypedDict

from botocore.exceptions import ClientError

from crawl_waits import CrawlWait, mark_own_crawl, record_wait
from crawler_request import Action, crawler_name_from, glue, logger, raise_for_glue_error, start_crawler


class StartCrawlerResult(TypedDict):
    crawler_name: str
    action: Action


class IncompleteWaitRequest(ValueError):
    """A request with a task token lacks what the wait needs."""


def is_ready(crawler_name: str) -> bool:
    try:
        return bool(glue.get_crawler(Name=crawler_name)["Crawler"]["State"] == "READY")
    except ClientError as error:
        raise_for_glue_error(error, crawler_name, "GetCrawler")


def await_crawl(crawler_name: str, action: Action, event: Mapping[str, Any]) -> Action:
    """Record the task as waiting for its own crawl, or for the one already running to end first."""
    missing = sorted({"execution_arn", "wait_seconds"} - set(event))
    if missing:
        raise IncompleteWaitRequest(f"A request with a task_token must also give {missing}: the state machine passes them.")
    wait: CrawlWait = {
        "crawler_name": crawler_name,
        "execution_arn": event["execution_arn"],
        "task_token": event["task_token"],
        "crawl": "own" if action == "started" else "earlier",
    }
    record_wait(wait, int(event["wait_seconds"]))
    # The earlier crawl may have ended before the wait was recorded, its end then seen by no one.
    if action == "already_running" and is_ready(crawler_name):
        action = start_crawler(crawler_name)
        if action == "started":
            mark_own_crawl(wait)
    logger.info("waiting for the crawl's end", extra={"crawler_name": crawler_name, "action": action})
    return action


def lambda_handler(event: Mapping[str, Any], context: object) -> StartCrawlerResult:
    crawler_name = crawler_name_from(event)
    action = start_crawler(crawler_name)
    if "task_token" in event:
        action = await_crawl(crawler_name, action, event)
    return {"crawler_name": crawler_name, "action": action}
