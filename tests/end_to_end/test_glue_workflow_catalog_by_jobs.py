"""A Glue workflow with catalog_updates = "jobs", end to end on real local Spark: each table's extract
job, then (once every extract job SUCCEEDED) each table's cleanse job, no crawl; the jobs catalog
what they wrote, so after a run raw_<table> and cleansed_<table> read through the catalog (the
partitions' locations, with the SerDe the catalog names) give the run's rows; a second run whose
source gained a column adds its partition and the column, and the first run's partition still reads.
The test root applied with its own source tables (source_<table> in the module's database over a
landing bucket the extract jobs may read)."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from local_aws import emulator
from local_aws.clients import client
from local_aws.control import run_jobs_locally, set_time_scale
from local_aws.terraform import PROJECT_ROOT
from tests.catalog_reads import catalog_rows, partition_values
from tests.stacks import TEST_ROOT, DeployedPipeline, applied, notifications, subscribe_to_notifications
from tests.state_machine.pipeline_support import await_workflow_run, workflow_job_runs

pytestmark = [pytest.mark.terraform, pytest.mark.spark]

NAME_PREFIX = "wf-jobs"
LANDING_BUCKET = "wf-jobs-landing"
SAMPLE_DATA = PROJECT_ROOT / "sample_data"
SAMPLES = {"customers": SAMPLE_DATA / "customers_dirty.csv", "orders": SAMPLE_DATA / "orders_dirty.csv"}
TABLES: dict[str, dict[str, Any]] = {
    "customers": {"key_columns": ["customer_id"], "email_columns": ["email"]},
    "orders": {"key_columns": ["order_id"], "order_by_column": "updated_at"},
}
# The keys the cleanse jobs keep of the samples (no column types: every value a string).
EXPECTED_KEYS = {"customers": ["1", "2", "4", "5", "6", "7"], "orders": ["101", "102", "103", "104", "105", "106", "107"]}
RUN_ID, SECOND_RUN_ID = "wf-jobs-1", "wf-jobs-2"
WORKFLOW_RUN_SECONDS = 900


def landing_csv(table: str, extra_column: tuple[str, str] | None = None) -> bytes:
    """The sample CSV of `table`, with a column (name, value on every row) appended when given."""
    rows = list(csv.reader(io.StringIO(SAMPLES[table].read_text())))
    if extra_column:
        rows = [[*rows[0], extra_column[0]], *([*row, extra_column[1]] for row in rows[1:])]
    written = io.StringIO()
    csv.writer(written, lineterminator="\n").writerows(rows)
    return written.getvalue().encode()


def landing_table(table: str, columns: list[str]) -> dict[str, Any]:
    """The caller's catalog table over its landing CSV, as the extract job reads it (source_<table>)."""
    return {
        "Name": f"source_{table}",
        "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Location": f"s3://{LANDING_BUCKET}/{table}/",
            "Columns": [{"Name": name, "Type": "string"} for name in columns],
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde", "Parameters": {"separatorChar": ","}},
        },
    }


def land(database: str, table: str, extra_column: tuple[str, str] | None = None) -> None:
    body = landing_csv(table, extra_column)
    client("s3").put_object(Bucket=LANDING_BUCKET, Key=f"{table}/{table}.csv", Body=body)
    header = next(csv.reader(io.StringIO(body.decode())))
    glue = client("glue")
    try:
        glue.update_table(DatabaseName=database, TableInput=landing_table(table, header))
    except glue.exceptions.EntityNotFoundException:
        glue.create_table(DatabaseName=database, TableInput=landing_table(table, header))


@pytest.fixture(scope="module")
def deployed(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeployedPipeline]:
    emulator.reset()
    client("s3").create_bucket(Bucket=LANDING_BUCKET)
    run_jobs_locally()  # before the apply: the jobs' Spark driver starts while Terraform works
    variables = {
        "name_prefix": NAME_PREFIX,
        "use_existing_bucket": True,
        "orchestration": "glue_workflow",
        "catalog_updates": "jobs",
        "source_s3_arns": [f"arn:aws:s3:::{LANDING_BUCKET}", f"arn:aws:s3:::{LANDING_BUCKET}/*"],
        "tables": TABLES,
    }
    workspace = applied(TEST_ROOT, tmp_path_factory.mktemp("workflow-catalog-by-jobs"), emulator_endpoint, variables)
    outputs = workspace.outputs()["etl"]
    for table in SAMPLES:
        land(outputs["database_name"], table)
    set_time_scale(0.1)
    yield DeployedPipeline(outputs, subscribe_to_notifications(outputs, "workflow-jobs-notifications"))
    emulator.reset()


@pytest.fixture(scope="module")
def first_run(deployed: DeployedPipeline) -> dict[str, Any]:
    return await_workflow_run(deployed, RUN_ID, WORKFLOW_RUN_SECONDS)


@pytest.fixture(scope="module")
def second_run(deployed: DeployedPipeline, first_run: dict[str, Any]) -> dict[str, Any]:
    """A run after the landing customers gained a column (and the caller cataloged it)."""
    land(deployed.outputs["database_name"], "customers", ("segment", "b2b"))
    return await_workflow_run(deployed, SECOND_RUN_ID, WORKFLOW_RUN_SECONDS)


def rows_through_catalog(deployed: DeployedPipeline, stage: str, table: str) -> list[dict[str, Any]]:
    return catalog_rows(client("glue"), client("s3"), deployed.outputs["database_name"], f"{stage}_{table}")


def of_run(rows: list[dict[str, Any]], run_id: str) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in row.items() if key not in ("run_id", "ingestion_date")} for row in rows if row["run_id"] == run_id
    ]


def sample_rows(table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(SAMPLES[table].read_text())))


def test_the_run_chains_extract_jobs_to_cleanse_jobs_with_no_crawl(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    for table in SAMPLES:
        for stage in ("extract_job", "cleanse_job"):
            runs = workflow_job_runs(deployed, table, stage)
            assert [run["JobRunState"] for run in runs] == ["SUCCEEDED"], [run.get("ErrorMessage") for run in runs]
    statistics = first_run["Statistics"]
    # Each table's extract job and cleanse job: no crawl between or after.
    assert (first_run["Status"], statistics["TotalActions"], statistics["SucceededActions"]) == ("COMPLETED", 4, 4), statistics
    assert client("glue").get_crawlers()["Crawlers"] == []
    assert notifications(deployed) == []


def test_the_rows_read_through_the_catalog_are_the_runs(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    glue, database = client("glue"), deployed.outputs["database_name"]
    for table in SAMPLES:
        raw = of_run(rows_through_catalog(deployed, "raw", table), RUN_ID)
        # Spark's CSV writer trims values (ignoreLeadingWhiteSpace/ignoreTrailingWhiteSpace default to true for writing).
        assert sorted(raw, key=repr) == sorted(({k: v.strip() for k, v in row.items()} for row in sample_rows(table)), key=repr), table
        cleansed = glue.get_table(DatabaseName=database, Name=f"cleansed_{table}")["Table"]
        assert cleansed["StorageDescriptor"]["Location"] == deployed.outputs["tables"][table]["cleansed_path"]
        assert [key["Name"] for key in cleansed["PartitionKeys"]] == ["ingestion_date", "run_id"]
        cleansed_rows = of_run(rows_through_catalog(deployed, "cleansed", table), RUN_ID)
        key = str(TABLES[table]["key_columns"][0])
        # The latest valid row of each key (tests/end_to_end/test_glue_workflow_pipeline.py, EXPECTED_CLEANSED).
        assert sorted(row[key] for row in cleansed_rows) == EXPECTED_KEYS[table], table


def test_a_second_run_adds_its_partition_and_the_new_column_and_the_first_still_reads(
    deployed: DeployedPipeline, first_run: dict[str, Any], second_run: dict[str, Any]
) -> None:
    assert (second_run["Status"], second_run["Statistics"]["SucceededActions"]) == ("COMPLETED", 4), second_run["Statistics"]
    glue, database = client("glue"), deployed.outputs["database_name"]
    for stage in ("raw", "cleansed"):
        table = glue.get_table(DatabaseName=database, Name=f"{stage}_customers")["Table"]
        assert table["StorageDescriptor"]["Columns"][-1] == {"Name": "segment", "Type": "string"}, stage
        assert [values[-1] for values in partition_values(glue, database, f"{stage}_customers")] == [RUN_ID, SECOND_RUN_ID], stage
        rows = rows_through_catalog(deployed, stage, "customers")
        assert {row["segment"] for row in of_run(rows, RUN_ID)} == {None}, stage
        assert {row["segment"] for row in of_run(rows, SECOND_RUN_ID)} == {"b2b"}, stage
        assert len(of_run(rows, RUN_ID)) == len(of_run(rows, SECOND_RUN_ID)), stage
