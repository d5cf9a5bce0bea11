"""What the crawler Lambdas share: reading the crawler name from the event, the Glue client,
starting a crawler, and the exceptions whose class names the state machine catches."""

import logging
import os
from collections.abc import Mapping
from typing import Any, Literal, NoReturn

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

glue = boto3.client("glue")

Action = Literal["started", "already_running"]


class MissingCrawlerName(ValueError):
    """The event names no crawler."""


class CrawlerNotFound(LookupError):
    """Glue knows no crawler of that name."""


class CrawlerAccessDenied(PermissionError):
    """The function's role may not act on the crawler."""


class GlueThrottled(RuntimeError):
    """Glue throttled the call; the state machine retries it."""


class CrawlerRequestFailed(RuntimeError):
    """Any other Glue error, with its code."""


def crawler_name_from(event: Mapping[str, Any]) -> str:
    """The crawler named by `crawler_name` (or the legacy `crawlername`) in the event."""
    name = event.get("crawler_name", event.get("crawlername"))
    if not isinstance(name, str) or not name.strip():
        raise MissingCrawlerName(
            f'The event must name the crawler as {{"crawler_name": "<name>"}}; got keys {sorted(event)} with crawler name {name!r}.'
        )
    return name.strip()


def raise_for_glue_error(error: ClientError, crawler_name: str, action: str) -> NoReturn:
    """Re-raise a Glue error as the named exception the state machine expects."""
    code = error.response.get("Error", {}).get("Code", "Unknown")
    message = error.response.get("Error", {}).get("Message", str(error))
    if code == "EntityNotFoundException":
        raise CrawlerNotFound(f"Crawler {crawler_name!r} does not exist: check the crawler_name in the state machine input.") from error
    if code in ("AccessDeniedException", "AccessDenied"):
        raise CrawlerAccessDenied(
            f"Not allowed to {action} crawler {crawler_name!r}: the function's role needs glue:{action} on it. {message}"
        ) from error
    if code in ("ThrottlingException", "TooManyRequestsException"):
        raise GlueThrottled(f"Glue throttled {action} for crawler {crawler_name!r}: {message}") from error
    raise CrawlerRequestFailed(f"{action} for crawler {crawler_name!r} failed with {code}: {message}") from error


def start_crawler(crawler_name: str) -> Action:
    """Start the crawler; one already running is reported, not treated as an error."""
    try:
        glue.start_crawler(Name=crawler_name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "CrawlerRunningException":
            logger.info("crawler already running", extra={"crawler_name": crawler_name})
            return "already_running"
        raise_for_glue_error(error, crawler_name, "StartCrawler")
    logger.info("crawler started", extra={"crawler_name": crawler_name})
    return "started"
