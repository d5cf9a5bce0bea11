"""A Glue job script of the tests, written as any Glue script is. It records what a job run gives a
script (its argv, its resolved options, where `awsglue` came from) in --output_path; with
--source_table it reads that catalog table under the transformation context "source" (with
--additional_options as JSON), records the --key_column values it read and the count of a
DynamicFrame made back from them, commits, and fails afterwards when --fail_after_commit is passed."""

import inspect
import json
import sys
from pathlib import Path

from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

arguments = getResolvedOptions(sys.argv, ["JOB_NAME", "output_path"])
output = Path(arguments["output_path"])
output.mkdir(parents=True, exist_ok=True)
(output / "run.json").write_text(
    json.dumps(
        {
            "argv": sys.argv[1:],
            "resolved": arguments,
            "getResolvedOptions": inspect.getsourcefile(getResolvedOptions),
            "GlueContext": inspect.getsourcefile(GlueContext),
        }
    )
)

if "--source_table" in sys.argv:
    source = getResolvedOptions(sys.argv, ["source_database", "source_table", "key_column", "additional_options"])
    glue_context = GlueContext(SparkContext.getOrCreate())
    job = Job(glue_context)
    job.init(arguments["JOB_NAME"], arguments)
    frame = glue_context.create_dynamic_frame.from_catalog(
        database=source["source_database"],
        table_name=source["source_table"],
        transformation_ctx="source",
        additional_options=json.loads(source["additional_options"]),
    )
    keys = frame.toDF().select(source["key_column"])
    read = {"keys": sorted(row[0] for row in keys.collect()), "count": DynamicFrame.fromDF(keys, glue_context, "keys").count()}
    (output / "read.json").write_text(json.dumps(read))
    job.commit()
    if "--fail_after_commit" in sys.argv:
        sys.exit("failing after job.commit(), as the test asked")
