"""Reports a Glue crawler's state and the outcome of its last crawl."""

from collections.abc import Mapping
from typing import Any, TypedDict

from botocore.exceptions import ClientError

from crawler_request import crawler_name_from, glue, logger, raise_for_glue_error


class CrawlerStatus(TypedDict):
    crawler_name: str
    state: str
    last_crawl_status: str | None
    last_crawl_error: str | None


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
    logger.info("crawler status", extra=dict(status))
    return status
