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

TEXT_FORMATS = {
    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
}
PARQUET_STORAGE = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", "Parameters": {}},
}


@dataclass(frozen=True)
class CsvClassifier:
    """How a crawler reads CSV: its custom CSV classifier's settings, or the built-in classifier's
    (UNKNOWN header, SerDe of the crawler's choosing). https://docs.aws.amazon.com/glue/latest/webapi/API_CsvClassifier.html"""

    contains_header: str = "UNKNOWN"
    delimiter: str = ","
    quote_symbol: str = '"'
    serde: str = "None"

    @classmethod
    def from_api(cls, spec: dict[str, Any]) -> "CsvClassifier":
        return cls(
            contains_header=spec.get("ContainsHeader", cls.contains_header),
            delimiter=spec.get("Delimiter", cls.delimiter),
            quote_symbol=spec.get("QuoteSymbol", cls.quote_symbol),
            serde=spec.get("Serde", cls.serde),
        )

    @property
    def storage(self) -> dict[str, Any]:
        if self.serde == "OpenCSVSerDe":
            library, parameters = (
                "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                {"separatorChar": self.delimiter, "quoteChar": self.quote_symbol},
            )
        else:
            # "The built-in CSV classifier creates tables referencing the LazySimpleSerDe":
            # https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html
            library, parameters = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", {"field.delim": self.delimiter}
        return {**TEXT_FORMATS, "SerdeInfo": {"SerializationLibrary": library, "Parameters": parameters}}


BUILT_IN_CSV = CsvClassifier()


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


def _column_types(rows: list[list[str]], width: int) -> list[str]:
    return [_csv_type([row[index] for row in rows if index < len(row)]) for index in range(width)]


def first_row_is_header(rows: list[list[str]]) -> bool:
    """The built-in classifier's rule: every value of the first row parses as a string, and the
    rows below differ from it, one or more columns parsing as other than string. So a file whose
    columns are all strings is read without a header. https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html"""
    if len(rows) < 2 or any(_csv_type([value]) != "string" for value in rows[0]):
        return False
    return any(column_type != "string" for column_type in _column_types(rows[1:], len(rows[0])))


def csv_columns(content: bytes, classifier: CsvClassifier = BUILT_IN_CSV) -> tuple[list[dict[str, str]], bool]:
    """The columns a crawler reads from a CSV file, and whether it took the first line for the header.
    Without a header, columns are named col0, col1, ...; with OpenCSVSerDe every column is a string
    (the SerDe reads every value as one: https://docs.aws.amazon.com/athena/latest/ug/csv-serde.html)."""
    reader = csv.reader(io.StringIO(content.decode("utf-8")), delimiter=classifier.delimiter, quotechar=classifier.quote_symbol)
    rows = list(itertools.islice(reader, CSV_SAMPLE_ROWS + 1))
    header = {"PRESENT": True, "ABSENT": False}.get(classifier.contains_header)
    has_header = first_row_is_header(rows) if header is None else header
    width = len(rows[0]) if rows else 0
    names = [name.lower() for name in rows[0]] if has_header else [f"col{index}" for index in range(width)]
    data = rows[1:] if has_header else rows
    types = ["string"] * width if classifier.serde == "OpenCSVSerDe" else _column_types(data, width)
    return [{"Name": name, "Type": column_type} for name, column_type in zip(names, types, strict=True)], has_header


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


def combined_schema(schemas: list[list[dict[str, str]]]) -> list[dict[str, str]]:
    """One schema for files of compatible schemas, as a crawler with TableGroupingPolicy
    CombineCompatibleSchemas (the module's) makes it: every column of every file, in the order
    they first appear (https://docs.aws.amazon.com/glue/latest/dg/crawler-grouping-policy.html);
    a column typed bigint in one file and double in another is a double, any other difference a string."""
    merged: dict[str, str] = {}
    for columns in schemas:
        for column in columns:
            known, given = merged.get(column["Name"]), column["Type"]
            merged[column["Name"]] = given if known in (None, given) else "double" if {known, given} == {"bigint", "double"} else "string"
    return [{"Name": name, "Type": kind} for name, kind in merged.items()]


def table_input(
    s3: Any, s3_path: str, table_name: str, csv_classifier: CsvClassifier = BUILT_IN_CSV
) -> tuple[dict[str, Any], list[DataFile]]:
    """The TableInput a crawler writes for the data under `s3_path`, and the files it found."""
    bucket, prefix = split_s3_path(s3_path)
    files = data_files(s3, bucket, prefix)
    if not files:
        raise NoDataToCrawl(f"No data files under {s3_path}.")
    # The first file of each partition, so that a column only later runs' files have is in the table.
    samples: dict[tuple[tuple[str, str], ...], DataFile] = {}
    for data_file in files:
        samples.setdefault(data_file.partition, data_file)
    sample = files[0]
    contents = [s3.get_object(Bucket=bucket, Key=data_file.key)["Body"].read() for data_file in samples.values()]
    is_parquet = sample.key.endswith(".parquet") or contents[0][:4] == b"PAR1"
    if is_parquet:
        columns, has_header = combined_schema([parquet_columns(content) for content in contents]), False
    else:
        read = [csv_columns(content, csv_classifier) for content in contents]
        columns, has_header = combined_schema([columns for columns, _ in read]), read[0][1]
    partition_keys = [{"Name": name, "Type": "string"} for name, _ in sample.partition]
    classification = "parquet" if is_parquet else "csv"
    parameters = {"classification": classification, "UPDATED_BY_CRAWLER": "local-aws"}
    if has_header:
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
                **(PARQUET_STORAGE if is_parquet else csv_classifier.storage),
                "Parameters": {"classification": classification},
            },
        },
        files,
    )


def catalog_s3_target(
    glue: Any,
    s3: Any,
    database: str,
    s3_path: str,
    table_prefix: str = "",
    csv_classifier: CsvClassifier = BUILT_IN_CSV,
    delete_missing_partitions: bool = False,
) -> str:
    """Create or update the table for `s3_path`, add its new partitions and, with
    `delete_missing_partitions` (DeleteBehavior DELETE_FROM_DATABASE), delete those whose files are
    gone; return the table name."""
    folder_name = split_s3_path(s3_path)[1].rstrip("/").split("/")[-1]
    table_name = f"{table_prefix}{folder_name}".lower().replace("-", "_")
    table, files = table_input(s3, s3_path, table_name, csv_classifier)
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
    key_names = [key["Name"] for key in table["PartitionKeys"]]
    present = {data_file.partition for data_file in files if data_file.partition}
    known_partitions = {tuple(zip(key_names, values, strict=True)) for values in known if len(values) == len(key_names)}
    new_partitions = present - known_partitions
    gone = sorted(known - {tuple(value for _, value in partition) for partition in present}) if delete_missing_partitions else []
    for start in range(0, len(gone), 25):
        glue.batch_delete_partition(
            DatabaseName=database,
            TableName=table_name,
            PartitionsToDelete=[{"Values": list(values)} for values in gone[start : start + 25]],
        )
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
