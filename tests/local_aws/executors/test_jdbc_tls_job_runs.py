"""A job reading a JDBC source through a connection with JDBC_ENFORCE_SSL true connects as Glue does:
TLS required, the server's certificate and host name verified against CUSTOM_JDBC_CERT (read from S3
under the job's role) or the default roots; a server without TLS or with a certificate those roots
do not verify fails the run with the PostgreSQL driver's own error, as on Glue."""

from collections.abc import Iterator

import pytest

from local_aws.clients import client
from local_aws.control import run_jobs_locally
from local_aws.demo.postgres import PostgresServer, running_postgres
from tests.local_aws.local_job_runs import BUCKET, create_extract_job, create_source_table, csv_rows, deploy_lake, deploy_source, run_job

pytestmark = pytest.mark.spark

CUSTOMERS = "customer_id integer PRIMARY KEY, email text"
ROWS = [(1, "a@example.com"), (2, "b@example.com")]


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@pytest.fixture
def lake(clean_emulator: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The lake and the emulator running jobs locally; a table name of the test's own."""
    deploy_lake()
    run_jobs_locally()
    yield request.node.name.removeprefix("test_")[:40]


def run_extract_job(server: PostgresServer, table: str) -> dict[str, str]:
    create_extract_job("extract", create_source_table(server, table, CUSTOMERS, ROWS))
    run = run_job("extract", {"--output_path": f"s3://{BUCKET}/raw/{table}/"})
    return {"state": run["JobRunState"], "error": run.get("ErrorMessage", "")}


def test_a_job_reads_a_tls_source_whose_certificate_the_custom_certificate_verifies(lake: str, postgres: PostgresServer) -> None:
    assert postgres.ca_certificate is not None
    client("s3").put_object(Bucket=BUCKET, Key="certificates/root.pem", Body=postgres.ca_certificate)
    deploy_source(postgres, JDBC_ENFORCE_SSL="true", CUSTOM_JDBC_CERT=f"s3://{BUCKET}/certificates/root.pem")

    assert run_extract_job(postgres, lake) == {"state": "SUCCEEDED", "error": ""}
    assert sorted(row["email"] for row in csv_rows(f"raw/{lake}/")) == ["a@example.com", "b@example.com"]


def test_a_job_requiring_tls_fails_on_a_server_without_tls(lake: str) -> None:
    with running_postgres(tls=False) as server:
        deploy_source(server, JDBC_ENFORCE_SSL="true")

        run = run_extract_job(server, lake)

    assert run["state"] == "FAILED"
    assert "org.postgresql.util.PSQLException: The server does not support SSL." in run["error"]


def test_a_job_requiring_tls_without_a_custom_certificate_does_not_trust_a_private_authority(lake: str, postgres: PostgresServer) -> None:
    deploy_source(postgres, JDBC_ENFORCE_SSL="true")

    run = run_extract_job(postgres, lake)

    assert run["state"] == "FAILED"
    assert "org.postgresql.util.PSQLException: SSL error: PKIX path building failed" in run["error"]
