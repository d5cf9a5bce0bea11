"""A table's figures as both ways of running publish them: the rows each stage saw, read from the
figures files the extract and cleanse jobs write, and the CloudWatch metrics they make (one namespace, dimensions
Pipeline and Table), and the pipeline-level ones both publish alike (dimension Pipeline alone): each
table's QuarantineRatio and the SucceededTables the freshness alarm counts. The Step Functions run
report (report_run, whose package carries this file) and, in a Glue workflow, the cleanse job publish
the same metrics, so the two can be compared and alarmed on alike (the module's dashboard and alarms:
dashboard.tf, alarms.tf)."""

from collections.abc import Mapping
from typing import Any

ROW_METRICS = {
    "source_read": "SourceRowsRead",
    "raw": "RawRows",
    "cleansed": "CleansedRows",
    "inserted": "RowsInserted",
    "updated": "RowsUpdated",
    "unchanged": "RowsUnchanged",
    "deleted": "RowsDeleted",
    "duplicates_removed": "DuplicatesRemoved",
    "quarantined": "QuarantinedRows",
}


def rows_of(extract_job: Mapping[str, Any], cleanse_job: Mapping[str, Any]) -> dict[str, Any]:
    """The rows each stage saw, from the extract and cleanse jobs' figures (None where a job did not say)."""
    return {
        "source_read": extract_job.get("rows_read"),
        "raw": cleanse_job.get("input_rows"),
        "cleansed": cleanse_job.get("cleansed_rows"),
        "inserted": cleanse_job.get("inserted"),
        "updated": cleanse_job.get("updated"),
        "unchanged": cleanse_job.get("unchanged"),
        "deleted": cleanse_job.get("deleted"),
        "duplicates_removed": cleanse_job.get("duplicates_removed"),
        "quarantined": cleanse_job.get("quarantined_rows"),
    }


def table_metric_data(pipeline: str, table: str, rows: Mapping[str, Any]) -> list[dict[str, Any]]:
    """PutMetricData's MetricData for a table's rows."""
    dimensions = [{"Name": "Pipeline", "Value": pipeline}, {"Name": "Table", "Value": table}]
    return [
        {"MetricName": ROW_METRICS[row], "Dimensions": dimensions, "Value": value, "Unit": "Count"}
        for row, value in rows.items()
        if value is not None
    ]


def pipeline_metric_datum(pipeline: str, metric: str, value: float, unit: str) -> dict[str, Any]:
    """One PutMetricData datum of the pipeline as a whole (dimension Pipeline alone)."""
    return {"MetricName": metric, "Dimensions": [{"Name": "Pipeline", "Value": pipeline}], "Value": value, "Unit": unit}


def quarantine_ratio_data(pipeline: str, rows: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A table's QuarantineRatio, quarantined / input rows of its cleanse, with the Pipeline dimension
    alone (the quarantine_ratio alarm takes the run's highest); none when the cleanse judged no row."""
    if not rows.get("raw") or rows.get("quarantined") is None:
        return []
    return [pipeline_metric_datum(pipeline, "QuarantineRatio", rows["quarantined"] / rows["raw"], "None")]


def succeeded_tables_datum(pipeline: str, tables: int) -> dict[str, Any]:
    """SucceededTables: the tables of a run that succeeded (the freshness alarm alarms on no success)."""
    return pipeline_metric_datum(pipeline, "SucceededTables", tables, "Count")
