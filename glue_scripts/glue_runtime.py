"""The one seam between the job scripts and Glue. In a job run (on Glue, or a local run of the
emulator, whose Glue stand-in provides `awsglue`): GlueContext, catalog reads with transformation
contexts (so job bookmarks work) and Job.commit(). Run by hand on files: a local SparkSession
reading and writing the same paths, with plain paths for `s3://` ones."""

import csv
import json
import sys
from pathlib import Path
from typing import Any, NoReturn, Protocol

from awsglue.utils import GlueArgumentError, getResolvedOptions
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import StringType, StructField, StructType

from run_ids import run_id_problem

CSV_OPTIONS = {"header": "true", "escape": '"', "quote": '"'}


RUN_ID_PLACEHOLDER = "{run_id}"


def resolve_arguments(argv: list[str], required: list[str], optional: tuple[str, ...] = ()) -> dict[str, str]:
    """Glue's own argument parsing, on Glue and locally; a missing required argument, or a run id
    that may not name a folder (run_ids.py), exits with status 2 and its name before anything is
    read or written. In a Glue workflow run, {run_id} in any argument is the run's id
    (`workflow_run_id`)."""
    present = [name for name in optional if f"--{name}" in argv]
    try:
        arguments = dict(getResolvedOptions(argv, [*required, *present]))
    except GlueArgumentError as error:
        refuse(argv, str(error))
    if "--WORKFLOW_RUN_ID" in argv:
        run_id = workflow_run_id(argv)
        arguments = {
            name: value.replace(RUN_ID_PLACEHOLDER, run_id) if isinstance(value, str) else value for name, value in arguments.items()
        }
    if "run_id" in arguments and (problem := run_id_problem(arguments["run_id"])):
        refuse(argv, f"--run_id: {problem}")
    return arguments


def refuse(argv: list[str], problem: str) -> NoReturn:
    print(f"{Path(argv[0]).stem}: {problem}", file=sys.stderr)
    raise SystemExit(2)


def workflow_run_id(argv: list[str]) -> str:
    """The run id of a job run started by a Glue workflow (Glue passes --WORKFLOW_NAME and
    --WORKFLOW_RUN_ID): the run property `run_id` when the run was started with one
    (`aws glue start-workflow-run --run-properties run_id=<id>`), else the workflow run's own id;
    checked before it replaces {run_id} in any path.
    https://docs.aws.amazon.com/glue/latest/dg/workflow-run-properties-code.html"""
    import boto3

    workflow = getResolvedOptions(argv, ["WORKFLOW_NAME", "WORKFLOW_RUN_ID"])
    properties = boto3.client("glue").get_workflow_run_properties(Name=workflow["WORKFLOW_NAME"], RunId=workflow["WORKFLOW_RUN_ID"])
    # A run_id given empty is refused as the first state refuses it, not replaced by the run's id.
    run_id = properties.get("RunProperties", {}).get("run_id", workflow["WORKFLOW_RUN_ID"])
    if problem := run_id_problem(run_id):
        refuse(argv, f"the workflow run property run_id: {problem}; start the run with --run-properties run_id=<such an id>")
    return str(run_id)


def log_event(event: str, **fields: Any) -> None:
    """One structured log line (JSON) on stdout, which Glue sends to CloudWatch Logs."""
    print(json.dumps({"event": event, **fields}, default=str), flush=True)


def reads_past_a_bookmark(argv: list[str]) -> bool:
    """Whether this run reads only the rows past its job's bookmark (`job-bookmark-enable` or
    `-pause`): a rerun then reads less than the run it repeats."""
    option = argv[argv.index("--job-bookmark-option") + 1] if "--job-bookmark-option" in argv[:-1] else "job-bookmark-disable"
    return option != "job-bookmark-disable"


def running_as_job_run(argv: list[str]) -> bool:
    # Glue passes the job run's ID to every script it runs; a script run by hand has none.
    return "--JOB_RUN_ID" in argv


class JobRuntime(Protocol):
    spark: SparkSession

    def read_catalog_table(
        self, database: str, table: str, transformation_ctx: str, additional_options: dict[str, Any] | None = None
    ) -> DataFrame: ...

    def commit(self) -> None: ...


class GlueJobRuntime:
    def __init__(self, argv: list[str]) -> None:
        from awsglue.context import GlueContext
        from awsglue.job import Job
        from pyspark.context import SparkContext

        self.glue_context = GlueContext(SparkContext.getOrCreate())
        self.spark = self.glue_context.spark_session
        self.job = Job(self.glue_context)
        job_arguments = getResolvedOptions(argv, ["JOB_NAME"])
        self.job.init(job_arguments["JOB_NAME"], job_arguments)

    def read_catalog_table(
        self, database: str, table: str, transformation_ctx: str, additional_options: dict[str, Any] | None = None
    ) -> DataFrame:
        dynamic_frame = self.glue_context.create_dynamic_frame.from_catalog(
            database=database, table_name=table, transformation_ctx=transformation_ctx, additional_options=additional_options or {}
        )
        return dynamic_frame.toDF()

    def commit(self) -> None:
        self.job.commit()


class LocalSourceUnavailable(RuntimeError):
    """A script run by hand was asked to read a catalog table."""


class LocalJobRuntime:
    def __init__(self, app_name: str) -> None:
        self.spark = local_spark_session(app_name)

    def read_catalog_table(
        self, database: str, table: str, transformation_ctx: str, additional_options: dict[str, Any] | None = None
    ) -> DataFrame:
        raise LocalSourceUnavailable(
            f"Run by hand, outside a job run, catalog table {database}.{table} cannot be read: pass --source_path <file> "
            "(CSV with a header, Parquet or JSON) to read the source from a file instead, or start the job as a job run "
            "(on Glue, or on the local emulator with local_aws.control.run_jobs_locally(), as make demo does)."
        )

    def commit(self) -> None:
        """Bookmarks exist only in job runs."""


def local_spark_session(app_name: str) -> SparkSession:
    """local[*] Spark, in UTC."""
    spark = (
        SparkSession.builder.master("local[*]")
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def start_job(app_name: str, argv: list[str]) -> JobRuntime:
    return GlueJobRuntime(argv) if running_as_job_run(argv) else LocalJobRuntime(app_name)


def read_file(spark: SparkSession, path: str) -> DataFrame:
    """Read a CSV (with header, every column a string), Parquet or JSON file or folder."""
    lowered = path.rstrip("/").lower()
    if lowered.endswith(".parquet"):
        return spark.read.parquet(path)
    if lowered.endswith(".json") or lowered.endswith(".jsonl"):
        return spark.read.json(path)
    # The schema given, not inferred: Spark would otherwise read the input once more for its header.
    schema = StructType([StructField(name, StringType()) for name in csv_header(spark, path)])
    return spark.read.options(**CSV_OPTIONS).schema(schema).csv(path)


def csv_header(spark: SparkSession, path: str) -> list[str]:
    """The column names on the first line of the first data file at `path` ([] when it is empty)."""
    files = data_files(spark, path)
    if not files:
        return []
    jvm_path, file_system = _hadoop_path(spark, min(files))
    jvm = spark._jvm
    stream = file_system.open(jvm_path)
    try:
        reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(stream, "UTF-8"))  # type: ignore[union-attr]
        line = reader.readLine()
    finally:
        stream.close()
    return next(csv.reader([line]), []) if line else []


def _hadoop_path(spark: SparkSession, path: str) -> tuple[Any, Any]:
    jvm_path = spark._jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[union-attr]
    return jvm_path, jvm_path.getFileSystem(spark._jsc.hadoopConfiguration())


def data_files(spark: SparkSession, path: str) -> list[str]:
    """The files at `path` (a file, or a folder's files at any depth) but markers (_SUCCESS, .crc)."""
    jvm_path, file_system = _hadoop_path(spark, path)
    if not file_system.exists(jvm_path):
        return []
    found, files = [], file_system.listFiles(jvm_path, True)
    while files.hasNext():
        file_path = files.next().getPath()
        if not file_path.getName().startswith(("_", ".")):
            found.append(str(file_path.toString()))
    return found


def holds_data_files(spark: SparkSession, path: str) -> bool:
    return bool(data_files(spark, path))


def read_json(spark: SparkSession, path: str) -> Any:
    """The JSON document at `path` (an S3 key on Glue), or None when there is none."""
    jvm_path, file_system = _hadoop_path(spark, path)
    if not file_system.exists(jvm_path):
        return None
    stream = file_system.open(jvm_path)
    try:
        reader = spark.sparkContext._jvm.java.io.BufferedReader(spark.sparkContext._jvm.java.io.InputStreamReader(stream, "UTF-8"))  # type: ignore[union-attr]
        return json.loads("\n".join(iter(reader.readLine, None)))
    finally:
        stream.close()


def write_json(spark: SparkSession, path: str, document: dict[str, Any]) -> None:
    """Write `document` as one JSON file at `path` (an S3 key on Glue), replacing it."""
    jvm_path, file_system = _hadoop_path(spark, path)
    stream = file_system.create(jvm_path, True)
    try:
        stream.write(bytearray(json.dumps(document, default=str).encode()))
    finally:
        stream.close()


def matching_paths(spark: SparkSession, pattern: str) -> list[str]:
    """The files or folders matching the glob `pattern`, in order."""
    jvm_path, file_system = _hadoop_path(spark, pattern)
    return sorted(str(match.getPath().toString()) for match in file_system.globStatus(jvm_path) or [])


def delete_matching(spark: SparkSession, pattern: str) -> int:
    """Delete every file or folder matching the glob `pattern`; return how many."""
    jvm_path, file_system = _hadoop_path(spark, pattern)
    matches = file_system.globStatus(jvm_path) or []
    for match in matches:
        file_system.delete(match.getPath(), True)
    return len(matches)
