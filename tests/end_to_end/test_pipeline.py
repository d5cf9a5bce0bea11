"""The whole pipeline as `make demo` runs it, on the dirty customers sample: PostgreSQL -> job1 over
JDBC on local Spark -> raw CSV in the emulator's S3 -> crawler1 -> job2 -> cleansed Parquet and
quarantine -> crawler2, checked row by row; a rerun of the same run id; job1 without each statement
of its role."""

from collections.abc import Iterator
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
    "RunCleanseJob",
    "StartCleansedCrawler",
    "ResetCleansedCrawlerPolls",
    "CheckCleansedCrawlerPollLimit",
    "CountCleansedCrawlerPoll",
    "WaitForCleansedCrawler",
    "GetCleansedCrawlerStatus",
    "IsCleansedCrawlerDone",
    "SummarizeRun",
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


def cleansed(pipeline: LocalPipeline) -> list[tuple[Any, ...]]:
    rows = pipeline.parquet_rows(pipeline.outputs["cleansed_path"], RUN_ID)
    return sorted(tuple(row[column] for column in SAMPLE_COLUMNS) for row in rows)


def quarantined(pipeline: LocalPipeline) -> list[tuple[Any, ...]]:
    rows = pipeline.parquet_rows(pipeline.outputs["quarantine_path"], RUN_ID)
    return sorted(((row["customer_id"], row["_reject_reason"]) for row in rows), key=repr)


def test_the_run_takes_the_happy_path(first_run: Any) -> None:
    assert (first_run.status, first_run.error) == ("SUCCEEDED", None)
    assert first_run.states_entered == HAPPY_PATH


def test_the_cleansed_parquet_holds_exactly_the_clean_latest_rows(pipeline: LocalPipeline, first_run: Any) -> None:
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
    assert cleansed_table.location == f"s3://{bucket}/cleansed/customers/"
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
        ("ingestion_date", "string"),
        ("run_id", "string"),
    ]


def test_a_second_run_with_the_same_run_id_leaves_the_same_outputs(pipeline: LocalPipeline, first_run: Any) -> None:
    rerun = pipeline.run(RUN_ID)

    assert rerun.status == "SUCCEEDED"
    assert cleansed(pipeline) == EXPECTED_CLEANSED
    assert quarantined(pipeline) == sorted(EXPECTED_QUARANTINE, key=repr)
    assert len(pipeline.raw_rows(RUN_ID)) == 10


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
    assert sids == set(JOB_REMOVALS) | set(JOB_STATEMENTS_NOT_EXERCISED_LOCALLY)


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
