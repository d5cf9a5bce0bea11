"""Outside Glue, what GlueContext does for a catalog table whose source is a JDBC connection: look
the table up in the Glue catalog (the local emulator's, through AWS_ENDPOINT_URL), resolve its
connection and Secrets Manager credentials, and read it with Spark's JDBC source. Glue itself never
imports this module."""

import json
import os
from typing import Any

from pyspark.sql import DataFrame, SparkSession

JDBC_DRIVERS = {"postgresql": "org.postgresql.Driver", "mysql": "com.mysql.cj.jdbc.Driver"}


class CatalogTableNotReadable(RuntimeError):
    """The catalog table cannot be read outside Glue; the message says what to do instead."""


def catalog_reachable() -> bool:
    return bool(os.environ.get("AWS_ENDPOINT_URL"))


def _jdbc_options(glue: Any, secrets_manager: Any, table: dict[str, Any]) -> dict[str, str]:
    connection_name = table.get("Parameters", {}).get("connectionName")
    if not connection_name:
        raise CatalogTableNotReadable(
            f"catalog table {table['Name']} is not a JDBC table; pass --source_path <file> to read a file instead."
        )
    properties = glue.get_connection(Name=connection_name)["Connection"]["ConnectionProperties"]
    url = properties["JDBC_CONNECTION_URL"]
    if "SECRET_ID" in properties:
        secret = json.loads(secrets_manager.get_secret_value(SecretId=properties["SECRET_ID"])["SecretString"])
        user, password = secret["username"], secret["password"]
    else:
        user, password = properties["USERNAME"], properties["PASSWORD"]
    engine = url.split(":")[1]
    # A JDBC crawler locates a table as <database>.<schema>.<table>; the connection names the database.
    source_table = table["StorageDescriptor"]["Location"].split(".", 1)[1]
    return {"url": url, "dbtable": source_table, "user": user, "password": password, "driver": JDBC_DRIVERS.get(engine, "")}


def read_jdbc_catalog_table(spark: SparkSession, database: str, table_name: str) -> DataFrame:
    import boto3

    glue, secrets_manager = boto3.client("glue"), boto3.client("secretsmanager")
    table = glue.get_table(DatabaseName=database, Name=table_name)["Table"]
    return spark.read.format("jdbc").options(**_jdbc_options(glue, secrets_manager, table)).load()
