"""A Glue job script of the tests: MERGEs --rows (a JSON list of {"id", "name", "version"}) into the
Iceberg table --table of the job's `glue_catalog`, created at --location when missing; the row
with the higher version wins."""

import json
import sys

from awsglue.utils import getResolvedOptions
from pyspark.sql import SparkSession

arguments = getResolvedOptions(sys.argv, ["table", "location", "rows"])
spark = SparkSession.builder.getOrCreate()
table = f"glue_catalog.{arguments['table']}"
spark.sql(f"CREATE TABLE IF NOT EXISTS {table} (id bigint, name string, version int) USING iceberg LOCATION '{arguments['location']}'")
spark.createDataFrame(json.loads(arguments["rows"]), "id bigint, name string, version int").createOrReplaceTempView("incoming")
spark.sql(
    f"MERGE INTO {table} AS current USING incoming ON current.id = incoming.id "
    "WHEN MATCHED AND incoming.version > current.version THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
)
