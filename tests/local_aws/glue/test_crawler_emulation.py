"""Emulated crawlers report the states and LastCrawl values of the real service, and write the
catalog table a crawler would infer from the files under their target."""

import io
import re
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from local_aws.clients import client
from local_aws.control import ControlError, advance_time, plan_crawls, set_time_scale
from local_aws.emulator.glue.crawlers import CrawlPlan
from tests.roles import CRAWLER_CATALOG_ACTIONS, catalog_statement, create_service_role

BUCKET = "crawler-lake"


@pytest.fixture
def glue(clean_emulator: str) -> Any:
    glue = client("glue")
    client("s3").create_bucket(Bucket=BUCKET)
    glue.create_database(DatabaseInput={"Name": "lake"})
    create_service_role(
        "crawler",
        "glue.amazonaws.com",
        [
            {"Action": ["s3:ListBucket", "s3:GetObject"], "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]},
            catalog_statement(CRAWLER_CATALOG_ACTIONS, "lake"),
        ],
    )
    return glue


def create_crawler(glue: Any, name: str, path: str, prefix: str, **settings: Any) -> None:
    glue.create_crawler(
        Name=name,
        Role="crawler",
        DatabaseName="lake",
        Targets={"S3Targets": [{"Path": path}]},
        TablePrefix=prefix,
        **settings,
    )


def crawl(glue: Any, name: str) -> None:
    glue.start_crawler(Name=name)
    observed_states(glue, name)
    last_crawl = glue.get_crawler(Name=name)["Crawler"]["LastCrawl"]
    assert last_crawl["Status"] == "SUCCEEDED", last_crawl


def crawled_table(glue: Any, crawler: str, table: str) -> dict[str, Any]:
    """Catalog table `table` after a successful crawl of `crawler`."""
    crawl(glue, crawler)
    found: dict[str, Any] = glue.get_table(DatabaseName="lake", Name=table)["Table"]
    return found


def observed_states(glue: Any, name: str, emulated_seconds: int = 120) -> list[str]:
    """The distinct states seen while polling every emulated second until READY."""
    states: list[str] = []
    for _ in range(emulated_seconds):
        state = glue.get_crawler(Name=name)["Crawler"]["State"]
        if not states or states[-1] != state:
            states.append(state)
        if state == "READY":
            return states
        advance_time(1)
    raise AssertionError(f"{name} never became READY within {emulated_seconds} emulated seconds: {states}")


def test_crawl_runs_then_reports_success_and_writes_the_csv_table(glue: Any) -> None:
    client("s3").put_object(
        Bucket=BUCKET,
        Key="raw/customers/run_id=r1/part-0.csv",
        Body=b"customer_id,email,balance,active\n1,a@x.io,2.5,true\n2,b@x.io,3,false\n",
    )
    create_crawler(glue, "raw", f"s3://{BUCKET}/raw/customers/", "raw_")
    plan_crawls("raw", [CrawlPlan(running_seconds=30, stopping_seconds=20)])

    glue.start_crawler(Name="raw")

    assert observed_states(glue, "raw") == ["RUNNING", "STOPPING", "READY"]
    assert glue.get_crawler(Name="raw")["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
    table = glue.get_table(DatabaseName="lake", Name="raw_customers")["Table"]
    assert table["StorageDescriptor"]["Columns"] == [
        {"Name": "customer_id", "Type": "bigint"},
        {"Name": "email", "Type": "string"},
        {"Name": "balance", "Type": "double"},
        {"Name": "active", "Type": "boolean"},
    ]
    assert table["PartitionKeys"] == [{"Name": "run_id", "Type": "string"}]
    assert table["Parameters"]["classification"] == "csv"
    assert table["StorageDescriptor"]["Location"] == f"s3://{BUCKET}/raw/customers/"
    assert [partition["Values"] for partition in glue.get_partitions(DatabaseName="lake", TableName="raw_customers")["Partitions"]] == [
        ["r1"]
    ]


def test_parquet_table_keeps_its_types_and_partitions(glue: Any) -> None:
    buffer = io.BytesIO()
    schema = pa.schema([("customer_id", pa.int32()), ("balance", pa.decimal128(12, 2)), ("signup_date", pa.date32())])
    pq.write_table(pa.table({"customer_id": [1], "balance": [None], "signup_date": [None]}, schema=schema), buffer)
    for run in ("r1", "r2"):
        client("s3").put_object(
            Bucket=BUCKET, Key=f"cleansed/customers/ingestion_date=2026-11-24/run_id={run}/part-0.parquet", Body=buffer.getvalue()
        )
    create_crawler(glue, "cleansed", f"s3://{BUCKET}/cleansed/customers/", "cleansed_")

    table = crawled_table(glue, "cleansed", "cleansed_customers")
    assert table["StorageDescriptor"]["Columns"] == [
        {"Name": "customer_id", "Type": "int"},
        {"Name": "balance", "Type": "decimal(12,2)"},
        {"Name": "signup_date", "Type": "date"},
    ]
    assert [key["Name"] for key in table["PartitionKeys"]] == ["ingestion_date", "run_id"]
    partitions = glue.get_partitions(DatabaseName="lake", TableName="cleansed_customers")["Partitions"]
    assert sorted(partition["Values"] for partition in partitions) == [["2026-11-24", "r1"], ["2026-11-24", "r2"]]


def test_planned_failure_is_reported_as_the_last_crawl(glue: Any) -> None:
    create_crawler(glue, "raw", f"s3://{BUCKET}/raw/customers/", "raw_")
    plan_crawls("raw", [CrawlPlan(running_seconds=10, outcome="FAILED", error_message="Service is unable to assume role")])

    glue.start_crawler(Name="raw")
    observed_states(glue, "raw")

    last_crawl = glue.get_crawler(Name="raw")["Crawler"]["LastCrawl"]
    assert (last_crawl["Status"], last_crawl["ErrorMessage"]) == ("FAILED", "Service is unable to assume role")


def test_a_target_without_data_gets_no_table_and_the_others_are_cataloged(glue: Any) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=BUCKET, Key="raw/orders/run_id=r1/part-00000.csv", Body=b"order_id,amount\n1,9.50\n")
    glue.create_crawler(
        Name="raw",
        Role="crawler",
        DatabaseName="lake",
        TablePrefix="raw_",
        Targets={"S3Targets": [{"Path": f"s3://{BUCKET}/raw/customers/"}, {"Path": f"s3://{BUCKET}/raw/orders/"}]},
    )

    glue.start_crawler(Name="raw")
    observed_states(glue, "raw")

    assert glue.get_crawler(Name="raw")["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
    assert [table["Name"] for table in glue.get_tables(DatabaseName="lake")["TableList"]] == ["raw_orders"]


def test_a_running_crawler_cannot_be_started_again(glue: Any) -> None:
    create_crawler(glue, "raw", f"s3://{BUCKET}/raw/customers/", "raw_")
    plan_crawls("raw", [CrawlPlan(running_seconds=600)])
    glue.start_crawler(Name="raw")

    with pytest.raises(glue.exceptions.CrawlerRunningException):
        glue.start_crawler(Name="raw")
    assert "LastCrawl" not in glue.get_crawler(Name="raw")["Crawler"]


def test_impossible_plans_and_time_scales_are_refused_with_the_reason(glue: Any) -> None:
    with pytest.raises(ValueError, match="A crawl ends SUCCEEDED, FAILED, CANCELLED, not 'COMPLETED'"):
        CrawlPlan(outcome="COMPLETED")
    with pytest.raises(ControlError, match=re.escape("The time scale must be above 0 and at most 1, got 0.0")):
        set_time_scale(0)


def test_a_csv_of_strings_is_read_without_a_header_when_no_classifier_says_otherwise(glue: Any) -> None:
    client("s3").put_object(Bucket=BUCKET, Key="raw/people/part-0.csv", Body=b"name,email\nada,ada@x.io\ngrace,grace@x.io\n")
    create_crawler(glue, "raw", f"s3://{BUCKET}/raw/people/", "raw_")

    table = crawled_table(glue, "raw", "raw_people")
    assert table["StorageDescriptor"]["Columns"] == [{"Name": "col0", "Type": "string"}, {"Name": "col1", "Type": "string"}]
    assert "skip.header.line.count" not in table["Parameters"]
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"


def test_a_csv_classifier_with_a_header_names_the_columns_and_opencsvserde_makes_them_strings(glue: Any) -> None:
    client("s3").put_object(
        Bucket=BUCKET,
        Key="raw/customers/run_id=r1/part-0.csv",
        Body=b'customer_id,name,balance\n1,"Lovelace, Ada",2.5\n2,Grace,3\n',
    )
    glue.create_classifier(
        CsvClassifier={"Name": "raw-csv", "Delimiter": ",", "QuoteSymbol": '"', "ContainsHeader": "PRESENT", "Serde": "OpenCSVSerDe"}
    )
    create_crawler(glue, "raw", f"s3://{BUCKET}/raw/customers/", "raw_", Classifiers=["raw-csv"])

    table = crawled_table(glue, "raw", "raw_customers")
    assert table["StorageDescriptor"]["Columns"] == [
        {"Name": "customer_id", "Type": "string"},
        {"Name": "name", "Type": "string"},
        {"Name": "balance", "Type": "string"},
    ]
    assert table["Parameters"]["skip.header.line.count"] == "1"
    assert table["StorageDescriptor"]["SerdeInfo"] == {
        "SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
        "Parameters": {"separatorChar": ",", "quoteChar": '"'},
    }


def test_a_crawler_deleting_from_the_database_drops_the_partitions_whose_files_are_gone(glue: Any) -> None:
    s3 = client("s3")
    for day in ("2026-11-24", "2026-11-25"):
        s3.put_object(Bucket=BUCKET, Key=f"cleansed/customers/ingestion_date={day}/run_id=r1/part-0.csv", Body=b"id,n\nx,1\n")
    create_crawler(
        glue,
        "cleansed",
        f"s3://{BUCKET}/cleansed/customers/",
        "cleansed_",
        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "DELETE_FROM_DATABASE"},
    )
    crawl(glue, "cleansed")

    s3.delete_object(Bucket=BUCKET, Key="cleansed/customers/ingestion_date=2026-11-24/run_id=r1/part-0.csv")
    crawl(glue, "cleansed")

    partitions = glue.get_partitions(DatabaseName="lake", TableName="cleansed_customers")["Partitions"]
    assert [partition["Values"] for partition in partitions] == [["2026-11-25", "r1"]]


def test_a_crawler_that_only_logs_deletions_keeps_the_partitions_whose_files_are_gone(glue: Any) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=BUCKET, Key="raw/customers/run_id=r1/part-0.csv", Body=b"id,n\nx,1\n")
    s3.put_object(Bucket=BUCKET, Key="raw/customers/run_id=r2/part-0.csv", Body=b"id,n\nx,1\n")
    create_crawler(glue, "raw", f"s3://{BUCKET}/raw/customers/", "raw_", SchemaChangePolicy={"DeleteBehavior": "LOG"})
    crawl(glue, "raw")

    s3.delete_object(Bucket=BUCKET, Key="raw/customers/run_id=r1/part-0.csv")
    crawl(glue, "raw")

    partitions = glue.get_partitions(DatabaseName="lake", TableName="raw_customers")["Partitions"]
    assert sorted(partition["Values"] for partition in partitions) == [["r1"], ["r2"]]


def test_a_column_only_a_later_partitions_files_have_is_in_the_table(glue: Any) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=BUCKET, Key="raw/customers/run_id=r1/part-0.csv", Body=b"customer_id,balance\n1,2\n")
    s3.put_object(Bucket=BUCKET, Key="raw/customers/run_id=r2/part-0.csv", Body=b"customer_id,balance,segment\n2,2.5,b2b\n")
    create_crawler(glue, "raw", f"s3://{BUCKET}/raw/customers/", "raw_")

    table = crawled_table(glue, "raw", "raw_customers")

    assert table["StorageDescriptor"]["Columns"] == [
        {"Name": "customer_id", "Type": "bigint"},
        {"Name": "balance", "Type": "double"},
        {"Name": "segment", "Type": "string"},
    ]
