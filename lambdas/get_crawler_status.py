"""Reports a Glue crawler's state and the outcome of its last crawl.

Given the execution whose wait for a crawl's end event timed out (crawler_wait = "event"), it also
ends that wait and says which crawl it was waiting for: its own, or one that was already running
(the run then starts its own).
"""

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from botocore.exceptions import ClientError

from crawl_waits import Crawl, end_wait
from crawler_request import crawler_name_from, glue, logger, raise_for_glue_error


class CrawlerStatus(TypedDict):
    crawler_name: str
    state: str
    last_crawl_status: str | None
    last_crawl_error: str | None
    awaited_crawl: NotRequired[Crawl | None]


def lambda_handler(event: Mapping[str, Any], context: object) -> CrawlerStatus:
    crawler_name = crawler_name_from(event)
    try:
        crawler = glue.get_crawler(Name=crawler_name)["Crawler"]
    except ClientError as error:
        raise_for_glue_error(error, crawler_name, "GetCrawler")
    last_crawl = crawler.get("LastCrawl", {})
    status: CrawlerStatus = {
        "crawler_name": crawler_name,
        "state": crawler["State"],
        "last_crawl_status": last_crawl.get("Status"),
        "last_crawl_error": last_crawl.get("ErrorMessage"),
    }
    if "execution_arn" in event:
        status["awaited_crawl"] = end_wait(crawler_name, event["execution_arn"])
    logger.info("crawler status", extra=dict(status))
    return status
