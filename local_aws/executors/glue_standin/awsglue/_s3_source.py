"""A catalog table over S3 (what an S3 crawler writes), read from its location: the objects are
copied from the emulator's S3 to a local folder first, since local Spark cannot reach S3 itself
(see local_aws.executors.glue_jobs), then read as CSV (with the SerDe's separator, quote and escape and
the table's header setting) or Parquet; `<key>=<value>` folders become partition columns. A read
with a job bookmark copies only the objects the bookmark has not seen (`_s3_bookmarks`)."""

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import boto3
from pyspark.sql import DataFrame, SparkSession

from ._s3_bookmarks import S3Object


class UnsupportedS3Table(ValueError):
    """The table's format is not one the stand-in reads."""


class S3Table:
    def __init__(self, table: dict[str, Any]) -> None:
        self.table = table
        self.storage = table["StorageDescriptor"]
        self.classification = table.get("Parameters", {}).get("classification") or self.storage.get("Parameters", {}).get("classification")
        if self.classification not in ("csv", "parquet"):
            raise UnsupportedS3Table(
                f"catalog table {table['Name']} is {self.classification!r}; the local stand-in reads csv and parquet tables"
            )
        self.bucket, _, self.prefix = self.storage["Location"].removeprefix("s3://").partition("/")
        self.s3 = boto3.client("s3")

    def objects(self) -> list[S3Object]:
        """The objects at the table's location (folder markers aside), with their modification times."""
        listing = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        return [
            S3Object(item["Key"], int(item["LastModified"].timestamp() * 1000))
            for page in listing
            for item in page.get("Contents", [])
            if not item["Key"].endswith("/")
        ]

    def _download(self, objects: list[S3Object]) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="glue-standin-table-"))
        atexit.register(shutil.rmtree, folder, True)
        for item in objects:
            target = folder / item.key.removeprefix(self.prefix).lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            # GetObject, not download_file: a refusal then names AccessDenied and the key, not a bare HEAD 403.
            target.write_bytes(self.s3.get_object(Bucket=self.bucket, Key=item.key)["Body"].read())
        return folder

    def read(self, spark: SparkSession, objects: list[S3Object]) -> DataFrame:
        """The rows of `objects`, or no rows in the table's columns when there are none."""
        if not objects:
            columns = [*self.storage.get("Columns", []), *self.table.get("PartitionKeys", [])]
            kind = "string" if self.classification == "csv" else None  # CSV is read without inferring types
            return spark.createDataFrame([], ", ".join(f"`{column['Name']}` {kind or column['Type']}" for column in columns))
        folder = str(self._download(objects))
        if self.classification == "parquet":
            return spark.read.parquet(folder)
        serde = self.storage.get("SerdeInfo", {}).get("Parameters", {})
        options = {
            "header": str(self.table.get("Parameters", {}).get("skip.header.line.count") == "1").lower(),
            "sep": serde.get("separatorChar") or serde.get("field.delim") or ",",
            "quote": serde.get("quoteChar", '"'),
            "escape": serde.get("escapeChar", "\\"),
        }
        return spark.read.options(**options).csv(folder)
