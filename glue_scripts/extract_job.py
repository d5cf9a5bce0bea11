"""The extract job: reads the source table from the Glue catalog (or, with --source_path, a file) and
writes it as CSV with a header to --output_path, replacing what a previous attempt of the
same run wrote there; with --report_path, its figures too (rows read and written, as JSON).
With job bookmarks on, a rerun of a run whose extract exists keeps that extract: the bookmark
has moved past its rows, so reading again would replace it with less. --bookmark_keys (JSON, e.g.
'{"jobBookmarkKeys": ["updated_at"], "jobBookmarkKeysSortOrder": "asc"}') chooses the columns a
JDBC source's bookmark compares instead of its primary key. With --catalog_table <database>.<table>,
the job then registers what it wrote in the Glue catalog (catalog_tables.py): the table as the raw
crawler would write it, and the run's partition (the `run_id=<id>/` folder --output_path ends in).

    python glue_scripts/extract_job.py --source_database sales --source_table customers \
        --source_path customers.csv --output_path out/raw/customers/run_id=local/
"""

import json
import sys
from typing import Any

from catalog_tables import catalog_table_problem, parsed_catalog_table, partition_folder_problem, register_raw_csv
from glue_runtime import (
    CSV_OPTIONS,
    csv_header,
    holds_data_files,
    log_event,
    read_file,
    reads_past_a_bookmark,
    refuse,
    resolve_arguments,
    start_job,
    write_json,
)

# The additional_options of a JDBC catalog read that choose its bookmark's keys:
# https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html
BOOKMARK_SORT_ORDERS = ("asc", "desc")


def bookmark_key_options(argv: list[str], value: str) -> dict[str, Any]:
    """--bookmark_keys as the catalog read's additional_options: `jobBookmarkKeys`, a list of one or
    more column names, and optionally `jobBookmarkKeysSortOrder`, "asc" or "desc"; anything else
    exits with status 2 naming the argument, before anything is read."""
    try:
        options = json.loads(value)
    except json.JSONDecodeError as error:
        refuse(argv, f'--bookmark_keys must be JSON such as {{"jobBookmarkKeys": ["updated_at"]}}: {error}')
    if not isinstance(options, dict) or not set(options) <= {"jobBookmarkKeys", "jobBookmarkKeysSortOrder"}:
        refuse(argv, f"--bookmark_keys must be an object of jobBookmarkKeys and jobBookmarkKeysSortOrder, not {value}")
    keys = options.get("jobBookmarkKeys")
    if not isinstance(keys, list) or not keys or not all(isinstance(key, str) and key for key in keys) or len(set(keys)) != len(keys):
        refuse(argv, f"--bookmark_keys: jobBookmarkKeys must name one or more columns, each once, not {json.dumps(keys)}")
    if options.get("jobBookmarkKeysSortOrder", "asc") not in BOOKMARK_SORT_ORDERS:
        refuse(
            argv,
            f'--bookmark_keys: jobBookmarkKeysSortOrder must be "asc" or "desc", not {json.dumps(options["jobBookmarkKeysSortOrder"])}',
        )
    return dict(options)


def register_extract(arguments: dict[str, str], header: list[str]) -> None:
    """With --catalog_table, the extract at --output_path in the catalog, once it is written."""
    if "catalog_table" not in arguments:
        return
    import boto3

    table = parsed_catalog_table(arguments["catalog_table"])
    register_raw_csv(boto3.client("glue"), table, arguments["output_path"], header)
    log_event("extract_cataloged", table=str(table), output_path=arguments["output_path"], columns=header)


def main(argv: list[str]) -> int:
    arguments = resolve_arguments(
        argv,
        ["source_database", "source_table", "output_path"],
        ("source_path", "report_path", "run_id", "bookmark_keys", "catalog_table"),
    )
    additional_options = bookmark_key_options(argv, arguments["bookmark_keys"]) if "bookmark_keys" in arguments else {}
    if "catalog_table" in arguments and (
        problem := catalog_table_problem(arguments["catalog_table"]) or partition_folder_problem(arguments["output_path"])
    ):
        refuse(argv, problem)
    runtime = start_job("extract_job", argv)
    if reads_past_a_bookmark(argv) and holds_data_files(runtime.spark, arguments["output_path"]):
        # No commit either: the bookmark stays where the run that wrote this extract left it.
        log_event(
            "extract_kept", reason="rerun of a run id whose extract exists, with job bookmarks on", output_path=arguments["output_path"]
        )
        # Registered again: the run that wrote it may have failed to.
        register_extract(arguments, csv_header(runtime.spark, arguments["output_path"]))
        if "report_path" in arguments:
            write_json(runtime.spark, arguments["report_path"], {"rows_read": 0, "extract_kept": True})
        return 0
    if "source_path" in arguments:
        source = read_file(runtime.spark, arguments["source_path"])
    else:
        # One job serves every table of the pipeline: each table's bookmark under its own context.
        source = runtime.read_catalog_table(
            arguments["source_database"], arguments["source_table"], f"source.{arguments['source_table']}", additional_options
        )
    source = source.cache()
    rows = source.count()
    source.write.mode("overwrite").options(**CSV_OPTIONS).csv(arguments["output_path"])
    register_extract(arguments, source.columns)
    log_event(
        "extract_summary",
        source=f"{arguments['source_database']}.{arguments['source_table']}",
        output_path=arguments["output_path"],
        rows=rows,
        columns=source.columns,
    )
    if "report_path" in arguments:
        write_json(runtime.spark, arguments["report_path"], {"rows_read": rows, "rows_written": rows})
    runtime.commit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
