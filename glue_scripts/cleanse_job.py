"""The cleanse job: cleanses one run's raw CSV and writes rejected rows with their `_reject_reason` to the
quarantine. The cleansed rows go, by --cleansed_format:
- parquet (the default): snappy Parquet at --output_path, partitioned by ingestion date (or the
  rules' partition_column) and run; a rerun of the same --run_id replaces that run's output and
  nothing else;
- iceberg: MERGEd into the Iceberg table --cleansed_table (<database>.<table>) of the job's
  `glue_catalog`, created at --output_path when missing: one row per key, the current state
  (`current_state.py`). Needs the job's --datalake-formats iceberg and its --conf for glue_catalog.
  Rows leave it by --deletes mirror (the keys a run of every table, --run_covers_all_tables true,
  no longer extracts; at most --max_deleted_ratio of the table's rows, or the run publishes nothing
  and fails as the quality gate does) and by --deleted_flag_column (rows the source flags deleted).

    python glue_scripts/cleanse_job.py --input_path customers.csv \
        --output_path out/cleansed/customers/ --quarantine_path out/quarantine/customers/ \
        --cleansing_rules '{"key_columns": ["customer_id"]}' --run_id local
"""

import re
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from catalog_tables import (
    CatalogTable,
    Folder,
    catalog_table_problem,
    forget_unwritten_partitions,
    parsed_catalog_table,
    register_parquet,
)
from cleansing import Cleansing, cleanse, input_keys
from cleansing_rules import CleansingRules, InvalidCleansingRules
from current_state import CurrentStateTableMismatch, Deletes, DeletesOverLimit, merge_into_current_state
from glue_runtime import (
    JobRuntime,
    delete_matching,
    holds_data_files,
    log_event,
    matching_paths,
    read_file,
    read_json,
    resolve_arguments,
    start_job,
    write_json,
)
from run_figures import quarantine_ratio_data, rows_of, succeeded_tables_datum, table_metric_data

DEFAULT_MAX_RECORDS_PER_FILE = 1_000_000
CLEANSED_FORMATS = ("parquet", "iceberg")
DELETES = ("keep", "mirror")
DELETED_FLAG_TYPES = ("boolean", "timestamp")
# Glue Data Catalog names as Iceberg's GlueCatalog accepts them (lower case, digits, underscores).
CATALOG_TABLE_PATTERN = re.compile(r"^[a-z0-9_]{1,252}\.[a-z0-9_]{1,255}$")
ICEBERG_CATALOG = "glue_catalog"


class InvalidJobArgument(ValueError):
    """An argument's value cannot be used."""


class QualityGateFailed(RuntimeError):
    """The run quarantined more of its input than --max_quarantine_ratio allows, or its mirror deletes
    would remove more of the table than --max_deleted_ratio allows: nothing was published. Its name
    starts the job run's error message, which the state machine reports under this name."""


def checked_arguments(argv: list[str]) -> tuple[dict[str, str], CleansingRules, date]:
    arguments = resolve_arguments(
        argv,
        ["input_path", "output_path", "quarantine_path", "cleansing_rules", "run_id"],
        (
            "ingestion_date",
            "max_records_per_file",
            "cleansed_format",
            "cleansed_table",
            "max_quarantine_ratio",
            "report_path",
            "metrics_namespace",
            "metrics_pipeline",
            "metrics_table",
            "extract_report_path",
            "deletes",
            "deleted_flag_column",
            "max_deleted_ratio",
            "run_covers_all_tables",
            "catalog_table",
        ),
    )
    metrics = [name for name in ("metrics_namespace", "metrics_pipeline", "metrics_table", "report_path") if name in arguments]
    if "metrics_namespace" in arguments and len(metrics) < 4:
        raise InvalidJobArgument(
            "--metrics_namespace needs --metrics_pipeline, --metrics_table and --report_path too (the table's metrics are its figures)."
        )
    if not arguments.get("max_records_per_file", "1").isdigit():
        raise InvalidJobArgument(f"--max_records_per_file {arguments['max_records_per_file']!r} must be a whole number.")
    for ratio, example in (("max_quarantine_ratio", "0.05"), ("max_deleted_ratio", "0.1")):
        if ratio in arguments and not _is_ratio(arguments[ratio]):
            raise InvalidJobArgument(f"--{ratio} {arguments[ratio]!r} must be a number from 0 to 1, e.g. {example}.")
    if arguments.setdefault("run_covers_all_tables", "false") not in ("true", "false"):
        raise InvalidJobArgument(f"--run_covers_all_tables {arguments['run_covers_all_tables']!r} must be true or false.")
    if arguments.setdefault("deletes", "keep") not in DELETES:
        raise InvalidJobArgument(f"--deletes {arguments['deletes']!r} must be one of {', '.join(DELETES)}.")
    cleansed_format = arguments.setdefault("cleansed_format", "parquet")
    if cleansed_format not in CLEANSED_FORMATS:
        raise InvalidJobArgument(f"--cleansed_format {cleansed_format!r} must be one of {', '.join(CLEANSED_FORMATS)}.")
    if cleansed_format == "iceberg" and not CATALOG_TABLE_PATTERN.match(arguments.get("cleansed_table", "")):
        raise InvalidJobArgument(
            f"--cleansed_format iceberg needs --cleansed_table <database>.<table> in lower case letters, digits and '_' "
            f"(given: {arguments.get('cleansed_table')!r})."
        )
    if "catalog_table" in arguments:
        if problem := catalog_table_problem(arguments["catalog_table"]):
            raise InvalidJobArgument(problem + ".")
        if cleansed_format != "parquet":
            raise InvalidJobArgument(
                "--catalog_table is for --cleansed_format parquet: the Iceberg table --cleansed_table is in the catalog already."
            )
    # The Parquet history keeps every row as it came, a flagged one too: only the current state has rows to delete.
    if cleansed_format == "parquet" and (arguments["deletes"] == "mirror" or "deleted_flag_column" in arguments):
        asked = "--deletes mirror" if arguments["deletes"] == "mirror" else "--deleted_flag_column"
        raise InvalidJobArgument(
            f"{asked} needs --cleansed_format iceberg: the Parquet history keeps every row as it came and has none to delete."
        )
    today = datetime.now(UTC).date()
    ingestion_date = parsed_date("ingestion_date", arguments["ingestion_date"]) if "ingestion_date" in arguments else today
    rules = CleansingRules.from_json(arguments["cleansing_rules"])
    if "deleted_flag_column" in arguments:
        check_deleted_flag_column(arguments["deleted_flag_column"], rules)
    return arguments, rules, ingestion_date


def check_deleted_flag_column(name: str, rules: CleansingRules) -> None:
    """The flag must be typed, so that its values mean one thing: true, or a time set."""
    kind = rules.column_types.get(name)
    if kind in DELETED_FLAG_TYPES:
        return
    typed = f"typed {kind}" if kind else "not in column_types"
    raise InvalidJobArgument(
        f"--deleted_flag_column {name!r} must be a column that the cleansing rules' column_types type boolean (true: deleted) "
        f'or timestamp (set: deleted); it is {typed}: give it one of them, e.g. "{name}": "timestamp".'
    )


def parsed_date(name: str, text: str) -> date:
    """A date argument, judged here and not by a cast in Spark: a cast of a date that does not exist
    (2026-02-30) gives null with ANSI mode off (Spark 3.5: Glue 5.x), and raises, after the quarantine
    was written, with it on (the default from Spark 4 on, SPARK-44444: Glue 6.x;
    https://spark.apache.org/docs/latest/sql-migration-guide.html#upgrading-from-spark-sql-35-to-40)."""
    # Checked first: fromisoformat also takes 20261124 and 2026-W48-2.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
        raise InvalidJobArgument(f"--{name} {text!r} must be a date as YYYY-MM-DD, e.g. 2026-11-24.")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        problem = f"--{name} {text!r} is not a date that exists ({error}): give it as YYYY-MM-DD, e.g. 2026-11-24."
        raise InvalidJobArgument(problem) from error


def _is_ratio(text: str) -> bool:
    try:
        return 0 <= float(text) <= 1
    except ValueError:
        return False


def check_quality_gate(cleansing: Cleansing, max_ratio: float, run_id: str) -> None:
    """Raise QualityGateFailed, naming the ratio and the top reasons, when too much was quarantined."""
    ratio = cleansing.quarantine_ratio()
    if ratio <= max_ratio:
        return
    reasons = cleansing.quarantined_by_reason()
    top = "; ".join(f"{reason} ({count} row{'' if count == 1 else 's'})" for reason, count in list(reasons.items())[:3])
    log_event("quality_gate_failed", run_id=run_id, quarantine_ratio=ratio, max_quarantine_ratio=max_ratio, quarantined_by_reason=reasons)
    judged = cleansing.judged_counts.get
    raise QualityGateFailed(
        f"run {run_id} quarantined {judged['quarantined']} of {judged['input']} input rows ({ratio:.1%}), "
        f"more than max_quarantine_ratio {max_ratio:.1%}, so nothing was published (the quarantine was written). Top reasons: {top}"
    )


def deleted_ratio_failure(over: DeletesOverLimit, table: str, run_id: str) -> QualityGateFailed:
    log_event(
        "quality_gate_failed",
        run_id=run_id,
        table=table,
        deleted=over.absent,
        current_rows=over.current_rows,
        max_deleted_ratio=over.max_ratio,
    )
    return QualityGateFailed(
        f"run {run_id} would delete {over.absent} of the {over.current_rows} rows of {table} ({over.ratio:.1%}), more than "
        f"max_deleted_ratio {over.max_ratio:.1%}: its extract lacks their keys, so the source may be truncated or unreachable. "
        "Nothing was published (the quarantine was written)."
    )


def mirror_skipped(arguments: Mapping[str, str]) -> str | None:
    """Why --deletes mirror is not applied to this run, or None when it is (or was not asked)."""
    if arguments["deletes"] != "mirror" or arguments["run_covers_all_tables"] == "true":
        return None
    return (
        "the run named only some tables (--run_covers_all_tables false), so it deleted nothing: only a run of every table "
        "deletes the keys its extract no longer holds"
    )


def folder(path: str) -> str:
    return path if path.endswith("/") else f"{path}/"


def skip(runtime: JobRuntime, reason: str, arguments: dict[str, str]) -> int:
    """End the run having written nothing, its earlier output kept."""
    log_event("cleansing_skipped", reason=reason, input_path=arguments["input_path"], run_id=arguments["run_id"])
    if "report_path" in arguments:
        report: dict[str, Any] = {"input_rows": 0, "cleansed_rows": 0, "quarantined_rows": 0, "skipped": reason}
        if arguments["deletes"] == "mirror":
            # An outage can look like an empty source: it must never empty the table.
            report |= {"deletes": "mirror", "deletes_skipped": f"the extract was empty ({reason}), so it deleted nothing"}
        write_json(runtime.spark, arguments["report_path"], report)
        # A run with nothing to cleanse succeeded all the same: the freshness alarm must count it.
        return succeed(runtime, arguments, report)
    return succeed(runtime, arguments, None)


def succeed(runtime: JobRuntime, arguments: dict[str, str], report: Mapping[str, Any] | None) -> int:
    """Commit the run (its bookmarks), then count it in the pipeline's metrics when it has a report:
    a success counted before a commit that fails would hide the failure from the freshness alarm."""
    runtime.commit()
    if report is not None and "metrics_namespace" in arguments:
        publish_table_metrics(runtime.spark, arguments, report)
    return 0


def main(argv: list[str]) -> int:
    try:
        arguments, rules, ingestion_date = checked_arguments(argv)
    except (InvalidJobArgument, InvalidCleansingRules) as error:
        print(f"cleanse_job: {error}", file=sys.stderr)
        return 2
    runtime = start_job("cleanse_job", argv)
    spark, run_id = runtime.spark, arguments["run_id"]
    # The judged rows are cached so that the input is read once; building a compressed cache costs
    # more than the rest of the judging (7.0 s against 4.0 s for 1M rows, make bench-jobs), and
    # the cache spills to the workers' disks when it outgrows their memory.
    spark.conf.set("spark.sql.inMemoryColumnarStorage.compressed", "false")
    if arguments["cleansed_format"] == "iceberg" and spark.conf.get(f"spark.sql.catalog.{ICEBERG_CATALOG}", None) is None:
        print(
            f"cleanse_job: --cleansed_format iceberg writes to the Iceberg catalog {ICEBERG_CATALOG}, which this Spark does not "
            f"have: run the job with --datalake-formats iceberg and --conf spark.sql.catalog.{ICEBERG_CATALOG}=... "
            '(the module sets both when cleansed_format = "iceberg").',
            file=sys.stderr,
        )
        return 2

    if not holds_data_files(spark, arguments["input_path"]):
        return skip(runtime, "no input files", arguments)
    raw = read_file(spark, arguments["input_path"])
    # A header over no rows (an empty source table) is skipped before judging, whatever its columns:
    # over an empty input Spark may optimise the observing step away and never fill the Observation
    # that judge() waits for, so the job would hang (SPARK-54620, https://github.com/apache/spark/pull/52976).
    if not raw.columns or raw.isEmpty():
        return skip(runtime, "no input rows", arguments)
    try:
        rules.check_columns(raw.columns)
    except InvalidCleansingRules as error:
        print(f"cleanse_job: {error}", file=sys.stderr)
        return 2

    cleansing = cleanse(raw, rules, F.lit(ingestion_date))  # a DateType literal: no cast, whatever the ANSI mode
    cleansing.judge()

    output_path, quarantine_path = folder(arguments["output_path"]), folder(arguments["quarantine_path"])
    # Written first, whatever happens to the cleansed rows: rejected rows are kept for inspection.
    cleansing.quarantined.coalesce(1).write.mode("overwrite").option("compression", "snappy").parquet(f"{quarantine_path}run_id={run_id}/")
    if "max_quarantine_ratio" in arguments:
        check_quality_gate(cleansing, float(arguments["max_quarantine_ratio"]), run_id)
    rows = cleansing.cleansed.withColumn("run_id", F.lit(run_id))
    merge_figures: dict[str, Any] = {}
    if arguments["cleansed_format"] == "iceberg":
        table = f"{ICEBERG_CATALOG}.{arguments['cleansed_table']}"
        skipped = mirror_skipped(arguments)
        mirrored = arguments["deletes"] == "mirror" and skipped is None
        deletes = Deletes(input_keys(cleansing, rules) if mirrored else None, arguments.get("deleted_flag_column"))
        max_deleted_ratio = float(arguments.get("max_deleted_ratio", "1"))
        try:
            merged = merge_into_current_state(
                spark, rows, rules, table, output_path.rstrip("/"), rules.partition_column, deletes, max_deleted_ratio
            )
        except CurrentStateTableMismatch as error:
            print(f"cleanse_job: {error}", file=sys.stderr)
            return 2
        except DeletesOverLimit as over:
            raise deleted_ratio_failure(over, arguments["cleansed_table"], run_id) from over
        merge_figures = {**vars(merged), "deletes": arguments["deletes"], **({"deletes_skipped": skipped} if skipped else {})}
        log_event("current_state_merged", run_id=run_id, table=table, **merge_figures)
    else:
        max_records = int(arguments.get("max_records_per_file", DEFAULT_MAX_RECORDS_PER_FILE))
        write_parquet_history(spark, rows, rules.partition_by, output_path, run_id, max_records)
        if "catalog_table" in arguments:
            register_history(spark, parsed_catalog_table(arguments["catalog_table"]), rows, output_path, run_id)
    counts = cleansing.counts()
    figures = {
        "input_rows": counts.input_rows,
        "cleansed_rows": counts.cleansed_rows,
        "quarantined_rows": counts.quarantined_rows,
        "duplicates_removed": counts.duplicates_removed,
    }
    log_event("cleansing_summary", run_id=run_id, **figures)
    if "report_path" in arguments:
        report = {**figures, "quarantined_by_reason": cleansing.quarantined_by_reason(), **merge_figures}
        write_json(spark, arguments["report_path"], report)
        return succeed(runtime, arguments, report)
    return succeed(runtime, arguments, None)


def publish_table_metrics(spark: SparkSession, arguments: dict[str, str], report: Mapping[str, Any]) -> None:
    """In a Glue workflow, which has no run report: the table's metrics as the Step Functions report
    puts them (run_figures.py), the extract job's figures read from --extract_report_path; with them
    the table's QuarantineRatio and, the job having succeeded, SucceededTables 1 (a workflow run's
    count is the sum of its cleanse jobs')."""
    import boto3

    extract = read_json(spark, arguments["extract_report_path"]) if "extract_report_path" in arguments else None
    rows = rows_of(extract or {}, report)
    pipeline = arguments["metrics_pipeline"]
    data = table_metric_data(pipeline, arguments["metrics_table"], rows)
    data += [*quarantine_ratio_data(pipeline, rows), succeeded_tables_datum(pipeline, 1)]
    boto3.client("cloudwatch").put_metric_data(Namespace=arguments["metrics_namespace"], MetricData=data)
    log_event("table_metrics_published", namespace=arguments["metrics_namespace"], table=arguments["metrics_table"], rows=rows)


def write_parquet_history(spark: SparkSession, rows: DataFrame, partition_by: str, output_path: str, run_id: str, max_records: int) -> None:
    # Replace this run's earlier output in every partition, whichever partitions the rerun writes.
    delete_matching(spark, f"{output_path}*/run_id={run_id}")
    (
        rows.write.mode("append")
        .option("compression", "snappy")
        .option("maxRecordsPerFile", max_records)
        .partitionBy(partition_by, "run_id")
        .parquet(output_path)
    )


def register_history(spark: SparkSession, table: CatalogTable, rows: DataFrame, output_path: str, run_id: str) -> None:
    """The run's partitions, as its files lie (<partition column>=<value>/run_id=<id>/), in the catalog,
    and no partition of an earlier attempt of the run whose files the rerun deleted."""
    import boto3

    glue = boto3.client("glue")
    # Located under output_path as the job was given it, however Hadoop spells the listed paths.
    written = [Folder(output_path, Folder.of(path).partition) for path in matching_paths(spark, f"{output_path}*/run_id={run_id}")]
    if written:  # none when every row was quarantined
        register_parquet(glue, table, rows.schema, written)
    forgotten = forget_unwritten_partitions(glue, table, run_id, written)
    partitions = [folder.partition_location.removeprefix(output_path) for folder in written]
    log_event("history_cataloged", run_id=run_id, table=str(table), partitions=partitions, partitions_deleted=forgotten)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
