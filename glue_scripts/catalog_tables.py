"""The catalog entries a job writes for the files it has just written (the module's catalog_updates =
"jobs", with no crawler): the table `--catalog_table <database>.<table>`, created when absent and
given the columns it lacks, and the partitions of the run, created or replaced. Glue lets a job
update the catalog itself instead of a crawl (https://docs.aws.amazon.com/glue/latest/dg/update-from-job.html);
here through the Glue API, so that each entry is the one the module's crawler writes for the same
files: raw_<table> as the raw crawler's CSV classifier has it (header, OpenCSVSerDe, every column
a string), cleansed_<table> as a crawler reads Parquet. The calls, and the only ones: glue:GetTable,
glue:CreateTable, glue:UpdateTable, glue:CreatePartition, glue:UpdatePartition; and for the cleansed
history, whose rerun may write other partitions than the run's first attempt, glue:GetPartitions
and glue:BatchDeletePartition, to drop the partitions of the earlier attempt's files.

The data is written first and the catalog after it, so that a partition never names files that are
not there yet; a refused call fails the run with Glue's message, the written files stay, and a
rerun of the run registers them (a create of what exists is an update)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pyspark.sql.types import DataType, StructType, TimestampNTZType

# Glue keeps database, table and column names in lower case, 1 to 255 bytes; Athena reads a name
# of letters, digits and underscores only:
# https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html
CATALOG_TABLE = re.compile(r"([a-z0-9_]{1,255})\.([a-z0-9_]{1,255})", re.ASCII)

# What the raw crawler's classifier (glue.tf, aws_glue_classifier.raw_csv: ContainsHeader PRESENT,
# Serde OpenCSVSerDe) makes of the extract's CSV: OpenCSVSerde with the classifier's separator and
# quote, the header skipped, and every column a string, as OpenCSVSerDe reads every value as one
# (https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html,
# https://docs.aws.amazon.com/athena/latest/ug/csv-serde.html).
RAW_CSV_STORAGE = {
    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
        "Parameters": {"separatorChar": ",", "quoteChar": '"'},
    },
    "Parameters": {"classification": "csv"},
}
RAW_CSV_PARAMETERS = {"classification": "csv", "skip.header.line.count": "1"}
PARQUET_STORAGE = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", "Parameters": {}},
    "Parameters": {"classification": "parquet"},
}
PARQUET_PARAMETERS = {"classification": "parquet"}
# A crawler types the partition keys it reads from `key=value` folders as strings.
PARTITION_KEY_TYPE = "string"
# A BatchDeletePartition call deletes 25 partitions at most
# (https://docs.aws.amazon.com/glue/latest/webapi/API_BatchDeletePartition.html).
DELETE_BATCH = 25


class CatalogUpdateRefused(RuntimeError):
    """Glue refused a catalog call of the job; the files the run wrote stay."""


class CatalogTableMismatch(RuntimeError):
    """The table exists with other partition keys than the files the job writes."""


@dataclass(frozen=True)
class CatalogTable:
    database: str
    name: str

    def __str__(self) -> str:
        return f"{self.database}.{self.name}"


def catalog_table_problem(value: str) -> str | None:
    """What is wrong with a --catalog_table value, or None."""
    if CATALOG_TABLE.fullmatch(value):
        return None
    return (
        f"--catalog_table {value!r} must be <database>.<table>, each 1-255 lower case letters, digits or '_' "
        "(the names Glue keeps and Athena reads)"
    )


def parsed_catalog_table(value: str) -> CatalogTable:
    """A --catalog_table value already judged by catalog_table_problem."""
    database, name = value.split(".")
    return CatalogTable(database, name)


@dataclass(frozen=True)
class Folder:
    """A folder the job wrote: the table's location, and the `key=value` folders below it that name a partition."""

    location: str
    partition: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, path: str) -> "Folder":
        """The table location and partition of a path ending in `key=value` folders, e.g. s3://b/raw/t/run_id=1/."""
        segments = path.rstrip("/").split("/")
        partition: list[tuple[str, str]] = []
        while segments and "=" in segments[-1]:
            key, _, value = segments.pop().partition("=")
            partition.insert(0, (key, value))
        return cls(f"{'/'.join(segments)}/", tuple(partition))

    @property
    def partition_location(self) -> str:
        return self.location + "".join(f"{key}={value}/" for key, value in self.partition)


def glue_type(spark_type: DataType) -> str:
    """The Hive type a crawler gives a Parquet column that Spark wrote from `spark_type`."""
    if isinstance(spark_type, TimestampNTZType):
        return "timestamp"
    return spark_type.simpleString()


def parquet_columns(schema: StructType, partition_keys: Sequence[str]) -> list[dict[str, str]]:
    """The columns of the Parquet files Spark writes from `schema` (the partition columns are folders, not columns)."""
    return [{"Name": field.name.lower(), "Type": glue_type(field.dataType)} for field in schema.fields if field.name not in partition_keys]


def csv_columns(header: Sequence[str]) -> list[dict[str, str]]:
    return [{"Name": name.lower(), "Type": "string"} for name in header]


def partition_folder_problem(output_path: str) -> str | None:
    """What keeps the folder a run writes from being registered as the run's partition, or None."""
    if Folder.of(output_path).partition:
        return None
    return f"--output_path {output_path!r} must end in a <key>=<value>/ folder (run_id=<id>/), the run's partition in --catalog_table"


def register_raw_csv(glue: Any, table: CatalogTable, output_path: str, header: Sequence[str]) -> None:
    """Register the CSV (with `header`) a run wrote at `output_path`, a folder judged by partition_folder_problem."""
    folder = Folder.of(output_path)
    _register(
        glue,
        table,
        folder.location,
        [key for key, _ in folder.partition],
        csv_columns(header),
        RAW_CSV_STORAGE,
        RAW_CSV_PARAMETERS,
        [folder],
    )


def register_parquet(glue: Any, table: CatalogTable, schema: StructType, folders: Sequence[Folder]) -> None:
    """Register the Parquet (rows of `schema`) a run wrote in `folders`, at least one, all under one location."""
    keys = [key for key, _ in folders[0].partition]
    _register(glue, table, folders[0].location, keys, parquet_columns(schema, keys), PARQUET_STORAGE, PARQUET_PARAMETERS, folders)


def _register(
    glue: Any,
    table: CatalogTable,
    location: str,
    partition_keys: list[str],
    columns: list[dict[str, str]],
    storage: dict[str, Any],
    parameters: dict[str, str],
    folders: Sequence[Folder],
) -> None:
    from botocore.exceptions import ClientError

    try:
        _put_table(glue, table, location, partition_keys, columns, storage, parameters)
        for folder in folders:
            descriptor = {**storage, "Columns": columns, "Location": folder.partition_location}
            _put_partition(glue, table, [value for _, value in folder.partition], descriptor)
    except ClientError as error:
        raise _refused(table, error, f"The run's files stay under {location}; a rerun of the run registers them.") from error


def _refused(table: CatalogTable, error: Any, afterwards: str) -> CatalogUpdateRefused:
    """Glue's refusal of a call (a botocore ClientError) on `table`, and what becomes of the run's files."""
    details = error.response.get("Error", {})
    return CatalogUpdateRefused(
        f"catalog table {table}: Glue refused {error.operation_name} ({details.get('Code')}: {details.get('Message')}). {afterwards}"
    )


def _put_table(
    glue: Any,
    table: CatalogTable,
    location: str,
    partition_keys: list[str],
    columns: list[dict[str, str]],
    storage: dict[str, Any],
    parameters: dict[str, str],
) -> None:
    """Create the table, or update it when its columns, location or format are not the run's: a
    column the run's files have and the table lacks is added after the others, as a crawler's
    UPDATE_IN_DATABASE adds it, and the table keeps the columns only earlier runs have (their
    partitions keep describing their own files; CSV tables may only gain columns at their end:
    https://docs.aws.amazon.com/athena/latest/ug/updates-and-partitions.html)."""
    # In lower case, as Glue keeps every column name (a partition folder may be OrderDate=...).
    partition_keys = [key.lower() for key in partition_keys]
    keys = [{"Name": key, "Type": PARTITION_KEY_TYPE} for key in partition_keys]
    existing = _table_or_none(glue, table)
    if existing is None:
        try:
            glue.create_table(DatabaseName=table.database, TableInput=_table_input(table, location, keys, columns, storage, parameters, {}))
            return
        except glue.exceptions.AlreadyExistsException:  # created by a run of the same table meanwhile
            existing = glue.get_table(DatabaseName=table.database, Name=table.name)["Table"]
    if [key["Name"].lower() for key in existing.get("PartitionKeys", [])] != partition_keys:
        raise CatalogTableMismatch(
            f"catalog table {table} has the partition keys {[key['Name'] for key in existing.get('PartitionKeys', [])]}, "
            f"but the run wrote partitions by {partition_keys}: delete the table (its files stay) and rerun, or name another table"
        )
    merged = merged_columns(existing["StorageDescriptor"].get("Columns", []), columns)
    wanted = _table_input(table, location, keys, merged, storage, parameters, existing)
    current = {field: existing.get(field) for field in ("TableType", "Parameters", "PartitionKeys")}
    current["StorageDescriptor"] = {field: existing["StorageDescriptor"].get(field) for field in wanted["StorageDescriptor"]}
    if current != {field: wanted[field] for field in current}:
        glue.update_table(DatabaseName=table.database, TableInput=wanted)


def merged_columns(existing: list[dict[str, Any]], run: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The table's columns in their order, each typed as the run's files type it, then the run's new columns."""
    run_types = {column["Name"]: column["Type"] for column in run}
    known = {column["Name"] for column in existing}
    return [{**column, "Type": run_types.get(column["Name"], column["Type"])} for column in existing] + [
        column for column in run if column["Name"] not in known
    ]


def _table_input(
    table: CatalogTable,
    location: str,
    keys: list[dict[str, str]],
    columns: list[dict[str, Any]],
    storage: dict[str, Any],
    parameters: dict[str, str],
    existing: dict[str, Any],
) -> dict[str, Any]:
    """The table as the crawler writes it; parameters someone else set on an existing table are kept."""
    return {
        "Name": table.name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {**existing.get("Parameters", {}), **parameters},
        "PartitionKeys": keys,
        "StorageDescriptor": {**storage, "Columns": columns, "Location": location},
    }


def _table_or_none(glue: Any, table: CatalogTable) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = glue.get_table(DatabaseName=table.database, Name=table.name)["Table"]
        return found
    except glue.exceptions.EntityNotFoundException:
        return None


def _put_partition(glue: Any, table: CatalogTable, values: list[str], descriptor: dict[str, Any]) -> None:
    """Create the partition, or replace it when a rerun of the run registers it again."""
    partition = {"Values": values, "StorageDescriptor": descriptor}
    try:
        glue.create_partition(DatabaseName=table.database, TableName=table.name, PartitionInput=partition)
    except glue.exceptions.AlreadyExistsException:
        glue.update_partition(DatabaseName=table.database, TableName=table.name, PartitionValueList=values, PartitionInput=partition)


def forget_unwritten_partitions(glue: Any, table: CatalogTable, run_id: str, written_folders: Sequence[Folder]) -> list[list[str]]:
    """Delete the partitions of run `run_id` that its rerun did not write again (a rerun deletes the
    run's earlier files first, so those partitions name folders that are gone), as the cleansed
    crawler's DeleteBehavior DELETE_FROM_DATABASE drops them; the deleted partitions' values."""
    from botocore.exceptions import ClientError

    written = {tuple(value for _, value in folder.partition) for folder in written_folders}
    try:
        registered = [
            partition["Values"]
            for page in glue.get_paginator("get_partitions").paginate(
                DatabaseName=table.database, TableName=table.name, Expression=f"run_id = '{run_id}'"
            )
            for partition in page["Partitions"]
        ]
        stale = [values for values in registered if tuple(values) not in written]
        for start in range(0, len(stale), DELETE_BATCH):
            batch = [{"Values": values} for values in stale[start : start + DELETE_BATCH]]
            deleted = glue.batch_delete_partition(DatabaseName=table.database, TableName=table.name, PartitionsToDelete=batch)
            # A partition already gone (a concurrent rerun deleted it) is what was wanted.
            errors = [error for error in deleted.get("Errors", []) if error["ErrorDetail"].get("ErrorCode") != "EntityNotFoundException"]
            if errors:
                detail = errors[0]["ErrorDetail"]
                raise CatalogUpdateRefused(
                    f"catalog table {table}: Glue did not delete the partition {errors[0]['PartitionValues']} of the run's earlier "
                    f"files ({detail.get('ErrorCode')}: {detail.get('ErrorMessage')}); a rerun of the run deletes it."
                )
    except glue.exceptions.EntityNotFoundException:
        return []  # no table yet: nothing registered
    except ClientError as error:
        afterwards = "The run's files are written and registered; a rerun of the run deletes the partitions of its earlier files."
        raise _refused(table, error, afterwards) from error
    return stale
