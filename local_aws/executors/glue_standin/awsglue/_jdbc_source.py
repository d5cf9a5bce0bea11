"""A catalog table whose source is a JDBC connection (what a JDBC crawler writes), read as Glue reads
it: the connection's URL, the user and password from its Secrets Manager secret (or its own
USERNAME/PASSWORD), the TLS its properties require (`_jdbc_tls`), and the source table the crawler
located as `<database>.<schema>.<table>`."""

import json
import sys
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from ._jdbc_tls import required_tls

JDBC_DRIVERS = {"postgresql": "org.postgresql.Driver", "mysql": "com.mysql.cj.jdbc.Driver"}
# information_schema is standard SQL (PostgreSQL, MySQL, SQL Server), so one query serves them all.
PRIMARY_KEY_QUERY = (
    "SELECT kcu.column_name FROM information_schema.table_constraints tc "
    "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name "
    "AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name "
    "WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = {schema} AND tc.table_name = {table} "
    "ORDER BY kcu.ordinal_position"
)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class JdbcSource:
    def __init__(self, glue: Any, secrets_manager: Any, s3: Any, table: dict[str, Any]) -> None:
        connection_name = table["Parameters"]["connectionName"]
        properties = glue.get_connection(Name=connection_name)["Connection"]["ConnectionProperties"]
        url = properties["JDBC_CONNECTION_URL"]
        if "SECRET_ID" in properties:
            secret = json.loads(secrets_manager.get_secret_value(SecretId=properties["SECRET_ID"])["SecretString"])
            user, password = secret["username"], secret["password"]
        else:
            user, password = properties["USERNAME"], properties["PASSWORD"]
        self.connection_options = {"url": url, "user": user, "password": password, "driver": JDBC_DRIVERS.get(url.split(":")[1], "")}
        tls = required_tls(connection_name, properties, s3)
        if tls is not None:
            # As Glue logs it (https://github.com/awslabs/aws-glue-libs/issues/139); the driver's errors
            # (e.g. "The server does not support SSL.") fail the run as they fail it on Glue.
            print(f"glue stand-in: {tls.describe()}", file=sys.stderr)
            # The run's working folder, removed with the run.
            self.connection_options |= tls.jdbc_options(Path.cwd())
        # The connection names the database; a crawler locates a table as <database>.<schema>.<table>
        # (<database>.<table> where, as in MySQL, the database is the schema).
        location = table["StorageDescriptor"]["Location"].split(".")
        self.schema, self.table = location[-2], location[-1]
        self.dbtable = ".".join(location[1:])

    def read(self, spark: SparkSession) -> DataFrame:
        return spark.read.format("jdbc").options(**self.connection_options, dbtable=self.dbtable).load()

    def primary_key(self, spark: SparkSession) -> tuple[str, ...]:
        query = PRIMARY_KEY_QUERY.format(schema=_sql_string(self.schema), table=_sql_string(self.table))
        rows = spark.read.format("jdbc").options(**self.connection_options, query=query).load().collect()
        return tuple(row[0] for row in rows)


def is_jdbc_table(table: dict[str, Any]) -> bool:
    return bool(table.get("Parameters", {}).get("connectionName"))
