"""A table's figures as both ways of running publish them: the rows each stage saw, read from the
figures files the extract and cleanse jobs write, and the CloudWatch metrics they make (one namespace, dimensions
Pipeline and Table). The Step Functions run report (report_run, whose package carries this file)
and, in a Glue workflow, the cleanse job publish the same metrics, so the two can be compared and alarmed on
alike."""

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
