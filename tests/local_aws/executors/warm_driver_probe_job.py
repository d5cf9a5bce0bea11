"""A Glue job script of the tests that records what it finds of earlier runs on the same Spark
driver (module state, temporary views, SQL conf, environment, SDK credentials), then leaves traces
of its own for the next run to find. Writes <output_path>/<label>.json."""

import json
import os
import sys
from pathlib import Path

import boto3
import warm_driver_probe_library as library
from awsglue.context import GlueContext
from awsglue.utils import getResolvedOptions
from botocore.exceptions import ClientError
from pyspark.context import SparkContext
from pyspark.sql import functions

arguments = getResolvedOptions(sys.argv, ["output_path", "label", "database"])
label = arguments["label"]
spark = GlueContext(SparkContext.getOrCreate()).spark_session

library.RUNS_SEEN.append(label)
try:
    boto3.client("glue").get_database(Name=arguments["database"])
    catalog_read = "allowed"
except ClientError as error:
    catalog_read = error.response["Error"]["Code"]
found = {
    "module_runs_seen": library.RUNS_SEEN,
    "temporary_views": sorted(table.name for table in spark.catalog.listTables() if table.isTemporary),
    "global_temporary_views": sorted(table.name for table in spark.catalog.listTables("global_temp")),
    "shuffle_partitions": spark.conf.get("spark.sql.shuffle.partitions"),
    "environment_left": os.environ.get("LEFT_BY_A_PREVIOUS_RUN"),
    "caller": boto3.client("sts").get_caller_identity()["Arn"],
    "catalog_read": catalog_read,
    "python_udf": [row[0] for row in spark.range(3).select(functions.udf(library.exclaim)("id")).collect()],
    "application_id": spark.sparkContext.applicationId,
}

spark.range(1).createOrReplaceTempView(f"left_by_{label}")
spark.range(1).createOrReplaceGlobalTempView(f"left_globally_by_{label}")
spark.range(1).cache().count()
spark.conf.set("spark.sql.shuffle.partitions", "7")
os.environ["LEFT_BY_A_PREVIOUS_RUN"] = label

output = Path(arguments["output_path"])
output.mkdir(parents=True, exist_ok=True)
(output / f"{label}.json").write_text(json.dumps(found))
