"""A Glue job script of the tests that records which Spark runs it: pyspark's version, whether ANSI
SQL mode is on, and what a cast of a bad value gives there (null, or the error Spark raises).
Writes <output_path>/<label>.json; with --fail_on_bad_cast the cast's error fails the run."""

import json
import sys
from pathlib import Path

import pyspark
from awsglue.context import GlueContext
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

arguments = getResolvedOptions(sys.argv, ["output_path", "label"])
spark = GlueContext(SparkContext.getOrCreate()).spark_session

bad_cast = "SELECT CAST('not a number' AS INT) AS value"
if "--fail_on_bad_cast" in sys.argv:
    spark.sql(bad_cast).collect()
try:
    cast = str(spark.sql(bad_cast).collect()[0]["value"])
except Exception as error:  # Spark 4's ANSI mode raises where 3.5 gives null
    cast = type(error).__name__
found = {
    "pyspark": pyspark.__version__,
    "spark": spark.version,
    "ansi": spark.conf.get("spark.sql.ansi.enabled"),
    "bad_cast": cast,
}
output = Path(arguments["output_path"])
output.mkdir(parents=True, exist_ok=True)
(output / f"{arguments['label']}.json").write_text(json.dumps(found))
