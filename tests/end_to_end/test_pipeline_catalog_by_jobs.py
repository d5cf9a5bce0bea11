"""The whole pipeline with catalog_updates = "jobs" on Step Functions (crawler_wait makes no
difference: there is no crawl): examples/complete with the cleansed rows kept as Parquet history,
its jobs run with the real scripts on local Spark. No lake crawler exists and no run crawls; after a
run, raw_<table> and cleansed_<table> are in the catalog, and their rows read through it (the
partitions' locations, with the SerDe the catalog names) are the run's; a second run whose source
gained a column adds its partition and the column, and the first run's partition still reads; each
job's catalog statement removed, its run fails naming the permission and the role."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

from local_aws.demo.pipeline import LocalPipeline
from local_aws.executions import ExecutionRecord
from tests.catalog_reads import catalog_rows, partition_values
from tests.complete_example import SAMPLES, applied_complete_example
from tests.roles import statement_removed
from tests.sample_expectations import CLEANSED_CUSTOMER_COLUMNS, EXPECTED_CLEANSED

pytestmark = [pytest.mark.terraform, pytest.mark.spark]

RUN_ID, SECOND_RUN_ID = "e2e-jobs-1", "e2e-jobs-2"
SAMPLE_COLUMNS = [name for name, _ in CLEANSED_CUSTOMER_COLUMNS]


@pytest.fixture(scope="module")
def pipeline(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPipeline]:
    folder = tmp_path_factory.mktemp("end-to-end-catalog-by-jobs")
    with applied_complete_example(emulator_endpoint, folder, "e2ej", catalog_updates="jobs", cleansed_format="parquet") as local_pipeline:
        yield local_pipeline


@pytest.fixture(scope="module")
def first_run(pipeline: LocalPipeline) -> ExecutionRecord:
    return pipeline.run(RUN_ID)


@pytest.fixture(scope="module")
def second_run(pipeline: LocalPipeline, first_run: ExecutionRecord) -> ExecutionRecord:
    """A run after the source's customers gained a column (and the source crawler cataloged it)."""
    pipeline.update_source("ALTER TABLE customers ADD COLUMN segment text")
    pipeline.update_source("UPDATE customers SET segment = 'b2b' WHERE customer_id = 1")
    pipeline.catalog_source()
    return pipeline.run(SECOND_RUN_ID)


def rows_through_catalog(pipeline: LocalPipeline, stage: str, table: str = "customers") -> list[dict[str, Any]]:
    glue, s3 = pipeline.client("glue"), pipeline.client("s3")
    return catalog_rows(glue, s3, pipeline.outputs["database_name"], f"{stage}_{table}")


def of_run(rows: list[dict[str, Any]], run_id: str) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in row.items() if key not in ("run_id", "ingestion_date")} for row in rows if row["run_id"] == run_id
    ]


def as_tuples(rows: list[dict[str, Any]], columns: list[str]) -> list[tuple[Any, ...]]:
    return sorted((tuple(row[column] for column in columns) for row in rows), key=repr)


def test_no_lake_crawler_exists_and_the_run_crawls_nothing(pipeline: LocalPipeline, first_run: ExecutionRecord) -> None:
    assert (first_run.status, first_run.error) == ("SUCCEEDED", None), first_run.cause
    assert [name for name in first_run.states_entered if "Crawl" in name] == []
    crawlers = [crawler["Name"] for crawler in pipeline.client("glue").get_crawlers()["Crawlers"]]
    assert crawlers == [pipeline.outputs["source_crawler_name"]]
    cost = (first_run.output or {})["cost"]
    assert (cost["crawls"], cost["not_included"]) == ([], [])  # nothing crawled, nothing left unpriced
    assert cost["estimated_usd"] == pytest.approx(sum(cost["usd_by_item"].values()))


def test_raw_rows_read_through_the_catalog_are_the_runs_extract(pipeline: LocalPipeline, first_run: ExecutionRecord) -> None:
    for table in SAMPLES:
        through_catalog = of_run(rows_through_catalog(pipeline, "raw", table), RUN_ID)
        assert sorted(through_catalog, key=repr) == sorted(pipeline.raw_rows(RUN_ID, table), key=repr), table
    assert len(of_run(rows_through_catalog(pipeline, "raw"), RUN_ID)) == pipeline.source_rows()


def test_cleansed_rows_read_through_the_catalog_are_the_clean_latest_rows(pipeline: LocalPipeline, first_run: ExecutionRecord) -> None:
    glue, database = pipeline.client("glue"), pipeline.outputs["database_name"]
    cleansed = glue.get_table(DatabaseName=database, Name="cleansed_customers")["Table"]

    assert [(column["Name"], column["Type"]) for column in cleansed["StorageDescriptor"]["Columns"]] == CLEANSED_CUSTOMER_COLUMNS
    assert [key["Name"] for key in cleansed["PartitionKeys"]] == ["ingestion_date", "run_id"]
    assert as_tuples(of_run(rows_through_catalog(pipeline, "cleansed"), RUN_ID), SAMPLE_COLUMNS) == EXPECTED_CLEANSED


def test_a_second_run_adds_its_partition_and_the_new_column_and_the_first_still_reads(
    pipeline: LocalPipeline, first_run: ExecutionRecord, second_run: ExecutionRecord
) -> None:
    assert (second_run.status, second_run.error) == ("SUCCEEDED", None), second_run.cause
    glue, database = pipeline.client("glue"), pipeline.outputs["database_name"]
    for stage in ("raw", "cleansed"):
        table = glue.get_table(DatabaseName=database, Name=f"{stage}_customers")["Table"]
        assert table["StorageDescriptor"]["Columns"][-1] == {"Name": "segment", "Type": "string"}, stage
        assert [values[-1] for values in partition_values(glue, database, f"{stage}_customers")] == [RUN_ID, SECOND_RUN_ID], stage

    raw = rows_through_catalog(pipeline, "raw")
    assert {row["segment"] for row in of_run(raw, RUN_ID)} == {None}
    # A null is written to the CSV as an empty field, which OpenCSVSerde reads as "".
    assert sorted((row["customer_id"], row["segment"]) for row in of_run(raw, SECOND_RUN_ID) if row["segment"]) == [("1", "b2b")] * 2
    cleansed = rows_through_catalog(pipeline, "cleansed")
    assert as_tuples(of_run(cleansed, RUN_ID), SAMPLE_COLUMNS) == EXPECTED_CLEANSED
    assert {row["segment"] for row in of_run(cleansed, RUN_ID)} == {None}
    assert {row["customer_id"]: row["segment"] for row in of_run(cleansed, SECOND_RUN_ID)} == {1: "b2b", 2: None, 7: None}


def test_a_rerun_of_a_run_id_replaces_its_partition(pipeline: LocalPipeline, second_run: ExecutionRecord) -> None:
    rerun = pipeline.run(SECOND_RUN_ID)

    assert (rerun.status, rerun.error) == ("SUCCEEDED", None), rerun.cause
    glue, database = pipeline.client("glue"), pipeline.outputs["database_name"]
    assert [values[-1] for values in partition_values(glue, database, "raw_customers")] == [RUN_ID, SECOND_RUN_ID]
    assert len(of_run(rows_through_catalog(pipeline, "raw"), SECOND_RUN_ID)) == pipeline.source_rows()


# Each job's catalog statement (iam.tf) removed -> the run fails at the job's step naming one of the
# statement's actions (the extract job's GetTable is also allowed by ReadSourceCatalog, as the source
# tables share the database, so its first refused call is a later one of the registration).
CATALOG_ACTIONS = {
    "glue:GetTable",
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:CreatePartition",
    "glue:UpdatePartition",
}
CATALOG_REMOVALS = {("extract", "CatalogRawTables"): "RunExtractJob", ("cleanse", "CatalogCleansedTables"): "RunCleanseJob"}


@pytest.mark.parametrize(("job", "sid"), sorted(CATALOG_REMOVALS))
def test_a_job_without_its_catalog_statement_fails_naming_the_permission_and_the_role(
    pipeline: LocalPipeline, first_run: ExecutionRecord, job: str, sid: str
) -> None:
    role = f"{pipeline.name_prefix}-{job}-job"
    with statement_removed(role, sid):
        record = pipeline.run(f"no-{sid.lower()}", tables=["customers"])

    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    failed = (record.report or {})["tables"]["customers"]
    assert (failed["step"], failed["error"]) == (CATALOG_REMOVALS[(job, sid)], "JobFailed")
    named = re.search(r"is not authorized to perform: (glue:\w+)", failed["cause"])
    assert named and named.group(1) in CATALOG_ACTIONS, failed["cause"]
    assert f"assumed-role/{role}/" in failed["cause"], failed["cause"]
