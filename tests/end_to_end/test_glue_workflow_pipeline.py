"""examples/glue_workflow end to end on real local Spark: a caller's landing zone (two catalog
tables over the sample CSVs) read by each table's extract job, landed as raw CSV under the folder the run
property run_id names, crawled, cleansed to Parquet and a quarantine by each table's cleanse job, crawled
again; a rerun of the run id replaces its folders; a table whose job fails stops the chain and
alerts once; the dashboard shows what the jobs published, and a day without a successful run sets
off the freshness alarm. The jobs resolve {run_id} themselves (glue_runtime), so what they write reaches S3
only because the local executor mirrors whatever a run writes."""

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow.parquet as pq
import pytest

from local_aws import emulator
from local_aws.clients import client
from local_aws.control import advance_time, run_jobs_locally, set_time_scale
from local_aws.terraform import PROJECT_ROOT
from tests.operator_view import alarm_changes, alarm_metrics, alarm_state, dashboard_metrics, published_metrics
from tests.stacks import DeployedPipeline, deploy_example, notifications, subscribe_to_notifications
from tests.state_machine.pipeline_support import await_workflow_run, workflow_job_runs

pytestmark = [pytest.mark.terraform, pytest.mark.spark]

LANDING_BUCKET = "example-landing-zone"  # what examples/glue_workflow lets the extract jobs read (source_s3_arns)
LANDING_DATABASE = "landing"
SAMPLE_DATA = PROJECT_ROOT / "sample_data"
SAMPLES = {"customers": SAMPLE_DATA / "customers_dirty.csv", "orders": SAMPLE_DATA / "orders_dirty.csv"}
RUN_ID = "wf-e2e-1"
WORKFLOW_RUN_SECONDS = 900
HOUR = 3600
# What the example's rules (customers: key customer_id, e-mail column email; orders: key order_id,
# latest by updated_at; no column types, so every value stays a string) make of the samples: rows
# whose key is missing or whose e-mail is malformed are quarantined; of the rest, the latest row of
# each key is kept (customer 1's and order 101's later versions; customer 2's and order 102's
# exact copies go); strings trimmed, empty ones null, e-mails lower case. The example requires no
# e-mail, so customer 5's blank one is kept as null; its customer 4's impossible date and 6's
# non-numeric balance are strings as given (tests/sample_expectations.py holds what the typed
# rules of examples/complete make of the same sample).
EXPECTED_CLEANSED = {
    "customers": [
        ("1", "ada@example.com", "2024-03-01 09:00:00"),
        ("2", "alan@example.com", "2024-02-01 10:00:00"),
        ("4", "edsger@example.com", "2024-02-01 11:30:00"),
        ("5", None, "2024-02-01 11:50:00"),
        ("6", "donald@example.com", "2024-02-01 12:00:00"),
        ("7", "margaret@example.com", "2024-02-01 13:00:00"),
    ],
    "orders": [
        ("101", "delivered", "2024-03-05 09:00:00"),
        ("102", "shipped", "2024-03-03 10:00:00"),
        ("103", "placed", "2024-03-04 11:00:00"),
        ("104", "placed", "2024-03-04 12:00:00"),
        ("105", "placed", "2024-03-04 12:30:00"),
        ("106", "placed", "2024-03-05 08:00:00"),
        ("107", "cancelled", "2024-03-05 09:00:00"),
    ],
}
EXPECTED_CLEANSED_COLUMNS = {"customers": ("customer_id", "email", "updated_at"), "orders": ("order_id", "status", "updated_at")}
EXPECTED_QUARANTINE = {
    "customers": [(None, "required column customer_id is missing"), ("3", "email is not a valid e-mail address")],
    "orders": [],
}
KEYS = {"customers": "customer_id", "orders": "order_id"}


def sample_rows(table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(SAMPLES[table].read_text())))


def create_landing_zone() -> None:
    """What the caller owns before applying the example: its bucket, the CSVs and their catalog tables."""
    s3, glue = client("s3"), client("glue")
    s3.create_bucket(Bucket=LANDING_BUCKET)
    glue.create_database(DatabaseInput={"Name": LANDING_DATABASE})
    for table, sample in SAMPLES.items():
        s3.put_object(Bucket=LANDING_BUCKET, Key=f"{table}/{sample.name}", Body=sample.read_bytes())
        glue.create_table(DatabaseName=LANDING_DATABASE, TableInput=landing_table(table))


def landing_table(table: str) -> dict[str, Any]:
    return {
        "Name": table,
        "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Location": f"s3://{LANDING_BUCKET}/{table}/",
            "Columns": [{"Name": name, "Type": "string"} for name in sample_rows(table)[0]],
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde", "Parameters": {"separatorChar": ","}},
        },
    }


def deployed_stack(outputs: dict[str, Any]) -> dict[str, Any]:
    """The example's outputs, with its crawlers' names (which it does not output) read back."""
    bucket = outputs["bucket_name"]
    crawlers = {
        target["Path"].removeprefix(f"s3://{bucket}/").split("/", 1)[0]: crawler["Name"]
        for crawler in client("glue").get_crawlers()["Crawlers"]
        for target in crawler["Targets"]["S3Targets"]
        if target["Path"].startswith(f"s3://{bucket}/")
    }
    return {**outputs, "raw_crawler_name": crawlers["raw"], "cleansed_crawler_name": crawlers["cleansed"]}


@pytest.fixture(scope="module")
def deployed(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeployedPipeline]:
    emulator.reset()
    create_landing_zone()
    run_jobs_locally()  # before the apply: the jobs' Spark driver starts while Terraform works
    workspace = deploy_example("glue_workflow", tmp_path_factory.mktemp("glue-workflow"), emulator_endpoint)
    outputs = deployed_stack(workspace.outputs())
    set_time_scale(0.1)
    yield DeployedPipeline(outputs, subscribe_to_notifications(outputs, "workflow-e2e-notifications"))
    emulator.reset()


@pytest.fixture(scope="module")
def first_run(deployed: DeployedPipeline) -> dict[str, Any]:
    return await_workflow_run(deployed, RUN_ID, WORKFLOW_RUN_SECONDS)


def objects(deployed: DeployedPipeline, prefix: str) -> dict[str, bytes]:
    """The data files under `prefix` (Hadoop's markers aside), by key."""
    s3 = client("s3")
    listed = s3.list_objects_v2(Bucket=deployed.bucket, Prefix=prefix).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=deployed.bucket, Key=item["Key"])["Body"].read()
        for item in listed
        if not item["Key"].rsplit("/", 1)[-1].startswith(("_", "."))
    }


def folder(deployed: DeployedPipeline, stage: str, table: str) -> str:
    """The key prefix of `table`'s `stage` (raw, cleansed, quarantine or reports), from the module's outputs."""
    return deployed.key_of(deployed.outputs["tables"][table][f"{stage}_path"])


def raw_rows(deployed: DeployedPipeline, table: str, run_id: str) -> list[dict[str, str]]:
    return [
        row
        for body in objects(deployed, f"{folder(deployed, 'raw', table)}run_id={run_id}/").values()
        for row in csv.DictReader(io.StringIO(body.decode()))
    ]


def parquet_rows(deployed: DeployedPipeline, stage: str, table: str, run_id: str) -> list[dict[str, Any]]:
    """The rows of the Parquet files run `run_id` wrote for `table` under `stage` (cleansed or quarantine)."""
    files = {key: body for key, body in objects(deployed, folder(deployed, stage, table)).items() if f"/run_id={run_id}/" in key}
    return [row for body in files.values() for row in pq.read_table(io.BytesIO(body)).to_pylist()]


def cleansed(deployed: DeployedPipeline, table: str, run_id: str = RUN_ID) -> list[tuple[Any, ...]]:
    rows = parquet_rows(deployed, "cleansed", table, run_id)
    return sorted((tuple(row[column] for column in EXPECTED_CLEANSED_COLUMNS[table]) for row in rows), key=repr)


def quarantined(deployed: DeployedPipeline, table: str, run_id: str = RUN_ID) -> list[tuple[Any, ...]]:
    rows = parquet_rows(deployed, "quarantine", table, run_id)
    return sorted(((row[KEYS[table]], row["_reject_reason"]) for row in rows), key=repr)


def trimmed(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    # Spark's CSV writer trims values (ignoreLeadingWhiteSpace and ignoreTrailingWhiteSpace default to true for writing).
    return sorted(({name: value.strip() for name, value in row.items()} for row in rows), key=repr)


def test_the_run_runs_every_action_and_alerts_nothing(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    for table in SAMPLES:
        for stage in ("extract_job", "cleanse_job"):
            runs = workflow_job_runs(deployed, table, stage)
            assert [run["JobRunState"] for run in runs] == ["SUCCEEDED"], [run.get("ErrorMessage") for run in runs]
    statistics = first_run["Statistics"]
    # Each table's extract job, one crawl of raw, each table's cleanse job, one crawl of cleansed.
    assert (first_run["Status"], statistics["TotalActions"], statistics["SucceededActions"]) == ("COMPLETED", 6, 6), statistics
    assert notifications(deployed) == []


def test_raw_holds_every_landing_row_under_the_run_property_run_ids_folder(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    for table in SAMPLES:
        assert trimmed(raw_rows(deployed, table, RUN_ID)) == trimmed(sample_rows(table)), table
    assert not any("{run_id}" in key for key in objects(deployed, "")), "no folder is named by the placeholder itself"


def test_cleansed_holds_the_latest_valid_row_of_each_key(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    for table in SAMPLES:
        assert cleansed(deployed, table) == EXPECTED_CLEANSED[table], table


def test_the_quarantine_holds_the_rows_that_break_the_rules_with_their_reasons(
    deployed: DeployedPipeline, first_run: dict[str, Any]
) -> None:
    for table in SAMPLES:
        assert quarantined(deployed, table) == sorted(EXPECTED_QUARANTINE[table], key=repr), table


def test_each_job_reports_its_figures_for_the_run(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    for table in SAMPLES:
        reports = {
            key.rsplit("/", 1)[-1]: json.loads(body)
            for key, body in objects(deployed, f"{folder(deployed, 'reports', table)}run_id={RUN_ID}/").items()
        }
        source_rows = len(sample_rows(table))
        assert reports["extract_job.json"] == {"rows_read": source_rows, "rows_written": source_rows}
        figures = reports["cleanse_job.json"]
        assert (figures["input_rows"], figures["cleansed_rows"], figures["quarantined_rows"]) == (
            source_rows,
            len(EXPECTED_CLEANSED[table]),
            len(EXPECTED_QUARANTINE[table]),
        )


def test_each_cleanse_job_puts_its_tables_metrics_as_the_run_report_does(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    namespace, pipeline = deployed.outputs["metrics_namespace"], deployed.outputs["workflow_name"].removesuffix("-pipeline")
    cloudwatch = client("cloudwatch", region=deployed.region)
    for table in SAMPLES:
        dimensions = [{"Name": "Pipeline", "Value": pipeline}, {"Name": "Table", "Value": table}]
        expected = {"SourceRowsRead": len(sample_rows(table)), "CleansedRows": len(EXPECTED_CLEANSED[table])}
        expected["QuarantinedRows"] = len(EXPECTED_QUARANTINE[table])
        for metric, value in expected.items():
            (datapoint,) = cloudwatch.get_metric_statistics(
                Namespace=namespace,
                MetricName=metric,
                Dimensions=dimensions,
                StartTime=datetime.now(UTC) - timedelta(days=1),
                EndTime=datetime.now(UTC) + timedelta(hours=1),
                Period=86400,
                Statistics=["Sum"],
            )["Datapoints"]
            assert datapoint["Sum"] == value, (table, metric)


def test_every_metric_the_dashboard_shows_of_the_pipeline_is_one_the_runs_jobs_published(
    deployed: DeployedPipeline, first_run: dict[str, Any]
) -> None:
    namespace = deployed.outputs["metrics_namespace"]
    shown = {metric for metric in dashboard_metrics(deployed.outputs["dashboard_name"], deployed.region) if metric[0] == namespace}

    assert {name for _, name, _ in shown} == {
        "SucceededTables",
        "QuarantineRatio",
        "SourceRowsRead",
        "RawRows",
        "CleansedRows",
        "QuarantinedRows",
        "DuplicatesRemoved",
    }, "what only a Step Functions run reports is a text widget"
    assert shown - published_metrics(namespace, deployed.region) == set()


def test_the_crawls_catalog_raw_and_cleansed_over_the_runs_folders(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    glue = client("glue")
    tables = {table["Name"]: table for table in glue.get_tables(DatabaseName=deployed.outputs["database_name"])["TableList"]}

    assert sorted(tables) == sorted(f"{stage}_{table}" for table in SAMPLES for stage in ("raw", "cleansed"))
    for table in SAMPLES:
        raw, cleansed_table = tables[f"raw_{table}"], tables[f"cleansed_{table}"]
        assert raw["StorageDescriptor"]["Location"] == deployed.outputs["tables"][table]["raw_path"]
        assert [column["Name"] for column in raw["StorageDescriptor"]["Columns"]] == list(sample_rows(table)[0])
        assert [key["Name"] for key in raw["PartitionKeys"]] == ["run_id"]
        assert cleansed_table["StorageDescriptor"]["Location"] == deployed.outputs["tables"][table]["cleansed_path"]
        assert [key["Name"] for key in cleansed_table["PartitionKeys"]] == ["ingestion_date", "run_id"]
        assert set(EXPECTED_CLEANSED_COLUMNS[table]) <= {column["Name"] for column in cleansed_table["StorageDescriptor"]["Columns"]}


def test_a_rerun_of_the_run_id_replaces_what_the_first_run_wrote(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    raw_keys = {table: set(objects(deployed, f"{folder(deployed, 'raw', table)}run_id={RUN_ID}/")) for table in SAMPLES}

    rerun = await_workflow_run(deployed, RUN_ID, WORKFLOW_RUN_SECONDS)

    assert (rerun["Status"], rerun["Statistics"]["SucceededActions"]) == ("COMPLETED", 6)
    for table in SAMPLES:
        # Spark names its part files afresh: the first run's are gone, not kept beside the new ones.
        assert set(objects(deployed, f"{folder(deployed, 'raw', table)}run_id={RUN_ID}/")).isdisjoint(raw_keys[table])
        assert trimmed(raw_rows(deployed, table, RUN_ID)) == trimmed(sample_rows(table))
        assert cleansed(deployed, table) == EXPECTED_CLEANSED[table]
        assert quarantined(deployed, table) == sorted(EXPECTED_QUARANTINE[table], key=repr)


def test_a_table_whose_job_fails_stops_the_chain_and_alerts_once(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    glue = client("glue")
    raw_crawls_before = glue.get_crawler(Name=deployed.outputs["raw_crawler_name"])["Crawler"].get("LastCrawl")
    cleanse_job_runs_before = {table: len(workflow_job_runs(deployed, table, "cleanse_job")) for table in SAMPLES}
    glue.delete_table(DatabaseName=LANDING_DATABASE, Name="orders")  # the orders' source is gone
    try:
        run = await_workflow_run(deployed, "wf-e2e-orders-fail", WORKFLOW_RUN_SECONDS)
    finally:
        glue.create_table(DatabaseName=LANDING_DATABASE, TableInput=landing_table("orders"))

    statistics = run["Statistics"]
    assert (run["Status"], statistics["TotalActions"], statistics["SucceededActions"], statistics["FailedActions"]) == (
        "COMPLETED",
        2,
        1,
        1,
    )
    failed = max(workflow_job_runs(deployed, "orders", "extract_job"), key=lambda job_run: job_run["StartedOn"])
    assert (failed["JobRunState"], failed["Arguments"]["--WORKFLOW_RUN_ID"]) == ("FAILED", run["WorkflowRunId"])
    assert "EntityNotFoundException" in failed["ErrorMessage"]
    # The customers' extract job ran and wrote; nothing after the extract jobs ran.
    assert trimmed(raw_rows(deployed, "customers", "wf-e2e-orders-fail")) == trimmed(sample_rows("customers"))
    assert objects(deployed, f"{folder(deployed, 'raw', 'orders')}run_id=wf-e2e-orders-fail/") == {}
    assert glue.get_crawler(Name=deployed.outputs["raw_crawler_name"])["Crawler"].get("LastCrawl") == raw_crawls_before
    assert {table: len(workflow_job_runs(deployed, table, "cleanse_job")) for table in SAMPLES} == cleanse_job_runs_before
    (notification,) = notifications(deployed, wait_seconds=5)
    # Each alarm but failed_crawls (no crawl failed here) watches a metric the runs put.
    watched = alarm_metrics(deployed.outputs["alarm_names"], deployed.region)
    published = published_metrics(deployed.outputs["metrics_namespace"], deployed.region) | published_metrics("AWS/Events", deployed.region)
    assert set(watched) == {"failed_tables", "failed_crawls", "quarantine_ratio", "freshness"}
    assert {key for key, metric in watched.items() if metric not in published} == {"failed_crawls"}
    job = deployed.outputs["workflow_job_names"]["orders"]["extract_job"]
    assert notification["Message"] == (
        f"Pipeline workflow-orders workflow run failed at step {job} with JobFailed: job run {failed['Id']} ended FAILED: "
        f"JobName:{job} and JobRunId:{failed['Id']} failed to execute with exception {failed['ErrorMessage']}"
    )


def test_a_day_after_the_last_successful_run_the_freshness_alarm_fires(deployed: DeployedPipeline, first_run: dict[str, Any]) -> None:
    alarm = deployed.outputs["alarm_names"]["freshness"]
    assert alarm_state(alarm, deployed.region) == "OK", "each cleanse job that succeeded counts a table"
    queue_url = subscribe_to_notifications(deployed.outputs, "workflow-e2e-alarm-changes")

    # The last successful run was minutes ago on the emulated clock; the alarm watches 26 hours.
    advance_time(20 * HOUR)
    assert (alarm_state(alarm, deployed.region), alarm_changes(queue_url, deployed.region)) == ("OK", [])

    advance_time(10 * HOUR)
    (change,) = alarm_changes(queue_url, deployed.region)
    assert (change["AlarmName"], change["OldStateValue"], change["NewStateValue"]) == (alarm, "OK", "ALARM")
    assert change["AlarmDescription"].startswith("No table of the workflow-orders pipeline has succeeded in any run for at least 26 hours")
