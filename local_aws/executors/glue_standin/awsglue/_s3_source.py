"""A catalog table over S3 (what an S3 crawler writes), read from its location: the objects are
copied from the emulator's S3 to a local folder first, since local Spark cannot reach S3 itself
(see local_aws.executors.glue_jobs), then read as CSV (with the SerDe's separator, quote and escape and
the table's header setting) or Parquet; `<key>=<value>` folders become partition columns."""

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import boto3
from pyspark.sql import DataFrame, SparkSession


class UnsupportedS3Table(ValueError):
    """The table's format is not one the stand-in reads."""


def _download(location: str) -> Path:
    bucket, _, prefix = location.removeprefix("s3://").partition("/")
    folder = Path(tempfile.mkdtemp(prefix="glue-standin-table-"))
    atexit.register(shutil.rmtree, folder, True)
    s3 = boto3.client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            if item["Key"].endswith("/"):
                continue
            target = folder / item["Key"].removeprefix(prefix).lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            # GetObject, not download_file: a refusal then names AccessDenied and the key, not a bare HEAD 403.
            target.write_bytes(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
    return folder


def read_s3_table(spark: SparkSession, table: dict[str, Any]) -> DataFrame:
    storage = table["StorageDescriptor"]
    classification = table.get("Parameters", {}).get("classification") or storage.get("Parameters", {}).get("classification")
    if classification not in ("csv", "parquet"):
        raise UnsupportedS3Table(f"catalog table {table['Name']} is {classification!r}; the local stand-in reads csv and parquet tables")
    folder = str(_download(storage["Location"]))
    if classification == "parquet":
        return spark.read.parquet(folder)
    serde = storage.get("SerdeInfo", {}).get("Parameters", {})
    options = {
        "header": str(table.get("Parameters", {}).get("skip.header.line.count") == "1").lower(),
        "sep": serde.get("separatorChar") or serde.get("field.delim") or ",",
        "quote": serde.get("quoteChar", '"'),
        "escape": serde.get("escapeChar", "\\"),
    }
    return spark.read.options(**options).csv(folder)
