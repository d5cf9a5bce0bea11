"""Starts a Glue crawler. A crawler that is already running is reported, not treated as an error."""

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

from botocore.exceptions import ClientError

from crawler_request import crawler_name_from, glue, logger, raise_for_glue_error


class StartCrawlerResult(TypedDict):
    crawler_name: str
    action: Literal["started", "already_running"]


def lambda_handler(event: Mapping[str, Any], context: object) -> StartCrawlerResult:
    crawler_name = crawler_name_from(event)
    try:
        glue.start_crawler(Name=crawler_name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "CrawlerRunningException":
            logger.info("crawler already running", extra={"crawler_name": crawler_name})
            return {"crawler_name": crawler_name, "action": "already_running"}
        raise_for_glue_error(error, crawler_name, "StartCrawler")
    logger.info("crawler started", extra={"crawler_name": crawler_name})
    return {"crawler_name": crawler_name, "action": "started"}
