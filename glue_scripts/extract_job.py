"""The extract job: reads the source table from the Glue catalog (or, with --source_path, a file) and
writes it as CSV with a header to --output_path, replacing what a previous attempt of the
same run wrote there; with --report_path, its figures too (rows read and written, as JSON).
With job bookmarks on, a rerun of a run whose extract exists keeps that extract: the bookmark
has moved past its rows, so reading again would replace it with less.

    python glue_scripts/extract_job.py --source_database sales --source_table customers \
        --source_path customers.csv --output_path out/raw/customers/run_id=local/
"""

import sys

from glue_runtime import (
    CSV_OPTIONS,
    holds_data_files,
    log_event,
    read_file,
    reads_past_a_bookmark,
    resolve_arguments,
    start_job,
    write_json,
)


def main(argv: list[str]) -> int:
    arguments = resolve_arguments(argv, ["source_database", "source_table", "output_path"], ("source_path", "report_path", "run_id"))
    runtime = start_job("extract_job", argv)
    if reads_past_a_bookmark(argv) and holds_data_files(runtime.spark, arguments["output_path"]):
        # No commit either: the bookmark stays where the run that wrote this extract left it.
        log_event(
            "extract_kept", reason="rerun of a run id whose extract exists, with job bookmarks on", output_path=arguments["output_path"]
        )
        if "report_path" in arguments:
            write_json(runtime.spark, arguments["report_path"], {"rows_read": 0, "extract_kept": True})
        return 0
    if "source_path" in arguments:
        source = read_file(runtime.spark, arguments["source_path"])
    else:
        # One job serves every table of the pipeline: each table's bookmark under its own context.
        source = runtime.read_catalog_table(arguments["source_database"], arguments["source_table"], f"source.{arguments['source_table']}")
    source = source.cache()
    rows = source.count()
    source.write.mode("overwrite").options(**CSV_OPTIONS).csv(arguments["output_path"])
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
