"""Glue jobs deployed to the emulator and run for real by its local executor, as the tests of the
Glue stand-in and of job bookmarks need them: a PostgreSQL source cataloged as a JDBC crawler
catalogs it (connection, Secrets Manager secret, table located at <database>.<schema>.<table>),
scripts uploaded to S3, runs started with the Glue API and awaited."""

import csv
import io
import json
import time
from pathlib import Path
from typing import Any

from local_aws.clients import client
from local_aws.demo.postgres import PostgresServer
from tests.roles import catalog_statement, create_service_role

BUCKET = "standin-lake"
DATABASE = "lake"
CONNECTION = "source-connection"
PROJECT_SCRIPTS = Path(__file__).resolve().parents[2] / "glue_scripts"
PROBE_SCRIPT = Path(__file__).resolve().parent / "glue_probe_job.py"
JOB_ROLE = "glue-job"
ANY_REGION = "arn:aws:glue:*:123456789012"
ENDED = ("SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED")


def deploy_lake() -> None:
    """The bucket, the catalog database and the role the jobs run under."""
    client("s3").create_bucket(Bucket=BUCKET)
    client("glue").create_database(DatabaseInput={"Name": DATABASE})
    create_service_role(
        JOB_ROLE,
        "glue.amazonaws.com",
        [
            {"Action": "s3:*", "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]},
            catalog_statement(["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"], DATABASE),
            {"Action": "glue:GetConnection", "Resource": [f"{ANY_REGION}:catalog", f"{ANY_REGION}:connection/*"]},
            {"Action": "secretsmanager:GetSecretValue", "Resource": "*"},
        ],
    )


def deploy_source(postgres: PostgresServer, **tls_properties: str) -> None:
    """The JDBC connection to `postgres`, its credentials in a Secrets Manager secret, and
    `tls_properties` (JDBC_ENFORCE_SSL, CUSTOM_JDBC_CERT) if given."""
    secret = client("secretsmanager").create_secret(
        Name="source", SecretString=json.dumps({"username": postgres.user, "password": postgres.password})
    )["ARN"]
    client("glue").create_connection(
        ConnectionInput={
            "Name": CONNECTION,
            "ConnectionType": "JDBC",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": postgres.jdbc_url, "SECRET_ID": secret, **tls_properties},
        }
    )


def create_source_table(postgres: PostgresServer, table: str, columns: str, rows: list[tuple[Any, ...]]) -> str:
    """Create `table` in PostgreSQL with `columns` (SQL) and `rows`, and catalog it; return its catalog name."""
    connection = postgres.connect()
    connection.run(f"CREATE TABLE {table} ({columns})")
    connection.close()
    insert_rows(postgres, table, rows)
    name = f"source_{postgres.database}_public_{table}"
    client("glue").create_table(
        DatabaseName=DATABASE,
        TableInput={
            "Name": name,
            "Parameters": {"classification": "postgresql", "connectionName": CONNECTION, "typeOfData": "table"},
            "StorageDescriptor": {"Location": f"{postgres.database}.public.{table}"},
        },
    )
    return name


def insert_rows(postgres: PostgresServer, table: str, rows: list[tuple[Any, ...]]) -> None:
    connection = postgres.connect()
    for row in rows:
        placeholders = ", ".join(f":c{index}" for index in range(len(row)))
        connection.run(f"INSERT INTO {table} VALUES ({placeholders})", **{f"c{index}": value for index, value in enumerate(row)})
    connection.close()


def probe_arguments(table: str, key_column: str, additional_options: str = "{}") -> dict[str, str]:
    """The probe script's arguments to read catalog table `table` and record its `key_column`."""
    return {
        "--output_path": f"s3://{BUCKET}/probe/",
        "--source_database": DATABASE,
        "--source_table": table,
        "--key_column": key_column,
        "--additional_options": additional_options,
    }


def create_job(
    name: str,
    script: Path,
    default_arguments: dict[str, str],
    libraries: tuple[Path, ...] = (),
    role: str = JOB_ROLE,
    glue_version: str = "5.0",
) -> None:
    s3 = client("s3")
    for path in (script, *libraries):
        s3.upload_file(str(path), BUCKET, f"scripts/{path.name}")
    if libraries:
        default_arguments = {**default_arguments, "--extra-py-files": ",".join(f"s3://{BUCKET}/scripts/{path.name}" for path in libraries)}
    client("glue").create_job(
        Name=name,
        Role=role,
        Command={"Name": "glueetl", "ScriptLocation": f"s3://{BUCKET}/scripts/{script.name}"},
        DefaultArguments=default_arguments,
        GlueVersion=glue_version,
    )


def create_extract_job(name: str, source_table: str) -> None:
    """The extract job as the module deploys it: extract_job.py with its library files."""
    libraries = tuple(path for path in sorted(PROJECT_SCRIPTS.glob("*.py")) if path.name != "extract_job.py")
    arguments = {"--source_database": DATABASE, "--source_table": source_table, "--job-bookmark-option": "job-bookmark-enable"}
    create_job(name, PROJECT_SCRIPTS / "extract_job.py", arguments, libraries)


def run_job(job_name: str, arguments: dict[str, str] | None = None, timeout_seconds: float = 300) -> dict[str, Any]:
    """Start a run of `job_name` and return the run once it has ended."""
    glue = client("glue")
    run_id = glue.start_job_run(JobName=job_name, Arguments=arguments or {})["JobRunId"]
    deadline = time.monotonic() + timeout_seconds
    while (run := glue.get_job_run(JobName=job_name, RunId=run_id)["JobRun"])["JobRunState"] not in ENDED:
        assert time.monotonic() < deadline, f"run {run_id} of {job_name} still {run['JobRunState']} after {timeout_seconds} s"
        time.sleep(0.5)
    result: dict[str, Any] = run
    return result


def read_json(key: str) -> Any:
    return json.loads(client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read())


def csv_rows(prefix: str) -> list[dict[str, str]]:
    """The rows of the CSV files under `prefix`."""
    s3, rows = client("s3"), []
    for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []):
        if item["Key"].endswith(".csv"):
            rows += list(csv.DictReader(io.StringIO(s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read().decode())))
    return rows
