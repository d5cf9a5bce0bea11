"""Job runs that use Iceberg as Glue 5.0 runs them (--datalake-formats iceberg, the catalog set up
by --conf): Iceberg's own GlueCatalog and S3FileIO work against the emulator under the job's role,
and what they commit is read back without Spark, as a consumer of the catalog reads it."""

import json
from pathlib import Path
from typing import Any

import pytest

from local_aws import emulator
from local_aws.clients import client
from local_aws.control import run_jobs_locally
from local_aws.iceberg_tables import load_table, table_rows
from tests.local_aws.local_job_runs import BUCKET, DATABASE, PROJECT_SCRIPTS, create_job, deploy_lake, run_job
from tests.roles import catalog_statement, create_service_role

PROBE = Path(__file__).resolve().parent / "iceberg_probe_job.py"
REGION = "us-east-1"
WAREHOUSE = f"s3://{BUCKET}/current/"
CATALOG = "spark.sql.catalog.glue_catalog"
# Glue's documented value of --conf for Iceberg (one argument, settings joined by " --conf "):
# https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-iceberg.html
ICEBERG_CONF = " --conf ".join(
    [
        "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        f"{CATALOG}=org.apache.iceberg.spark.SparkCatalog",
        f"{CATALOG}.warehouse={WAREHOUSE}",
        f"{CATALOG}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog",
        f"{CATALOG}.io-impl=org.apache.iceberg.aws.s3.S3FileIO",
    ]
)
ICEBERG_JOB = {"--datalake-formats": "iceberg", "--conf": ICEBERG_CONF}
ROLE_WITHOUT_UPDATE_TABLE = "glue-job-without-update-table"

pytestmark = pytest.mark.spark


def merge_arguments(table: str, rows: list[dict[str, Any]]) -> dict[str, str]:
    return {"--table": f"{DATABASE}.{table}", "--location": f"{WAREHOUSE}{table}", "--rows": json.dumps(rows)}


def rows_by_id(table: str) -> dict[int, tuple[str, int]]:
    return {row["id"]: (row["name"], row["version"]) for row in table_rows(DATABASE, table, REGION)}


@pytest.fixture(scope="module")
def lake(emulator_endpoint: str) -> None:
    emulator.reset()
    deploy_lake()
    create_service_role(
        ROLE_WITHOUT_UPDATE_TABLE,
        "glue.amazonaws.com",
        [
            {"Action": "s3:*", "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]},
            catalog_statement(["glue:GetDatabase", "glue:GetTable", "glue:CreateTable"], DATABASE),
        ],
    )
    commits = {"Effect": "Allow", **catalog_statement(["glue:CreateTable", "glue:UpdateTable"], DATABASE)}
    client("iam").put_role_policy(
        RoleName="glue-job", PolicyName="iceberg-commits", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [commits]})
    )
    run_jobs_locally()
    create_job("merge", PROBE, ICEBERG_JOB)
    create_job("merge-without-update-table", PROBE, ICEBERG_JOB, role=ROLE_WITHOUT_UPDATE_TABLE)
    create_job("merge-without-datalake-formats", PROBE, {"--conf": ICEBERG_CONF})


def test_a_run_creates_the_table_in_the_catalog_and_a_second_merges_into_it(lake: None) -> None:
    first = run_job("merge", merge_arguments("people", [{"id": 1, "name": "ada", "version": 1}, {"id": 2, "name": "bob", "version": 1}]))
    assert first["JobRunState"] == "SUCCEEDED", first.get("ErrorMessage")
    updated, stale = {"id": 2, "name": "bobby", "version": 2}, {"id": 1, "name": "stale", "version": 0}
    added = {"id": 3, "name": "cy", "version": 1}
    second = run_job("merge", merge_arguments("people", [updated, stale, added]))
    assert second["JobRunState"] == "SUCCEEDED", second.get("ErrorMessage")

    assert rows_by_id("people") == {1: ("ada", 1), 2: ("bobby", 2), 3: ("cy", 1)}
    parameters = client("glue").get_table(DatabaseName=DATABASE, Name="people")["Table"]["Parameters"]
    assert parameters["table_type"] == "ICEBERG"
    assert parameters["metadata_location"].startswith(f"{WAREHOUSE}people/metadata/")
    assert len(load_table(DATABASE, "people", REGION).snapshots()) == 2


def test_a_commit_the_role_may_not_make_fails_the_run_and_leaves_the_table_as_it_was(lake: None) -> None:
    created = run_job("merge", merge_arguments("places", [{"id": 1, "name": "oslo", "version": 1}]))
    assert created["JobRunState"] == "SUCCEEDED", created.get("ErrorMessage")
    before = client("glue").get_table(DatabaseName=DATABASE, Name="places")["Table"]["Parameters"]["metadata_location"]

    refused = run_job("merge-without-update-table", merge_arguments("places", [{"id": 1, "name": "bergen", "version": 2}]))

    assert refused["JobRunState"] == "FAILED"
    # Iceberg's words for Glue's AccessDeniedException on UpdateTable, as a job run on Glue reports them.
    assert "ForbiddenException: Cannot commit glue_catalog.lake.places" in refused["ErrorMessage"]
    assert client("glue").get_table(DatabaseName=DATABASE, Name="places")["Table"]["Parameters"]["metadata_location"] == before
    assert rows_by_id("places") == {1: ("oslo", 1)}


def test_a_job_that_uses_iceberg_without_asking_for_it_fails_as_on_glue(lake: None) -> None:
    run = run_job("merge-without-datalake-formats", merge_arguments("nowhere", [{"id": 1, "name": "x", "version": 1}]))

    assert run["JobRunState"] == "FAILED"
    assert "org.apache.iceberg.spark.SparkCatalog" in run["ErrorMessage"]


def test_the_cleanse_job_refuses_a_crawled_parquet_table_in_its_place_naming_the_step_to_take(lake: None) -> None:
    libraries = tuple(path for path in sorted(PROJECT_SCRIPTS.glob("*.py")) if path.name != "cleanse_job.py")
    create_job("cleanse", PROJECT_SCRIPTS / "cleanse_job.py", ICEBERG_JOB, libraries)
    client("s3").put_object(Bucket=BUCKET, Key="raw/people/run_id=r1/part-00000.csv", Body=b"id,name\n1,ada\n2,bob\n")
    # What the cleansed crawler left when cleansed_format was parquet: a Hive table of the Parquet history.
    glue = client("glue")
    glue.create_table(
        DatabaseName=DATABASE,
        TableInput={
            "Name": "cleansed_people",
            "Parameters": {"classification": "parquet"},
            "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "int"}], "Location": f"{WAREHOUSE}cleansed_people/"},
        },
    )
    arguments = {
        "--input_path": f"s3://{BUCKET}/raw/people/run_id=r1/",
        "--output_path": f"{WAREHOUSE}cleansed_people/",
        "--quarantine_path": f"s3://{BUCKET}/quarantine/people/",
        "--cleansing_rules": json.dumps({"key_columns": ["id"], "column_types": {"id": "int"}}),
        "--run_id": "r1",
        "--cleansed_format": "iceberg",
        "--cleansed_table": f"{DATABASE}.cleansed_people",
    }

    refused = run_job("cleanse", arguments)

    assert refused["JobRunState"] == "FAILED"
    assert "glue_catalog.lake.cleansed_people is in the Glue catalog but is not an Iceberg table" in refused["ErrorMessage"]
    assert "aws glue delete-table --database-name lake --name cleansed_people" in refused["ErrorMessage"]

    glue.delete_table(DatabaseName=DATABASE, Name="cleansed_people")
    created = run_job("cleanse", arguments)

    assert created["JobRunState"] == "SUCCEEDED", created.get("ErrorMessage")
    assert glue.get_table(DatabaseName=DATABASE, Name="cleansed_people")["Table"]["Parameters"]["table_type"] == "ICEBERG"
    assert sorted(row["name"] for row in table_rows(DATABASE, "cleansed_people", REGION)) == ["ada", "bob"]
