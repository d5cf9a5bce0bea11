"""The crawler Lambdas against the emulator's Glue API: what they return and how they fail."""

from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import advance_time, plan_crawls
from local_aws.emulator.glue.crawlers import CrawlPlan

CRAWLER = "raw-customers-crawler"


@pytest.fixture
def glue(clean_emulator: str) -> Any:
    glue = client("glue")
    client("s3").create_bucket(Bucket="lambda-test-lake")
    glue.create_database(DatabaseInput={"Name": "lake"})
    glue.create_crawler(
        Name=CRAWLER,
        Role="arn:aws:iam::123456789012:role/crawler",
        DatabaseName="lake",
        Targets={"S3Targets": [{"Path": "s3://lambda-test-lake/raw/customers/"}]},
        TablePrefix="raw_",
    )
    return glue


def wait_until_ready(glue: Any) -> None:
    for _ in range(60):
        if glue.get_crawler(Name=CRAWLER)["Crawler"]["State"] == "READY":
            return
        advance_time(1)
    raise AssertionError("the crawl did not finish within 60 emulated seconds")


def test_start_crawler_starts_a_ready_crawler(glue: Any) -> None:
    from start_crawler import lambda_handler

    assert lambda_handler({"crawler_name": CRAWLER}, None) == {"crawler_name": CRAWLER, "action": "started"}
    assert glue.get_crawler(Name=CRAWLER)["Crawler"]["State"] == "RUNNING"


def test_start_crawler_reports_a_running_crawler_without_failing(glue: Any) -> None:
    from start_crawler import lambda_handler

    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=600)])
    glue.start_crawler(Name=CRAWLER)

    assert lambda_handler({"crawler_name": CRAWLER}, None) == {"crawler_name": CRAWLER, "action": "already_running"}


def test_start_crawler_accepts_the_legacy_crawlername_key(glue: Any) -> None:
    from start_crawler import lambda_handler

    assert lambda_handler({"crawlername": CRAWLER}, None)["action"] == "started"


def test_status_of_a_crawler_mid_run(glue: Any) -> None:
    from get_crawler_status import lambda_handler

    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=600)])
    glue.start_crawler(Name=CRAWLER)

    assert lambda_handler({"crawler_name": CRAWLER}, None) == {
        "crawler_name": CRAWLER,
        "state": "RUNNING",
        "last_crawl_status": None,
        "last_crawl_error": None,
    }


def test_status_after_a_failed_crawl_carries_the_crawlers_error(glue: Any) -> None:
    from get_crawler_status import lambda_handler

    plan_crawls(
        CRAWLER, [CrawlPlan(running_seconds=1, outcome="FAILED", error_message="Insufficient Lake Formation permission(s) on lake")]
    )
    glue.start_crawler(Name=CRAWLER)
    wait_until_ready(glue)

    assert lambda_handler({"crawler_name": CRAWLER}, None) == {
        "crawler_name": CRAWLER,
        "state": "READY",
        "last_crawl_status": "FAILED",
        "last_crawl_error": "Insufficient Lake Formation permission(s) on lake",
    }


def test_status_of_a_crawler_that_never_ran(glue: Any) -> None:
    from get_crawler_status import lambda_handler

    assert lambda_handler({"crawler_name": CRAWLER}, None) == {
        "crawler_name": CRAWLER,
        "state": "READY",
        "last_crawl_status": None,
        "last_crawl_error": None,
    }


@pytest.mark.parametrize("handler_module", ["start_crawler", "get_crawler_status"])
@pytest.mark.parametrize("event", [{}, {"crawler_name": ""}, {"crawler_name": "   "}, {"crawler_name": 42}])
def test_missing_or_empty_crawler_name_is_rejected_by_name(glue: Any, handler_module: str, event: dict[str, Any]) -> None:
    handler = __import__(handler_module).lambda_handler
    from crawler_request import MissingCrawlerName

    with pytest.raises(MissingCrawlerName, match=r'The event must name the crawler as \{"crawler_name": "<name>"\}'):
        handler(event, None)


@pytest.mark.parametrize("handler_module", ["start_crawler", "get_crawler_status"])
def test_unknown_crawler_is_reported_with_its_name(glue: Any, handler_module: str) -> None:
    handler = __import__(handler_module).lambda_handler
    from crawler_request import CrawlerNotFound

    with pytest.raises(CrawlerNotFound, match="Crawler 'no-such-crawler' does not exist"):
        handler({"crawler_name": "no-such-crawler"}, None)
