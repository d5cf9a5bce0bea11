"""A crawler with a JDBC target catalogs a real PostgreSQL table: its columns and types, its
location and connection, through the credentials in the connection's Secrets Manager secret, and
with the TLS the connection requires (JDBC_ENFORCE_SSL, CUSTOM_JDBC_CERT) as Glue requires it."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import advance_time
from local_aws.demo.postgres import CertificateAuthority, PostgresServer, running_postgres
from tests.roles import CRAWLER_CATALOG_ACTIONS, catalog_statement, create_service_role

CERTIFICATES = "source-certificates"


def create_customers(server: PostgresServer) -> None:
    connection = server.connect()
    connection.run(
        "CREATE TABLE customers (customer_id integer, email text, balance numeric(12,2), signup_date date, "
        "updated_at timestamp, is_active boolean, score double precision)"
    )
    connection.close()


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        create_customers(server)
        yield server


@pytest.fixture(scope="module")
def postgres_without_tls() -> Iterator[PostgresServer]:
    with running_postgres(tls=False) as server:
        create_customers(server)
        yield server


@pytest.fixture
def glue(clean_emulator: str, postgres: PostgresServer) -> Any:
    secret = client("secretsmanager").create_secret(
        Name="source", SecretString=json.dumps({"username": postgres.user, "password": postgres.password})
    )["ARN"]
    client("s3").create_bucket(Bucket=CERTIFICATES)
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "lake"})
    create_service_role(
        "crawler",
        "glue.amazonaws.com",
        [
            catalog_statement(CRAWLER_CATALOG_ACTIONS, "lake"),
            {
                "Action": "glue:GetConnection",
                "Resource": ["arn:aws:glue:*:123456789012:catalog", "arn:aws:glue:*:123456789012:connection/*"],
            },
            {"Action": "secretsmanager:GetSecretValue", "Resource": secret},
            {"Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{CERTIFICATES}/*"},
        ],
    )
    create_connection(glue, postgres.jdbc_url)
    return glue


def create_connection(glue: Any, url: str, **tls_properties: str) -> None:
    """The connection source-connection to `url`, through the secret `source`, with `tls_properties`."""
    secret = client("secretsmanager").describe_secret(SecretId="source")["ARN"]
    properties = {"JDBC_CONNECTION_URL": url, "SECRET_ID": secret, **tls_properties}
    if tls_properties:  # in place of the fixture's
        glue.delete_connection(ConnectionName="source-connection")
    glue.create_connection(ConnectionInput={"Name": "source-connection", "ConnectionType": "JDBC", "ConnectionProperties": properties})


def certificate_in_s3(pem: bytes, key: str = "root.pem") -> str:
    client("s3").put_object(Bucket=CERTIFICATES, Key=key, Body=pem)
    return f"s3://{CERTIFICATES}/{key}"


def crawl(glue: Any, path: str) -> dict[str, Any]:
    glue.create_crawler(
        Name="source",
        Role="crawler",
        DatabaseName="lake",
        Targets={"JdbcTargets": [{"ConnectionName": "source-connection", "Path": path}]},
        TablePrefix="source_",
    )
    glue.start_crawler(Name="source")
    advance_time(60)
    crawler: dict[str, Any] = glue.get_crawler(Name="source")["Crawler"]
    assert crawler["State"] == "READY"
    return crawler


def test_the_source_table_is_cataloged_with_its_real_columns(glue: Any) -> None:
    assert crawl(glue, "sales/public/customers")["LastCrawl"]["Status"] == "SUCCEEDED"

    table = glue.get_table(DatabaseName="lake", Name="source_sales_public_customers")["Table"]
    assert table["StorageDescriptor"]["Columns"] == [
        {"Name": "customer_id", "Type": "int"},
        {"Name": "email", "Type": "string"},
        {"Name": "balance", "Type": "decimal(12,2)"},
        {"Name": "signup_date", "Type": "date"},
        {"Name": "updated_at", "Type": "timestamp"},
        {"Name": "is_active", "Type": "boolean"},
        {"Name": "score", "Type": "double"},
    ]
    assert table["StorageDescriptor"]["Location"] == "sales.public.customers"
    assert table["Parameters"]["connectionName"] == "source-connection"
    assert table["Parameters"]["classification"] == "postgresql"


def test_an_include_path_matching_no_table_fails_the_crawl_saying_so(glue: Any) -> None:
    last_crawl = crawl(glue, "sales/public/orders")["LastCrawl"]

    assert last_crawl["Status"] == "FAILED"
    assert last_crawl["ErrorMessage"] == "UnsupportedJdbcSource: no table matches sales/public/orders through connection source-connection"


def test_a_connection_requiring_tls_catalogs_through_a_server_its_custom_certificate_verifies(glue: Any, postgres: PostgresServer) -> None:
    assert postgres.ca_certificate is not None
    create_connection(glue, postgres.jdbc_url, JDBC_ENFORCE_SSL="true", CUSTOM_JDBC_CERT=certificate_in_s3(postgres.ca_certificate))

    assert crawl(glue, "sales/public/customers")["LastCrawl"]["Status"] == "SUCCEEDED"
    assert glue.get_table(DatabaseName="lake", Name="source_sales_public_customers")["Table"]["StorageDescriptor"]["Columns"]


def test_a_connection_requiring_tls_fails_the_crawl_on_a_server_without_tls(glue: Any, postgres_without_tls: PostgresServer) -> None:
    create_connection(glue, postgres_without_tls.jdbc_url, JDBC_ENFORCE_SSL="TRUE")

    last_crawl = crawl(glue, "sales/public/customers")["LastCrawl"]

    assert last_crawl["Status"] == "FAILED"
    assert last_crawl["ErrorMessage"] == (
        "JdbcTlsFailed: connection source-connection has JDBC_ENFORCE_SSL true (TLS required, server certificate "
        "verified against the default root certificates): The server does not support SSL."
    )


def test_a_connection_requiring_tls_fails_the_crawl_on_a_certificate_its_custom_certificate_does_not_verify(
    glue: Any, postgres: PostgresServer
) -> None:
    other_authority = certificate_in_s3(CertificateAuthority("another CA").certificate)
    create_connection(glue, postgres.jdbc_url, JDBC_ENFORCE_SSL="true", CUSTOM_JDBC_CERT=other_authority)

    last_crawl = crawl(glue, "sales/public/customers")["LastCrawl"]

    assert last_crawl["Status"] == "FAILED"
    assert last_crawl["ErrorMessage"].startswith(
        f"JdbcTlsFailed: connection source-connection has JDBC_ENFORCE_SSL true (TLS required, server certificate "
        f"verified against CUSTOM_JDBC_CERT {other_authority}): SSL error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
    )


def test_without_a_custom_certificate_a_private_authority_is_not_trusted(glue: Any, postgres: PostgresServer) -> None:
    create_connection(glue, postgres.jdbc_url, JDBC_ENFORCE_SSL="true")

    last_crawl = crawl(glue, "sales/public/customers")["LastCrawl"]

    assert last_crawl["Status"] == "FAILED"
    assert "the default root certificates): SSL error: [SSL: CERTIFICATE_VERIFY_FAILED]" in last_crawl["ErrorMessage"]


def test_a_custom_certificate_glue_would_refuse_fails_the_crawl_naming_the_rule(glue: Any, postgres: PostgresServer) -> None:
    weak = certificate_in_s3(CertificateAuthority("weak CA", key_bits=1024).certificate)
    create_connection(glue, postgres.jdbc_url, JDBC_ENFORCE_SSL="true", CUSTOM_JDBC_CERT=weak)

    last_crawl = crawl(glue, "sales/public/customers")["LastCrawl"]

    assert last_crawl["Status"] == "FAILED"
    assert last_crawl["ErrorMessage"] == (
        f"CustomCertificateRefused: connection source-connection: CUSTOM_JDBC_CERT {weak}: CN=weak CA has a 1024-bit RSA key; "
        "Glue permits RSA keys of at least 2048 bits (or set SKIP_CUSTOM_JDBC_CERT_VALIDATION to true)"
    )


def test_a_custom_certificate_the_crawler_role_may_not_read_fails_the_crawl(glue: Any, postgres: PostgresServer) -> None:
    client("s3").create_bucket(Bucket="elsewhere")
    client("s3").put_object(Bucket="elsewhere", Key="root.pem", Body=postgres.ca_certificate or b"")
    create_connection(glue, postgres.jdbc_url, JDBC_ENFORCE_SSL="true", CUSTOM_JDBC_CERT="s3://elsewhere/root.pem")

    last_crawl = crawl(glue, "sales/public/customers")["LastCrawl"]

    assert last_crawl["Status"] == "FAILED"
    assert last_crawl["ErrorMessage"].startswith("AccessDenied: An error occurred (AccessDenied) when calling the GetObject operation")
    assert "not authorized to perform: s3:GetObject on resource: arn:aws:s3:::elsewhere/root.pem" in last_crawl["ErrorMessage"]
