"""A crawler with a JDBC target catalogs a real PostgreSQL table: its columns and types, its
location and connection, through the credentials in the connection's Secrets Manager secret."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import advance_time
from local_aws.demo.postgres import PostgresServer, running_postgres
from tests.roles import CRAWLER_CATALOG_ACTIONS, catalog_statement, create_service_role


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        connection = server.connect()
        connection.run(
            "CREATE TABLE customers (customer_id integer, email text, balance numeric(12,2), signup_date date, "
            "updated_at timestamp, is_active boolean, score double precision)"
        )
        connection.close()
        yield server


@pytest.fixture
def glue(clean_emulator: str, postgres: PostgresServer) -> Any:
    secret = client("secretsmanager").create_secret(
        Name="source", SecretString=json.dumps({"username": postgres.user, "password": postgres.password})
    )["ARN"]
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
        ],
    )
    glue.create_connection(
        ConnectionInput={
            "Name": "source-connection",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": postgres.jdbc_url, "SECRET_ID": secret},
        }
    )
    return glue


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
