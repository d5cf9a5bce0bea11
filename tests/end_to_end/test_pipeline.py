"""The whole pipeline as `make demo` runs it, on the dirty samples of its three tables (customers,
orders, countries): PostgreSQL -> the extract job over JDBC on local Spark -> raw CSV in the emulator's S3 ->
the raw crawler -> the cleanse job -> each table's Iceberg current state (read without Spark, as a consumer reads
it) and quarantine, checked row by row; a rerun of the same run id; a second run with changed
source rows; one table failing while the others are published, then a rerun of that table alone;
a cleanse job that may not commit; the extract job without each statement of its role. The
example is applied from another folder than its own, as a caller applies it, with its password kept
out of Terraform's state."""

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from local_aws.clients import client, region_of
from local_aws.demo.pipeline import LocalPipeline
from local_aws.executions import ExecutionRecord
from run_cost import DPUS_PER_WORKER
from tests.complete_example import SAMPLE_COLUMNS, SAMPLES, applied_complete_example
from tests.operator_view import alarm_metrics, dashboard_metrics, published_metrics
from tests.roles import statement_removed
from tests.sample_expectations import CLEANSED_CUSTOMER_COLUMNS, EXPECTED_CLEANSED, EXPECTED_QUARANTINE
from tests.stacks import alarm_change, received, subscribe_to_notifications
from tests.state_sequences import HAPPY_PATH_ICEBERG_POLL

pytestmark = [pytest.mark.terraform, pytest.mark.spark]

RUN_ID = "e2e-1"
# What the orders' and the countries' rules (examples/complete) make of their samples.
EXPECTED_ORDERS = [
    (101, 1, date(2024, 3, 2), Decimal("19.99"), "delivered"),
    (102, 2, date(2024, 3, 3), Decimal("250.00"), "shipped"),
    (103, 7, date(2024, 3, 4), Decimal("5.50"), "placed"),
    (107, 6, date(2024, 3, 5), Decimal("42.10"), "cancelled"),
]
EXPECTED_ORDERS_QUARANTINE = [
    ("104", "required column customer_id is missing"),
    ("105", "ordered_on is not a valid date"),
    ("106", "amount is not a valid decimal(12,2)"),
]
EXPECTED_COUNTRIES = [("DE", "Germany"), ("FR", "France"), ("NL", "Netherlands"), ("UK", "United Kingdom"), ("US", "United States")]


@pytest.fixture(scope="module")
def pipeline(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPipeline]:
    with applied_complete_example(emulator_endpoint, tmp_path_factory.mktemp("end-to-end"), "e2e") as local_pipeline:
        yield local_pipeline


@pytest.fixture(scope="module")
def first_run(pipeline: LocalPipeline) -> Any:
    return pipeline.run(RUN_ID)


def without_time_zone(value: Any) -> Any:
    """Spark's timestamps are Iceberg's timestamptz, which pyiceberg reads in UTC."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        assert value.utcoffset() == timedelta(0)
        return value.replace(tzinfo=None)
    return value


def cleansed(pipeline: LocalPipeline) -> list[tuple[Any, ...]]:
    """The current state of cleansed_customers, in the sample's columns."""
    return sorted(tuple(without_time_zone(row[column]) for column in SAMPLE_COLUMNS) for row in pipeline.current_state_rows())


def cleansed_orders(pipeline: LocalPipeline) -> list[tuple[Any, ...]]:
    """The current state of cleansed_orders, in EXPECTED_ORDERS' columns."""
    columns = ("order_id", "customer_id", "ordered_on", "amount", "status")
    return sorted(tuple(row[column] for column in columns) for row in pipeline.current_state_rows("orders"))


def quarantined(pipeline: LocalPipeline, table: str = "customers", run_id: str = RUN_ID) -> list[tuple[Any, ...]]:
    rows = pipeline.parquet_rows(pipeline.location(table, "quarantine"), run_id)
    key = {"customers": "customer_id", "orders": "order_id", "countries": "country_code"}[table]
    return sorted(((row[key], row["_reject_reason"]) for row in rows), key=repr)


def top_level_states(pipeline: LocalPipeline, record: ExecutionRecord) -> list[str]:
    """The states entered outside the Map states' iterations."""
    definition = pipeline.client("stepfunctions").describe_state_machine(stateMachineArn=pipeline.outputs["state_machine_arn"])[
        "definition"
    ]
    return [name for name in record.states_entered if name in json.loads(definition)["States"]]


def table_failure(record: ExecutionRecord, table: str) -> tuple[str, str, str]:
    """Where and how `table` failed in the run: its step, error and cause, from the run report."""
    failed = (record.report or {})["tables"][table]
    return failed["step"], failed["error"], failed["cause"]


def test_the_complete_example_applies_from_another_folder(pipeline: LocalPipeline) -> None:
    outputs = pipeline.outputs
    assert pipeline.workspace.run_dir != pipeline.workspace.config_dir
    assert client("stepfunctions").describe_state_machine(stateMachineArn=outputs["state_machine_arn"])["status"] == "ACTIVE"
    assert client("glue").get_crawler(Name=outputs["source_crawler_name"])["Crawler"]["Targets"]["JdbcTargets"]
    assert client("s3").head_bucket(Bucket=outputs["bucket_name"])["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_the_complete_example_writes_the_password_to_the_secret_and_keeps_it_out_of_the_state(pipeline: LocalPipeline) -> None:
    assert pipeline.postgres is not None
    password, workspace = pipeline.postgres.password, pipeline.workspace
    secret = client("secretsmanager").get_secret_value(SecretId=f"{pipeline.name_prefix}-source-database")
    assert json.loads(secret["SecretString"])["password"] == password
    shown = workspace.run("show", "-json", "-no-color", str(workspace.state_file)).stdout
    (version,) = [
        resource["values"]
        for resource in json.loads(shown)["values"]["root_module"]["resources"]
        if resource["address"] == "aws_secretsmanager_secret_version.source_database"
    ]
    assert (version["has_secret_string_wo"], version["secret_string"], version["secret_string_wo"]) == (True, "", None)
    assert password not in workspace.state_file.read_text()
    assert password not in shown


def test_the_run_takes_the_happy_path_for_every_table(pipeline: LocalPipeline, first_run: Any) -> None:
    assert (first_run.status, first_run.error) == ("SUCCEEDED", None), first_run.cause
    assert top_level_states(pipeline, first_run) == HAPPY_PATH_ICEBERG_POLL
    assert first_run.states_entered.count("RunExtractJob") == first_run.states_entered.count("RunCleanseJob") == 3


def test_the_run_report_is_the_executions_output_and_goes_to_cloudwatch(pipeline: LocalPipeline, first_run: Any) -> None:
    report = first_run.output
    customers = report["tables"]["customers"]
    database, bucket = pipeline.outputs["database_name"], pipeline.outputs["bucket_name"]

    assert (report["status"], report["failed_tables"]) == ("succeeded", [])
    assert {name: table["status"] for name, table in report["tables"].items()} == dict.fromkeys(SAMPLES, "succeeded")
    assert customers["rows"] == {
        "source_read": 10,
        "raw": 10,
        "cleansed": 3,
        "inserted": 3,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "duplicates_removed": 2,
        "quarantined": 5,
    }
    assert customers["quarantined_by_reason"] == {reason: 1 for _, reason in EXPECTED_QUARANTINE}
    assert customers["tables"] == {"raw": f"{database}.raw_customers", "cleansed": f"{database}.cleansed_customers"}
    assert customers["locations"]["quarantine"] == f"s3://{bucket}/quarantine/{pipeline.name_prefix}/customers/run_id={RUN_ID}/"
    assert (report["tables"]["orders"]["rows"]["cleansed"], report["tables"]["countries"]["rows"]["cleansed"]) == (4, 5)
    assert set(report["durations_seconds"]) == {"ExtractTables", "RawCrawler", "CleanseTables"}
    metrics = pipeline.client("cloudwatch").list_metrics(Namespace="GlueEtlPipeline")["Metrics"]
    tables_measured = {dimension["Value"] for metric in metrics for dimension in metric["Dimensions"] if dimension["Name"] == "Table"}
    assert {"SourceRowsRead", "CleansedRows", "RowsInserted", "QuarantinedRows", "CleanseTablesSeconds", "FailedTables"} <= {
        metric["MetricName"] for metric in metrics
    }
    assert tables_measured == set(SAMPLES)


def test_the_run_report_prices_each_job_run_and_crawl_consistently_with_glues_figures(pipeline: LocalPipeline, first_run: Any) -> None:
    cost, glue = first_run.output["cost"], pipeline.client("glue")
    # The deployed jobs by their scripts, and the lake crawler: every crawler but the source's (Iceberg: the raw one).
    job_names = {Path(job["Command"]["ScriptLocation"]).stem: job["Name"] for job in glue.get_jobs()["Jobs"]}
    (raw_crawler,) = [
        crawler["Name"] for crawler in glue.get_crawlers()["Crawlers"] if crawler["Name"] != pipeline.outputs["source_crawler_name"]
    ]

    for name, table in first_run.output["tables"].items():
        for job, run_id in table["job_run_ids"].items():
            job_run = glue.get_job_run(JobName=job_names[job], RunId=run_id)["JobRun"]
            dpus = DPUS_PER_WORKER[job_run["WorkerType"]] * job_run["NumberOfWorkers"]
            billed = table["cost"][job]["dpu_seconds"]
            assert billed >= job_run["ExecutionTime"] * dpus and billed >= 60 * dpus, (name, job, billed, job_run)
    job_costs = [job for table in first_run.output["tables"].values() for job in table["cost"].values()]
    assert cost["glue_job_dpu_seconds"] == pytest.approx(sum(job["dpu_seconds"] for job in job_costs))
    (crawl,) = cost["crawls"]  # Iceberg: the raw crawl only
    assert crawl["crawler"] == raw_crawler and crawl["dpu_hours"] >= 600 / 3600 * 0.999
    assert cost["state_transitions"] >= len(first_run.states_entered)
    assert cost["estimated_usd"] == pytest.approx(sum(cost["usd_by_item"].values()), abs=1e-8)
    assert cost["not_included"] == []


def test_every_metric_the_dashboard_shows_of_the_pipeline_is_one_the_run_published(pipeline: LocalPipeline, first_run: Any) -> None:
    region, namespace = region_of(pipeline.outputs["state_machine_arn"]), "GlueEtlPipeline"
    shown = {metric for metric in dashboard_metrics(pipeline.outputs["dashboard_name"], region) if metric[0] == namespace}

    run_figures = {"SucceededTables", "FailedTables", "QuarantineRatio", "RunSeconds", "EstimatedCost", "CleansedRows"}
    assert {name for _, name, _ in shown} >= run_figures
    assert shown - published_metrics(namespace, region) == set()


def test_the_current_state_holds_exactly_the_clean_latest_rows(pipeline: LocalPipeline, first_run: Any) -> None:
    assert cleansed(pipeline) == EXPECTED_CLEANSED


def test_the_quarantine_holds_exactly_the_dirty_rows_with_their_reasons(pipeline: LocalPipeline, first_run: Any) -> None:
    assert quarantined(pipeline) == sorted(EXPECTED_QUARANTINE, key=repr)


def test_the_orders_and_the_countries_are_cleansed_by_their_own_rules(pipeline: LocalPipeline, first_run: Any) -> None:
    assert cleansed_orders(pipeline) == EXPECTED_ORDERS
    assert quarantined(pipeline, "orders") == EXPECTED_ORDERS_QUARANTINE
    assert sorted((row["country_code"], row["name"]) for row in pipeline.current_state_rows("countries")) == EXPECTED_COUNTRIES
    assert quarantined(pipeline, "countries") == [("XX", "required column name is missing")]


def test_raw_holds_every_source_row(pipeline: LocalPipeline, first_run: Any) -> None:
    raw = pipeline.raw_rows(RUN_ID)
    assert len(raw) == pipeline.source_rows() == 10
    assert list(raw[0]) == SAMPLE_COLUMNS


def test_the_three_catalog_tables_have_the_right_columns_and_locations(pipeline: LocalPipeline, first_run: Any) -> None:
    bucket = pipeline.outputs["bucket_name"]
    tables = {table.name: table for table in pipeline.tables()}

    assert sorted(tables) == sorted(f"{stage}_{table}" for table in SAMPLES for stage in ("cleansed", "raw", "source_sales_public"))
    source, raw, cleansed_table = tables["source_sales_public_customers"], tables["raw_customers"], tables["cleansed_customers"]
    assert source.location == "sales.public.customers"
    assert source.columns == [("customer_id", "int"), *[(column, "string") for column in SAMPLE_COLUMNS[1:]]]
    assert raw.location == f"s3://{bucket}/raw/{pipeline.name_prefix}/customers/"
    # The raw crawler's classifier asks for OpenCSVSerDe, which reads every raw column as a string.
    assert raw.columns == [*[(column, "string") for column in SAMPLE_COLUMNS], ("run_id", "string")]
    # Registered by the cleanse job as Iceberg's GlueCatalog registers a table, in Hive's type names.
    assert cleansed_table.location == f"s3://{bucket}/cleansed/{pipeline.name_prefix}/customers"
    assert cleansed_table.columns == [*CLEANSED_CUSTOMER_COLUMNS, ("ingestion_date", "date"), ("run_id", "string")]
    parameters = pipeline.client("glue").get_table(DatabaseName=pipeline.outputs["database_name"], Name="cleansed_customers")["Table"]
    assert parameters["Parameters"]["table_type"] == "ICEBERG"
    assert parameters["Parameters"]["metadata_location"].startswith(f"s3://{bucket}/cleansed/{pipeline.name_prefix}/customers/metadata/")


def test_a_second_run_with_the_same_run_id_leaves_the_same_outputs(pipeline: LocalPipeline, first_run: Any) -> None:
    snapshots = len(pipeline.current_state_table().snapshots())
    rerun = pipeline.run(RUN_ID)

    assert rerun.status == "SUCCEEDED", rerun.cause
    assert cleansed(pipeline) == EXPECTED_CLEANSED
    assert len(pipeline.current_state_table().snapshots()) == snapshots  # nothing changed, nothing committed
    assert quarantined(pipeline) == sorted(EXPECTED_QUARANTINE, key=repr)
    assert len(pipeline.raw_rows(RUN_ID)) == 10


SECOND_RUN_ID = "e2e-2"
NEW_CUSTOMER = (8, "Grace", "Hopper", "grace@example.com", date(2024, 1, 11), datetime(2024, 5, 1, 10), Decimal("10.00"), True, "US", None)


def test_a_second_run_updates_changed_customers_adds_new_ones_and_keeps_the_rest(pipeline: LocalPipeline, first_run: Any) -> None:
    newer_ada = "UPDATE customers SET balance = '130.00', updated_at = '2024-05-01 09:00:00' WHERE customer_id = 1 AND notes IS NULL"
    pipeline.update_source(newer_ada)
    # An older version of customer 7 than the table holds: the table keeps its own.
    pipeline.update_source("UPDATE customers SET email = 'old@example.com', updated_at = '2023-01-01 00:00:00' WHERE customer_id = 7")
    pipeline.update_source(
        "INSERT INTO customers VALUES "
        "(8, 'Grace', 'Hopper', 'grace@example.com', '2024-01-11', '2024-05-01 10:00:00', '10.00', 'true', 'US', NULL)"
    )

    second = pipeline.run(SECOND_RUN_ID)

    assert (second.status, second.error) == ("SUCCEEDED", None), second.cause
    rows = (second.output or {})["tables"]["customers"]["rows"]
    assert (rows["inserted"], rows["updated"], rows["unchanged"]) == (1, 1, 2)
    ada = (*EXPECTED_CLEANSED[0][:5], datetime(2024, 5, 1, 9), Decimal("130.00"), *EXPECTED_CLEANSED[0][7:])
    assert cleansed(pipeline) == sorted([ada, *EXPECTED_CLEANSED[1:], NEW_CUSTOMER])
    written_by = {row["customer_id"]: row["run_id"] for row in pipeline.current_state_rows()}
    assert written_by == {1: SECOND_RUN_ID, 2: RUN_ID, 7: RUN_ID, 8: SECOND_RUN_ID}
    # The first run's state stays readable: Iceberg keeps it as a snapshot.
    first_snapshot = pipeline.current_state_table().snapshots()[0].snapshot_id
    first_state = pipeline.current_state_table().scan(snapshot_id=first_snapshot).to_arrow().to_pylist()
    assert sorted(tuple(without_time_zone(row[column]) for column in SAMPLE_COLUMNS) for row in first_state) == EXPECTED_CLEANSED


def customer_ids(rows: list[dict[str, Any]]) -> set[int]:
    return {row["customer_id"] for row in rows}


def test_a_full_run_removes_the_customers_deleted_at_the_source_and_reads_only_the_updated_orders(
    pipeline: LocalPipeline, first_run: Any
) -> None:
    """examples/complete: customers mirror their source (deletes = "mirror"), orders are extracted past
    a bookmark on updated_at (bookmark_keys)."""
    pipeline.update_source("DELETE FROM customers WHERE customer_id = 7")
    pipeline.update_source("UPDATE orders SET status = 'delivered', updated_at = '2024-06-01 00:00:00' WHERE order_id = 102")
    snapshot_before = pipeline.current_state_table().current_snapshot()
    assert snapshot_before is not None

    record = pipeline.run("e2e-deletes")

    assert (record.status, record.error) == ("SUCCEEDED", None), record.cause
    customers, orders = (record.output or {})["tables"]["customers"], (record.output or {})["tables"]["orders"]
    assert (customers["rows"]["deleted"], customers["previous_snapshot_id"]) == (1, str(snapshot_before.snapshot_id))
    assert 7 not in customer_ids(pipeline.current_state_rows())
    assert 7 in customer_ids(pipeline.current_state_rows(snapshot_id=snapshot_before.snapshot_id))  # time travel
    # The source holds order 102 twice: both rows are past the bookmark, one key is updated.
    assert (orders["rows"]["source_read"], orders["rows"]["updated"]) == (pipeline.source_count("orders", "order_id = 102"), 1)
    statuses = {row["order_id"]: row["status"] for row in pipeline.current_state_rows("orders")}
    assert statuses == {**{order[0]: order[4] for order in EXPECTED_ORDERS}, 102: "delivered"}


def test_a_run_whose_extract_lost_most_customers_deletes_none_and_fails(pipeline: LocalPipeline, first_run: Any) -> None:
    """A truncated source (or one read during an outage) must never empty the current state:
    examples/complete's max_deleted_ratio is 0.5."""
    rows_before, snapshots_before = cleansed(pipeline), len(pipeline.current_state_table().snapshots())
    kept = len(customer_ids(pipeline.current_state_rows())) - 1
    pipeline.update_source("CREATE TABLE customers_kept AS SELECT * FROM customers")
    pipeline.update_source("DELETE FROM customers WHERE customer_id <> 8")
    try:
        record = pipeline.run("e2e-truncated")
    finally:
        pipeline.update_source("DELETE FROM customers")
        pipeline.update_source("INSERT INTO customers SELECT * FROM customers_kept")
        pipeline.update_source("DROP TABLE customers_kept")

    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    step, error, cause = table_failure(record, "customers")
    assert (step, error) == ("RunCleanseJob", "QualityGateFailed")
    assert f"would delete {kept} of the {kept + 1} rows" in cause
    assert "the source may be truncated or unreachable" in cause
    assert cleansed(pipeline) == rows_before
    assert len(pipeline.current_state_table().snapshots()) == snapshots_before


def test_a_cleanse_job_that_may_not_commit_fails_and_leaves_the_current_state_as_it_was(pipeline: LocalPipeline, first_run: Any) -> None:
    pipeline.update_source("UPDATE customers SET balance = '55.00', updated_at = '2024-06-01 10:00:00' WHERE customer_id = 2")
    before = (cleansed(pipeline), pipeline.current_state_table().metadata_location)

    with statement_removed(cleanse_role(pipeline), "CommitCurrentStateTable"):
        record = pipeline.run("no-commit", tables=["customers"])

    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    step, error, cause = table_failure(record, "customers")
    assert (step, error) == ("RunCleanseJob", "JobFailed")
    assert "Cannot commit glue_catalog" in cause
    assert (cleansed(pipeline), pipeline.current_state_table().metadata_location) == before
    assert len(quarantined(pipeline, run_id="no-commit")) == len(EXPECTED_QUARANTINE)


def test_a_run_quarantining_more_than_the_gate_allows_publishes_nothing(pipeline: LocalPipeline, first_run: Any) -> None:
    before = (cleansed(pipeline), pipeline.current_state_table().metadata_location)
    # 20 rows without an e-mail address beside the sample's dirty ones: over examples/complete's 0.5.
    for customer_id in range(100, 120):
        pipeline.update_source(f"INSERT INTO customers (customer_id, updated_at) VALUES ({customer_id}, '2024-07-01')")
    try:
        input_rows = pipeline.source_rows("customers")
        record = pipeline.run("gated", tables=["customers"])
    finally:
        pipeline.update_source("DELETE FROM customers WHERE customer_id >= 100")

    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    step, error, cause = table_failure(record, "customers")
    assert (step, error) == ("RunCleanseJob", "QualityGateFailed")
    assert f"quarantined 25 of {input_rows} input rows ({25 / input_rows:.1%}), more than max_quarantine_ratio 50.0%" in cause
    assert "required column email is missing (21 rows)" in cause
    assert "customers at RunCleanseJob with QualityGateFailed" in (record.cause or "")
    assert (cleansed(pipeline), pipeline.current_state_table().metadata_location) == before
    assert len(quarantined(pipeline, run_id="gated")) == 25


def test_a_table_that_fails_does_not_stop_the_others_and_a_rerun_of_it_alone_completes_the_run(
    pipeline: LocalPipeline, first_run: Any
) -> None:
    alerts = subscribe_to_notifications(pipeline.outputs, "e2e-alerts")
    countries_snapshots = len(pipeline.current_state_table("countries").snapshots())
    # Orders are read past their bookmark on updated_at (examples/complete): one order changes.
    pipeline.update_source("UPDATE orders SET status = 'refunded', updated_at = '2024-08-01 00:00:00' WHERE order_id = 103")
    orders_before = cleansed_orders(pipeline)
    pipeline.update_source("ALTER TABLE orders RENAME TO orders_elsewhere")
    try:
        failed = pipeline.run("one-fails")
    finally:
        pipeline.update_source("ALTER TABLE orders_elsewhere RENAME TO orders")

    assert (failed.status, failed.error) == ("FAILED", "TablesFailed")
    report = failed.report or {}
    assert {name: table["status"] for name, table in report["tables"].items()} == {
        "countries": "succeeded",
        "customers": "succeeded",
        "orders": "failed",
    }
    step, error, cause = table_failure(failed, "orders")
    assert (step, error) == ("RunExtractJob", "JobFailed")
    assert "public.orders" in cause and "does not exist" in cause  # PostgreSQL's error, in the job run's JSON
    assert (failed.cause or "").startswith("Tables failed: 1 of 3 tables failed; orders at RunExtractJob with JobFailed: ")
    # The others went through (countries unchanged: no new snapshot), cataloged by the one crawl.
    assert len(pipeline.raw_rows("one-fails", "customers")) == pipeline.source_rows("customers")
    assert len(pipeline.current_state_table("countries").snapshots()) == countries_snapshots
    assert failed.states_entered.count("StartRawCrawler") == 1
    region = region_of(pipeline.outputs["state_machine_arn"])
    (alert,) = [envelope for envelope in received(alerts, region, wait_seconds=2) if alarm_change(envelope) is None]
    assert alert["Message"].startswith(
        "Pipeline e2e run one-fails failed at step Tables with TablesFailed: 1 of 3 tables failed; orders at RunExtractJob"
    )
    # After a run that succeeded and one that failed, every alarm watches a metric the runs put.
    watched = alarm_metrics(pipeline.outputs["alarm_names"], region)
    published = published_metrics("GlueEtlPipeline", region) | published_metrics("AWS/States", region)
    assert set(watched) == {"failed_tables", "quarantine_ratio", "run_duration", "freshness"}
    assert set(watched.values()) - published == set()

    rerun = pipeline.run("one-fails", tables=["orders"])

    assert (rerun.status, rerun.error) == ("SUCCEEDED", None), rerun.cause
    statuses = {name: table["status"] for name, table in (rerun.output or {})["tables"].items()}
    assert statuses == {"countries": "skipped", "customers": "skipped", "orders": "succeeded"}
    assert rerun.states_entered.count("RunExtractJob") == rerun.states_entered.count("RunCleanseJob") == 1
    # The failed run moved no bookmark: the rerun reads the order changed since the last run that succeeded.
    assert [row["order_id"] for row in pipeline.raw_rows("one-fails", "orders")] == ["103"]
    assert cleansed_orders(pipeline) == [(*order[:4], "refunded") if order[0] == 103 else order for order in orders_before]


def test_a_run_naming_a_table_the_pipeline_does_not_have_is_refused(pipeline: LocalPipeline) -> None:
    record = pipeline.run("unknown-table", tables=["customers", "invoices"])

    assert (record.status, record.error) == ("FAILED", "InvalidExecutionInput")
    assert record.cause == (
        "The execution input's tables must be a non-empty list of this pipeline's table names (countries, customers, orders); "
        'not so: ["invoices"].'
    )
    assert "RunExtractJob" not in record.states_entered


# ---------------------------------------------------------------- the job roles, statement by statement

# What a local job run never asks for, so removing it could not fail a run here.
JOB_STATEMENTS_NOT_EXERCISED_LOCALLY = {
    "WriteJobLogs": "Glue's delivery of job logs is not emulated",
    "PublishJobMetrics": "Glue's job metrics are not emulated",
    "ListOwnMultipartUploads": "the executor copies files to S3 in single-part uploads",
}
# Statement removed from the extract job's role -> the permission the failed run names.
EXTRACT_REMOVALS = {
    "ReadScripts": "s3:GetObject",
    "WriteRawData": "s3:GetObject",
    "ListLakeBucket": "s3:ListBucket",
    "ReadSourceCatalog": "glue:GetTable",
    "UseSourceConnection": "glue:GetConnection",
    "ReadSourceSecret": "secretsmanager:GetSecretValue",
    "ReadSourceTlsCertificate": "s3:GetObject",
}
# The same for the cleanse job's role.
CLEANSE_REMOVALS = {
    "ReadScripts": "s3:GetObject",
    "ReadRawData": "s3:GetObject",
    "WriteCleansedData": "s3:GetObject",
    "ListLakeBucket": "s3:ListBucket",
    "ReadCurrentStateTable": "glue:GetTable",
}


def extract_role(pipeline: LocalPipeline) -> str:
    return f"{pipeline.name_prefix}-extract-job"


def cleanse_role(pipeline: LocalPipeline) -> str:
    return f"{pipeline.name_prefix}-cleanse-job"


def sids_of(pipeline: LocalPipeline, role: str) -> set[str]:
    iam = pipeline.client("iam")
    return {
        statement["Sid"]
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
        for statement in iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]["Statement"]
    }


def test_every_statement_of_the_job_roles_is_exercised_or_said_not_to_be(pipeline: LocalPipeline) -> None:
    assert sids_of(pipeline, extract_role(pipeline)) == set(EXTRACT_REMOVALS) | set(JOB_STATEMENTS_NOT_EXERCISED_LOCALLY)
    # CommitCurrentStateTable: test_a_cleanse_job_that_may_not_commit_fails_and_leaves_the_current_state_as_it_was
    assert sids_of(pipeline, cleanse_role(pipeline)) == set(CLEANSE_REMOVALS) | set(JOB_STATEMENTS_NOT_EXERCISED_LOCALLY) | {
        "CommitCurrentStateTable"
    }


@pytest.mark.parametrize(("sid", "action"), sorted(EXTRACT_REMOVALS.items()))
def test_the_extract_job_without_a_statement_of_its_role_fails_naming_the_permission_and_the_role(
    pipeline: LocalPipeline, first_run: Any, sid: str, action: str
) -> None:
    run_id = f"no-{sid.lower()}"
    role = extract_role(pipeline)
    with statement_removed(role, sid):
        record = pipeline.run(run_id, tables=["customers"])

    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    step, error, cause = table_failure(record, "customers")
    assert (step, error) == ("RunExtractJob", "JobFailed")
    assert action in cause
    assert f"role/{role}" in cause or f"assumed-role/{role}/" in cause
    assert list(pipeline.run_keys(pipeline.location("customers", "raw"), run_id)) == []


@pytest.mark.parametrize(("sid", "action"), sorted(CLEANSE_REMOVALS.items()))
def test_the_cleanse_job_without_a_statement_of_its_role_fails_naming_the_permission_and_the_role(
    pipeline: LocalPipeline, first_run: Any, sid: str, action: str
) -> None:
    before = (cleansed(pipeline), pipeline.current_state_table().metadata_location)
    role = cleanse_role(pipeline)
    with statement_removed(role, sid):
        record = pipeline.run(f"no-{sid.lower()}", tables=["customers"])

    assert (record.status, record.error) == ("FAILED", "TablesFailed")
    step, error, cause = table_failure(record, "customers")
    assert (step, error) == ("RunCleanseJob", "JobFailed")
    assert action in cause
    assert f"role/{role}" in cause or f"assumed-role/{role}/" in cause
    assert (cleansed(pipeline), pipeline.current_state_table().metadata_location) == before
