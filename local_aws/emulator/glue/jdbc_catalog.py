"""What a Glue crawler with a JDBC target writes to the catalog, for PostgreSQL sources: one table
per source table matching the include path, named `<prefix><database>_<schema>_<table>`, with the
source's real columns and types, located at `<database>.<schema>.<table>` and tied to the connection.
The connection's URL and the Secrets Manager secret it names are read as Glue reads them, and the
TLS its properties require (JDBC_ENFORCE_SSL, CUSTOM_JDBC_CERT) is required as Glue requires it, by
the rules the jobs' stand-in applies too (`_jdbc_tls`)."""

import json
import re
import ssl
from typing import Any

import pg8000.native

from local_aws.executors.glue_standin.awsglue._jdbc_tls import RequiredTls, required_tls

POSTGRES_TO_GLUE_TYPES = {
    "smallint": "smallint",
    "integer": "int",
    "bigint": "bigint",
    "real": "float",
    "double precision": "double",
    "boolean": "boolean",
    "date": "date",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamp",
    "text": "string",
    "character varying": "string",
    "character": "string",
    "uuid": "string",
    "json": "string",
    "jsonb": "string",
}
POSTGRES_URL = re.compile(r"^jdbc:postgresql://(?P<host>[^:/]+)(:(?P<port>\d+))?/(?P<database>[^?]+)")


class UnsupportedJdbcSource(ValueError):
    """The connection or include path names something the local crawler cannot read."""


class JdbcTlsFailed(ConnectionError):
    """The connection requires TLS and the server offered none, or a certificate that fails verification."""


def glue_type(data_type: str, precision: int | None, scale: int | None) -> str:
    if data_type == "numeric":
        return f"decimal({precision},{scale})" if precision is not None else "decimal(38,18)"
    return POSTGRES_TO_GLUE_TYPES.get(data_type, "string")


def connection_details(glue: Any, secrets_manager: Any, s3: Any, connection_name: str) -> dict[str, Any]:
    """Host, port, database, user, password and TLS (`tls`: a RequiredTls or None) of a Glue JDBC
    connection to PostgreSQL."""
    properties = glue.get_connection(Name=connection_name)["Connection"]["ConnectionProperties"]
    url = properties.get("JDBC_CONNECTION_URL", "")
    match = POSTGRES_URL.match(url)
    if not match:
        raise UnsupportedJdbcSource(
            f"connection {connection_name}: only jdbc:postgresql://host:port/database URLs are emulated, not {url!r}"
        )
    if "SECRET_ID" in properties:
        secret = json.loads(secrets_manager.get_secret_value(SecretId=properties["SECRET_ID"])["SecretString"])
        user, password = secret["username"], secret["password"]
    else:
        user, password = properties["USERNAME"], properties["PASSWORD"]
    return {
        "host": match["host"],
        "port": int(match["port"] or 5432),
        "database": match["database"],
        "user": user,
        "password": password,
        "tls": required_tls(connection_name, properties, s3),
    }


def connect(details: dict[str, Any]) -> pg8000.native.Connection:
    """A connection as `details` say, with the TLS they require, if any."""
    tls: RequiredTls | None = details["tls"]
    arguments = {name: value for name, value in details.items() if name != "tls"}
    if tls is None:
        return pg8000.native.Connection(**arguments)
    try:
        return pg8000.native.Connection(**arguments, ssl_context=tls.ssl_context())
    except (pg8000.native.InterfaceError, ssl.SSLError) as error:
        # pg8000 says "Server refuses SSL" where Glue's PostgreSQL driver says "The server does not support SSL.".
        reason = "The server does not support SSL." if str(error) == "Server refuses SSL" else f"SSL error: {error}"
        raise JdbcTlsFailed(f"{tls.describe()}: {reason}") from None


def source_columns(details: dict[str, Any], schema: str, table_pattern: str) -> dict[str, list[dict[str, str]]]:
    connection = connect(details)
    try:
        rows = connection.run(
            "SELECT table_name, column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns "
            "WHERE table_schema = :schema AND table_name LIKE :pattern ORDER BY table_name, ordinal_position",
            schema=schema,
            pattern=table_pattern,
        )
    finally:
        connection.close()
    tables: dict[str, list[dict[str, str]]] = {}
    for table_name, column_name, data_type, precision, scale in rows:
        tables.setdefault(table_name, []).append({"Name": column_name, "Type": glue_type(data_type, precision, scale)})
    return tables


def catalog_jdbc_target(
    glue: Any, secrets_manager: Any, s3: Any, database: str, target: dict[str, Any], table_prefix: str = ""
) -> list[str]:
    """Create or update the catalog tables for one JDBC target; return their names."""
    connection_name = target["ConnectionName"]
    parts = target["Path"].split("/")
    if len(parts) != 3:
        raise UnsupportedJdbcSource(f"include path {target['Path']!r}: expected <database>/<schema>/<table or pattern with %>")
    source_database, schema, table_pattern = parts
    details = connection_details(glue, secrets_manager, s3, connection_name)
    tables = source_columns({**details, "database": source_database}, schema, table_pattern)
    if not tables:
        raise UnsupportedJdbcSource(f"no table matches {target['Path']} through connection {connection_name}")
    names = []
    for source_table, columns in tables.items():
        name = f"{table_prefix}{source_database}_{schema}_{source_table}".lower()
        table_input = {
            "Name": name,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "postgresql", "connectionName": connection_name, "typeOfData": "table"},
            "StorageDescriptor": {"Columns": columns, "Location": f"{source_database}.{schema}.{source_table}"},
        }
        try:
            glue.create_table(DatabaseName=database, TableInput=table_input)
        except glue.exceptions.AlreadyExistsException:
            glue.update_table(DatabaseName=database, TableInput=table_input)
        names.append(name)
    return names
