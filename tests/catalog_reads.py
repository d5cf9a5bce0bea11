"""A catalog table's rows as a query engine reads them: from the locations of its partitions, with
the SerDe and parameters the catalog names, and nothing else (the tests of catalog_updates = "jobs").
OpenCSVSerde maps a CSV's fields to the table's columns by position, skipping
`skip.header.line.count` lines (https://docs.aws.amazon.com/athena/latest/ug/csv-serde.html);
ParquetHiveSerDe maps them by name (https://docs.aws.amazon.com/athena/latest/ug/parquet-serde.html);
a column a file lacks reads as null."""

import csv
import io
from typing import Any

import pyarrow.parquet as pq

OPEN_CSV_SERDE = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


def partition_values(glue: Any, database: str, table: str) -> list[list[str]]:
    """The value lists of the table's partitions, sorted."""
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table)
    return sorted(partition["Values"] for page in pages for partition in page["Partitions"])


def catalog_rows(glue: Any, s3: Any, database: str, table: str) -> list[dict[str, Any]]:
    """Every row of every partition of `database`.`table`, each with its partition keys' values."""
    described = glue.get_table(DatabaseName=database, Name=table)["Table"]
    columns = [column["Name"] for column in described["StorageDescriptor"]["Columns"]]
    keys = [key["Name"] for key in described.get("PartitionKeys", [])]
    serde = described["StorageDescriptor"]["SerdeInfo"]
    skipped = int(described.get("Parameters", {}).get("skip.header.line.count", "0"))
    pages = glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table)
    rows: list[dict[str, Any]] = []
    for partition in (partition for page in pages for partition in page["Partitions"]):
        values = dict(zip(keys, partition["Values"], strict=True))
        for body in files_under(s3, partition["StorageDescriptor"]["Location"]):
            rows += [{**row, **values} for row in file_rows(body, serde, columns, skipped)]
    return rows


def files_under(s3: Any, location: str) -> list[bytes]:
    """The data files under an s3:// location (Hadoop's markers aside)."""
    bucket, _, prefix = location.removeprefix("s3://").partition("/")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    return [s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys if not key.rsplit("/", 1)[-1].startswith(("_", "."))]


def file_rows(body: bytes, serde: dict[str, Any], columns: list[str], skipped_lines: int) -> list[dict[str, Any]]:
    library = serde["SerializationLibrary"]
    if library == OPEN_CSV_SERDE:
        parameters = serde.get("Parameters", {})
        reader = csv.reader(
            io.StringIO(body.decode()), delimiter=parameters.get("separatorChar", ","), quotechar=parameters.get("quoteChar", '"')
        )
        records = list(reader)[skipped_lines:]
        return [{column: record[index] if index < len(record) else None for index, column in enumerate(columns)} for record in records]
    if library == PARQUET_SERDE:
        read = pq.read_table(io.BytesIO(body)).to_pylist()
        return [{column: row.get(column) for column in columns} for row in read]
    raise AssertionError(f"no reader for the SerDe {library}")
