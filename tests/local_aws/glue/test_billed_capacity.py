"""What the emulator's Glue reports of a run's billed capacity, as Glue reports it: ListCrawls lists
each crawl with its DPUHour on the emulated clock (moto lists crawls of its own, none of the
emulation's, each of 100 DPU-hours), filtered by epoch milliseconds; GetJobRun gives DPUSeconds for
Flex and auto scaling runs only, and the run's ExecutionClass."""

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from local_aws.control import advance_time, plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.roles import CRAWLER_CATALOG_ACTIONS, catalog_statement, create_service_role

CRAWLER = "raw-crawler"


@pytest.fixture
def glue(clean_emulator: str) -> Any:
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "lake"})
    create_service_role("crawler", "glue.amazonaws.com", [catalog_statement(CRAWLER_CATALOG_ACTIONS, "lake")])
    glue.create_crawler(Name=CRAWLER, Role="crawler", DatabaseName="lake", Targets={"S3Targets": []})
    return glue


def finished_crawl(glue: Any, running_seconds: float) -> None:
    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=running_seconds, stopping_seconds=10)])
    glue.start_crawler(Name=CRAWLER)
    advance_time(running_seconds + 11)


def test_list_crawls_gives_each_crawl_its_dpu_hours_on_the_emulated_clock(glue: Any) -> None:
    finished_crawl(glue, 80)

    (crawl,) = glue.list_crawls(CrawlerName=CRAWLER)["Crawls"]

    assert crawl["State"] == "COMPLETED"
    assert crawl["EndTime"] - crawl["StartTime"] == timedelta(seconds=90)
    assert crawl["DPUHour"] == pytest.approx(90 / 3600)


def test_a_running_crawl_is_listed_running_without_an_end(glue: Any) -> None:
    plan_crawls(CRAWLER, [CrawlPlan(running_seconds=300)])
    glue.start_crawler(Name=CRAWLER)

    (crawl,) = glue.list_crawls(CrawlerName=CRAWLER)["Crawls"]

    assert crawl["State"] == "RUNNING" and "EndTime" not in crawl and "DPUHour" not in crawl


def test_a_start_time_filter_takes_epoch_milliseconds(glue: Any) -> None:
    finished_crawl(glue, 60)
    (first,) = glue.list_crawls(CrawlerName=CRAWLER)["Crawls"]
    after_first = str(int(first["StartTime"].timestamp() * 1000) + 1)
    finished_crawl(glue, 60)

    since = glue.list_crawls(CrawlerName=CRAWLER, Filters=[{"FieldName": "START_TIME", "FilterOperator": "GE", "FieldValue": after_first}])

    assert [crawl["CrawlId"] for crawl in since["Crawls"]] != [first["CrawlId"]]
    assert len(since["Crawls"]) == 1


def test_list_crawls_of_an_unknown_crawler_is_entity_not_found(glue: Any) -> None:
    with pytest.raises(ClientError) as raised:
        glue.list_crawls(CrawlerName="nobody")

    assert raised.value.response["Error"]["Code"] == "EntityNotFoundException"


def ended_run(glue: Any, job: str, **job_settings: Any) -> dict[str, Any]:
    glue.create_job(
        Name=job,
        Role="arn:aws:iam::123456789012:role/glue",
        Command={"Name": "glueetl", "ScriptLocation": "s3://x/job.py"},
        GlueVersion="5.0",
        WorkerType="G.2X",
        NumberOfWorkers=3,
        **job_settings,
    )
    plan_job_runs(job, [JobRunPlan(starting_seconds=5, running_seconds=100)])
    run_id = glue.start_job_run(JobName=job)["JobRunId"]
    advance_time(106)
    run: dict[str, Any] = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
    return run


def test_a_flex_run_reports_dpu_seconds_and_its_execution_class(glue: Any) -> None:
    run = ended_run(glue, "flex", ExecutionClass="FLEX")

    assert (run["ExecutionClass"], run["ExecutionTime"], run["DPUSeconds"]) == ("FLEX", 100, 100 * 3 * 2)


def test_an_auto_scaling_run_reports_dpu_seconds(glue: Any) -> None:
    run = ended_run(glue, "scaling", DefaultArguments={"--enable-auto-scaling": "true"})

    assert (run["ExecutionClass"], run["DPUSeconds"]) == ("STANDARD", 600)


def test_a_standard_run_reports_no_dpu_seconds(glue: Any) -> None:
    run = ended_run(glue, "standard")

    assert run["ExecutionClass"] == "STANDARD" and "DPUSeconds" not in run
