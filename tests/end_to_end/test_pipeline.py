"""The whole pipeline as `make demo` runs it, on the dirty customers sample: PostgreSQL -> job1 over
JDBC on local Spark -> raw CSV in the emulator's S3 -> crawler1 -> job2 -> the Iceberg table of the
cleansed customers' current state (read without Spark, as a consumer reads it) and the quarantine,
checked row by row; a rerun of the same run id; a second run with changed source rows; a job2 that
may not commit; job1 without each statement of its role."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from local_aws import emulator
from local_aws.demo.pipeline import LocalPipeline
from local_aws.terraform import PROJECT_ROOT
from tests.roles import statement_removed
from tests.sample_expectations import EXPECTED_CLEANSED, EXPECTED_QUARANTINE

pytestmark = [pytest.mark.terraform, pytest.mark.spark]

SAMPLE = PROJECT_ROOT / "sample_data" / "customers_dirty.csv"
RUN_ID = "e2e-1"
SAMPLE_COLUMNS = SAMPLE.read_text().splitlines()[0].split(",")
HAPPY_PATH = [
    "ResolveRunId",
    "UseGivenRunId",
    "LoadSettings",
    "RunRawJob",
    "StartRawCrawler",
    "ResetRawCrawlerPolls",
    "CheckRawCrawlerPollLimit",
    "CountRawCrawlerPoll",
    "WaitForRawCrawler",
    "GetRawCrawlerStatus",
    "IsRawCrawlerDone",
    "RunCleanseJob",  # an Iceberg table needs no crawl
    "ReportRun",
]


@pytest.fixture(scope="module")
def pipeline(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPipeline]:
    with LocalPipeline(
        SAMPLE, tmp_path_factory.mktemp("end-to-end"), name_prefix="e2e", emulator_endpoint=emulator_endpoint
    ) as local_pipeline:
        local_pipeline.apply()
        local_pipeline.catalog_source()
        yield local_pipeline
    emulator.reset()


@pytest.fixture(scope="module")
def first_run(pipeline: LocalPipeline) -> Any:
    return pipeline.run(RUN_ID)


def without_time_zone(value: Any) -> Any:
    """Spark's timestamps are Iceberg's timestamptz, which pyiceberg reads in UTC."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        assert value.utcoffset() == timedelta(0)
        return value.replace(tzinfo=None)
    return value


def cleansed(pipeline: LocalPipeline) -> list[tuple[Any, ...]]:
    """The current state of cleansed_customers, in the sample's columns."""
    return sorted(tuple(without_time_zone(row[column]) for column in SAMPLE_COLUMNS) for row in pipeline.current_state_rows())


def quarantined(pipeline: LocalPipeline) -> list[tuple[Any, ...]]:
    rows = pipeline.parquet_rows(pipeline.outputs["quarantine_path"], RUN_ID)
    return sorted(((row["customer_id"], row["_reject_reason"]) for row in rows), key=repr)


def test_the_run_takes_the_happy_path(first_run: Any) -> None:
    assert (first_run.status, first_run.error) == ("SUCCEEDED", None)
    assert first_run.states_entered == HAPPY_PATH


def test_the_run_report_is_the_executions_output_and_goes_to_cloudwatch(pipeline: LocalPipeline, first_run: Any) -> None:
    report = first_run.output
    database, bucket = pipeline.outputs["database_name"], pipeline.outputs["bucket_name"]

    assert report["rows"] == {
        "source_read": 10,
        "raw": 10,
        "cleansed": 3,
        "inserted": 3,
        "updated": 0,
        "unchanged": 0,
        "duplicates_removed": 2,
        "quarantined": 5,
    }
    assert report["quarantined_by_reason"] == {reason: 1 for _, reason in EXPECTED_QUARANTINE}
    assert report["tables"] == {"raw": f"{database}.raw_customers", "cleansed": f"{database}.cleansed_customers"}
    assert report["locations"]["quarantine"] == f"s3://{bucket}/quarantine/customers/run_id={RUN_ID}/"
    assert set(report["durations_seconds"]) == {"RunRawJob", "RawCrawler", "RunCleanseJob"}
    metrics = {metric["MetricName"] for metric in pipeline.client("cloudwatch").list_metrics(Namespace="GlueEtlPipeline")["Metrics"]}
    assert {"SourceRowsRead", "CleansedRows", "RowsInserted", "QuarantinedRows", "RunCleanseJobSeconds"} <= metrics


def test_the_current_state_holds_exactly_the_clean_latest_rows(pipeline: LocalPipeline, first_run: Any) -> None:
    assert cleansed(pipeline) == EXPECTED_CLEANSED


def test_the_quarantine_holds_exactly_the_dirty_rows_with_their_reasons(pipeline: LocalPipeline, first_run: Any) -> None:
    assert quarantined(pipeline) == sorted(EXPECTED_QUARANTINE, key=repr)


def test_raw_holds_every_source_row(pipeline: LocalPipeline, first_run: Any) -> None:
    raw = pipeline.raw_rows(RUN_ID)
    assert len(raw) == pipeline.source_rows() == 10
    assert list(raw[0]) == SAMPLE_COLUMNS


def test_the_three_catalog_tables_have_the_right_columns_and_locations(pipeline: LocalPipeline, first_run: Any) -> None:
    bucket = pipeline.outputs["bucket_name"]
    tables = {table.name: table for table in pipeline.tables()}

    assert sorted(tables) == ["cleansed_customers", "raw_customers", "source_sales_public_customers"]
    source, raw, cleansed_table = tables["source_sales_public_customers"], tables["raw_customers"], tables["cleansed_customers"]
    assert source.location == "sales.public.customers"
    assert source.columns == [("customer_id", "int"), *[(column, "string") for column in SAMPLE_COLUMNS[1:]]]
    assert raw.location == f"s3://{bucket}/raw/customers/"
    # crawler1's classifier asks for OpenCSVSerDe, which reads every raw column as a string.
    assert raw.columns == [*[(column, "string") for column in SAMPLE_COLUMNS], ("run_id", "string")]
    # Registered by job2 as Iceberg's GlueCatalog registers a table, in Hive's type names.
    assert cleansed_table.location == f"s3://{bucket}/cleansed/customers"
    assert cleansed_table.columns == [
        ("customer_id", "int"),
        ("first_name", "string"),
        ("last_name", "string"),
        ("email", "string"),
        ("signup_date", "date"),
        ("updated_at", "timestamp"),
        ("balance", "decimal(12,2)"),
        ("is_active", "boolean"),
        ("country", "string"),
        ("notes", "string"),
        ("ingestion_date", "date"),
        ("run_id", "string"),
    ]
    parameters = pipeline.client("glue").get_table(DatabaseName=pipeline.outputs["database_name"], Name="cleansed_customers")["Table"]
    assert parameters["Parameters"]["table_type"] == "ICEBERG"
    assert parameters["Parameters"]["metadata_location"].startswith(f"s3://{bucket}/cleansed/customers/metadata/")


def test_a_second_run_with_the_same_run_id_leaves_the_same_outputs(pipeline: LocalPipeline, first_run: Any) -> None:
    snapshots = len(pipeline.current_state_table().snapshots())
    rerun = pipeline.run(RUN_ID)

    assert rerun.status == "SUCCEEDED"
    assert cleansed(pipeline) == EXPECTED_CLEANSED
    assert len(pipeline.current_state_table().snapshots()) == snapshots  # nothing changed, nothing committed
    assert quarantined(pipeline) == sorted(EXPECTED_QUARANTINE, key=repr)
    assert len(pipeline.raw_rows(RUN_ID)) == 10


SECOND_RUN_ID = "e2e-2"
NEW_CUSTOMER = (8, "Grace", "Hopper", "grace@example.com", date(2024, 1, 11), datetime(2024, 5, 1, 10), Decimal("10.00"), True, "US", None)


def test_a_second_run_updates_changed_customers_adds_new_ones_and_keeps_the_rest(pipeline: LocalPipeline, first_run: Any) -> None:
    newer_ada = "UPDATE customers SET balance = '130.00', updated_at = '2024-05-01 09:00:00' WHERE customer_id = 1 AND notes IS NULL"
    pipeline.update_source(newer_ada)
    # An older version of customer 7 than the table holds: the table keeps its own.
    pipeline.update_source("UPDATE customers SET email = 'old@example.com', updated_at = '2023-01-01 00:00:00' WHERE customer_id = 7")
    pipeline.update_source(
        "INSERT INTO customers VALUES "
        "(8, 'Grace', 'Hopper', 'grace@example.com', '2024-01-11', '2024-05-01 10:00:00', '10.00', 'true', 'US', NULL)"
    )

    second = pipeline.run(SECOND_RUN_ID)

    assert (second.status, second.error) == ("SUCCEEDED", None)
    rows = (second.output or {})["rows"]
    assert (rows["inserted"], rows["updated"], rows["unchanged"]) == (1, 1, 2)
    ada = (*EXPECTED_CLEANSED[0][:5], datetime(2024, 5, 1, 9), Decimal("130.00"), *EXPECTED_CLEANSED[0][7:])
    assert cleansed(pipeline) == sorted([ada, *EXPECTED_CLEANSED[1:], NEW_CUSTOMER])
    written_by = {row["customer_id"]: row["run_id"] for row in pipeline.current_state_rows()}
    assert written_by == {1: SECOND_RUN_ID, 2: RUN_ID, 7: RUN_ID, 8: SECOND_RUN_ID}
    # The first run's state stays readable: Iceberg keeps it as a snapshot.
    first_snapshot = pipeline.current_state_table().snapshots()[0].snapshot_id
    first_state = pipeline.current_state_table().scan(snapshot_id=first_snapshot).to_arrow().to_pylist()
    assert sorted(tuple(without_time_zone(row[column]) for column in SAMPLE_COLUMNS) for row in first_state) == EXPECTED_CLEANSED


def test_a_job2_that_may_not_commit_fails_and_leaves_the_current_state_as_it_was(pipeline: LocalPipeline, first_run: Any) -> None:
    pipeline.update_source("UPDATE customers SET balance = '55.00', updated_at = '2024-06-01 10:00:00' WHERE customer_id = 2")
    before = (cleansed(pipeline), pipeline.current_state_table().metadata_location)

    with statement_removed(job_role(pipeline), "CommitCurrentStateTable"):
        record = pipeline.run("no-commit")

    assert (record.status, record.error) == ("FAILED", "JobFailed")
    assert (record.cause or "").startswith("RunCleanseJob failed: ")
    assert "Cannot commit glue_catalog" in (record.cause or "")
    assert (cleansed(pipeline), pipeline.current_state_table().metadata_location) == before
    assert len(pipeline.parquet_rows(pipeline.outputs["quarantine_path"], "no-commit")) == len(EXPECTED_QUARANTINE)


def test_a_run_quarantining_more_than_the_gate_allows_publishes_nothing(pipeline: LocalPipeline, first_run: Any) -> None:
    before = (cleansed(pipeline), pipeline.current_state_table().metadata_location)
    # 20 rows without an e-mail address: 25 of 31 rows quarantined, over examples/complete's 0.5.
    for customer_id in range(100, 120):
        pipeline.update_source(f"INSERT INTO customers (customer_id, updated_at) VALUES ({customer_id}, '2024-07-01')")
    try:
        record = pipeline.run("gated")
    finally:
        pipeline.update_source("DELETE FROM customers WHERE customer_id >= 100")

    assert (record.status, record.error) == ("FAILED", "QualityGateFailed")
    assert "quarantined 25 of 31 input rows (80.6%), more than max_quarantine_ratio 50.0%" in (record.cause or "")
    assert "required column email is missing (21 rows)" in (record.cause or "")
    assert (cleansed(pipeline), pipeline.current_state_table().metadata_location) == before
    assert len(pipeline.parquet_rows(pipeline.outputs["quarantine_path"], "gated")) == 25


# ---------------------------------------------------------------- the job role, statement by statement

# What a local job run never asks for, so removing it could not fail a run here.
JOB_STATEMENTS_NOT_EXERCISED_LOCALLY = {
    "ReachSourceInVpc": "the local source is on loopback: no VPC, no network interfaces",
    "WriteJobLogs": "Glue's delivery of job logs is not emulated",
    "PublishJobMetrics": "Glue's job metrics are not emulated",
    "ListOwnMultipartUploads": "the executor copies files to S3 in single-part uploads",
}
# Statement removed -> the permission the failed run names.
JOB_REMOVALS = {
    "ReadScripts": "s3:GetObject",
    "ReadWriteOwnData": "s3:GetObject",
    "ListLakeBucket": "s3:ListBucket",
    "ReadSourceCatalog": "glue:GetTable",
    "UseSourceConnection": "glue:GetConnection",
    "ReadSourceSecret": "secretsmanager:GetSecretValue",
}


def job_role(pipeline: LocalPipeline) -> str:
    return f"{pipeline.name_prefix}-glue-job"


def test_every_statement_of_the_job_role_is_exercised_or_said_not_to_be(pipeline: LocalPipeline) -> None:
    iam, role = pipeline.client("iam"), job_role(pipeline)
    sids = {
        statement["Sid"]
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
        for statement in iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]["Statement"]
    }
    # CommitCurrentStateTable: test_a_job2_that_may_not_commit_fails_and_leaves_the_current_state_as_it_was
    assert sids == set(JOB_REMOVALS) | set(JOB_STATEMENTS_NOT_EXERCISED_LOCALLY) | {"CommitCurrentStateTable"}


@pytest.mark.parametrize(("sid", "action"), sorted(JOB_REMOVALS.items()))
def test_job1_without_a_statement_of_its_role_fails_naming_the_permission_and_the_role(
    pipeline: LocalPipeline, first_run: Any, sid: str, action: str
) -> None:
    run_id = f"no-{sid.lower()}"
    with statement_removed(job_role(pipeline), sid):
        record = pipeline.run(run_id)

    assert (record.status, record.error) == ("FAILED", "JobFailed")
    cause = record.cause or ""
    assert cause.startswith("RunRawJob failed: ")
    assert action in cause
    assert f"role/{job_role(pipeline)}" in cause or f"assumed-role/{job_role(pipeline)}/" in cause
    assert list(pipeline.run_keys(pipeline.outputs["raw_path"], run_id)) == []
