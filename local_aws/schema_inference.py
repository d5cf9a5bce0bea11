"""What an emulated crawler writes to the catalog: the table (columns, partition keys,
format, location) and partitions that a Glue crawler infers from the files under an S3 target.

It reads and writes only through the public S3 and Glue APIs, so it runs against any emulator.
"""

import csv
import io
import itertools
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

CSV_SAMPLE_ROWS = 1000

CSV_STORAGE = {
    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
        "Parameters": {"separatorChar": ",", "quoteChar": '"', "escapeChar": "\\"},
    },
}
PARQUET_STORAGE = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", "Parameters": {}},
}


class NoDataToCrawl(LookupError):
    """The target holds no data files."""


@dataclass(frozen=True)
class DataFile:
    key: str
    partition: tuple[tuple[str, str], ...]


def split_s3_path(path: str) -> tuple[str, str]:
    bucket, _, prefix = path.removeprefix("s3://").partition("/")
    return bucket, prefix if not prefix or prefix.endswith("/") else f"{prefix}/"


def data_files(s3: Any, bucket: str, prefix: str) -> list[DataFile]:
    """Files under the prefix, with the `key=value` partition folders between prefix and file."""
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            relative = item["Key"][len(prefix) :].split("/")
            folders, name = relative[:-1], relative[-1]
            if not name or name.startswith(("_", ".")) or name.endswith("$folder$") or item["Size"] == 0:
                continue
            partition = tuple((key, value) for key, _, value in (folder.partition("=") for folder in folders if "=" in folder))
            found.append(DataFile(item["Key"], partition))
    return sorted(found, key=lambda data_file: data_file.key)


def _csv_type(values: list[str]) -> str:
    present = [value for value in values if value != ""]
    if not present:
        return "string"
    for glue_type, parse in (("bigint", int), ("double", float)):
        try:
            for value in present:
                parse(value)
            return glue_type
        except ValueError:
            continue
    if all(value.lower() in ("true", "false") for value in present):
        return "boolean"
    return "string"


def csv_columns(content: bytes) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(content.decode("utf-8")))
    header = next(reader, [])
    sample = list(itertools.islice(reader, CSV_SAMPLE_ROWS))
    return [
        {"Name": name.lower(), "Type": _csv_type([row[index] for row in sample if index < len(row)])} for index, name in enumerate(header)
    ]


def glue_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_int8(arrow_type) or pa.types.is_int16(arrow_type) or pa.types.is_int32(arrow_type):
        return "int"
    if pa.types.is_integer(arrow_type):
        return "bigint"
    if pa.types.is_float32(arrow_type):
        return "float"
    if pa.types.is_floating(arrow_type):
        return "double"
    if pa.types.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_binary(arrow_type):
        return "binary"
    return "string"


def parquet_columns(content: bytes) -> list[dict[str, str]]:
    schema = pq.read_schema(io.BytesIO(content))
    return [{"Name": field.name.lower(), "Type": glue_type(field.type)} for field in schema]


def table_input(s3: Any, s3_path: str, table_name: str) -> tuple[dict[str, Any], list[DataFile]]:
    """The TableInput a crawler writes for the data under `s3_path`, and the files it found."""
    bucket, prefix = split_s3_path(s3_path)
    files = data_files(s3, bucket, prefix)
    if not files:
        raise NoDataToCrawl(f"No data files under {s3_path}.")
    sample = files[0]
    content = s3.get_object(Bucket=bucket, Key=sample.key)["Body"].read()
    is_parquet = sample.key.endswith(".parquet") or content[:4] == b"PAR1"
    columns = parquet_columns(content) if is_parquet else csv_columns(content)
    partition_keys = [{"Name": name, "Type": "string"} for name, _ in sample.partition]
    classification = "parquet" if is_parquet else "csv"
    parameters = {"classification": classification, "UPDATED_BY_CRAWLER": "local-aws"}
    if not is_parquet:
        parameters["skip.header.line.count"] = "1"
    return (
        {
            "Name": table_name,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": parameters,
            "PartitionKeys": partition_keys,
            "StorageDescriptor": {
                "Columns": [column for column in columns if column["Name"] not in {key["Name"] for key in partition_keys}],
                "Location": f"s3://{bucket}/{prefix}",
                **(PARQUET_STORAGE if is_parquet else CSV_STORAGE),
                "Parameters": {"classification": classification},
            },
        },
        files,
    )


def catalog_s3_target(glue: Any, s3: Any, database: str, s3_path: str, table_prefix: str = "") -> str:
    """Create or update the table for `s3_path` and add its new partitions; return the table name."""
    folder_name = split_s3_path(s3_path)[1].rstrip("/").split("/")[-1]
    table_name = f"{table_prefix}{folder_name}".lower().replace("-", "_")
    table, files = table_input(s3, s3_path, table_name)
    try:
        glue.create_table(DatabaseName=database, TableInput=table)
    except glue.exceptions.AlreadyExistsException:
        glue.update_table(DatabaseName=database, TableInput=table)

    known = {
        tuple(partition["Values"])
        for page in glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table_name)
        for partition in page["Partitions"]
    }
    location = table["StorageDescriptor"]["Location"]
    new_partitions = {data_file.partition for data_file in files if data_file.partition} - {
        tuple(zip([key["Name"] for key in table["PartitionKeys"]], values, strict=True)) for values in known
    }
    partition_inputs = [
        {
            "Values": [value for _, value in partition],
            "StorageDescriptor": {**table["StorageDescriptor"], "Location": location + "/".join(f"{k}={v}" for k, v in partition) + "/"},
        }
        for partition in sorted(new_partitions)
    ]
    for start in range(0, len(partition_inputs), 100):
        glue.batch_create_partition(DatabaseName=database, TableName=table_name, PartitionInputList=partition_inputs[start : start + 100])
    return table_name
