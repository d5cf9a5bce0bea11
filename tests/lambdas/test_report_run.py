"""The run-report Lambda against the emulator: the report it returns from the jobs' figures and
the execution's history, the metrics it puts, the success message, and how it fails."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from local_aws import executions
from local_aws.clients import client
from local_aws.control import advance_time, plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from run_cost import Prices
from tests.roles import CRAWLER_CATALOG_ACTIONS, catalog_statement, create_service_role

BUCKET = "report-test-lake"
RAW_FIGURES = {"rows_read": 2000, "rows_written": 2000}
CLEANSE_FIGURES = {
    "input_rows": 2000,
    "cleansed_rows": 1877,
    "quarantined_rows": 87,
    "duplicates_removed": 36,
    "quarantined_by_reason": {"email is not a valid e-mail address": 40, "signup_date is not a valid date": 47},
    "inserted": 20,
    "updated": 88,
    "unchanged": 1769,
}
# Pass states named as the pipeline's stages, for an execution history to measure.
STEPS_MACHINE = {
    "StartAt": "ExtractTables",
    "States": {
        "ExtractTables": {"Type": "Pass", "Next": "StartRawCrawler"},
        "StartRawCrawler": {"Type": "Pass", "Next": "IsRawCrawlerDone"},
        "IsRawCrawlerDone": {"Type": "Pass", "Next": "CleanseTables"},
        "CleanseTables": {"Type": "Pass", "End": True},
    },
}
# An Iceberg table's figures from a run that mirrored deletes (cleanse_job.json): Iceberg snapshot ids are 64-bit.
MIRRORED_FIGURES = {
    **CLEANSE_FIGURES,
    "deleted": 3,
    "deletes": "mirror",
    "snapshot_id": 8744736658442914487,
    "previous_snapshot_id": 5937117119577207079,
}
# The sentence the cleanse job writes when a run of some tables skips mirror deletes.
DELETES_SKIPPED = "the run named only some of the pipeline's tables: mirror deletes need a run of every table"
JOBS = {"extract_job": "sales-extract", "cleanse_job": "sales-cleanse"}
JOB2_FAILURE = {"step": "RunCleanseJob", "error": "JobFailed", "cause": "Job sales-cleanse ended with States.TaskFailed: boom"}


def table_settings(name: str) -> dict[str, Any]:
    """A table as the state machine's LoadTables state gives it."""
    return {
        "name": name,
        "raw_table": f"lake.raw_{name}",
        "cleansed_table": f"lake.cleansed_{name}",
        "raw_path": f"s3://{BUCKET}/raw/{name}/",
        "cleansed_path": f"s3://{BUCKET}/cleansed/{name}/",
        "quarantine_path": f"s3://{BUCKET}/quarantine/{name}/",
        "reports_path": f"s3://{BUCKET}/reports/{name}/",
    }


@pytest.fixture
def event(clean_emulator: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """customers succeeded, orders failed in the cleanse job, countries was not in the run's tables."""
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    for table in ("customers", "orders"):
        s3.put_object(Bucket=BUCKET, Key=f"reports/{table}/run_id=r1/extract_job.json", Body=json.dumps(RAW_FIGURES).encode())
    s3.put_object(Bucket=BUCKET, Key="reports/customers/run_id=r1/cleanse_job.json", Body=json.dumps(CLEANSE_FIGURES).encode())
    machine = client("stepfunctions").create_state_machine(
        name="steps", definition=json.dumps(STEPS_MACHINE), roleArn="arn:aws:iam::123456789012:role/states"
    )["stateMachineArn"]
    record = executions.run(machine, {}, "r1", timeout_seconds=30)
    monkeypatch.setenv("METRICS_NAMESPACE", "GlueEtlPipeline")
    monkeypatch.setenv("PRICES", json.dumps(Prices().as_dict()))
    monkeypatch.setenv("GLUE_JOBS", json.dumps(JOBS))
    monkeypatch.setenv("LAKE_CRAWLERS", "")
    monkeypatch.setenv("LAMBDA_MEMORY_MB", "128")
    return {
        "execution_arn": record.execution_arn,
        "run_id": "r1",
        "pipeline": "sales",
        "cleansed_format": "iceberg",
        "table_runs": [
            {
                "table": table_settings("customers"),
                "status": "succeeded",
                "extract_job": {"job_run_id": "jr_1", "state": "SUCCEEDED"},
                "cleanse_job": {"job_run_id": "jr_2", "state": "SUCCEEDED"},
            },
            {
                "table": table_settings("orders"),
                "status": "failed",
                "extract_job": {"job_run_id": "jr_3", "state": "SUCCEEDED"},
                "failure": JOB2_FAILURE,
            },
            {"table": table_settings("countries"), "status": "skipped"},
        ],
    }


def only_customers(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "table_runs": event["table_runs"][:1]}


def pipeline_datapoints(metric: str) -> list[dict[str, Any]]:
    """The hour's Maximum of the pipeline-level `metric` the report put."""
    datapoints: list[dict[str, Any]] = client("cloudwatch").get_metric_statistics(
        Namespace="GlueEtlPipeline",
        MetricName=metric,
        Dimensions=[{"Name": "Pipeline", "Value": "sales"}],
        StartTime=datetime.now(UTC) - timedelta(hours=1),
        EndTime=datetime.now(UTC) + timedelta(hours=1),
        Period=3600,
        Statistics=["Maximum"],
    )["Datapoints"]
    return datapoints


def test_the_report_gives_each_tables_outcome_figures_and_locations(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    report = lambda_handler(event, None)

    customers, orders, countries = (report["tables"][name] for name in ("customers", "orders", "countries"))
    assert customers["status"] == "succeeded"
    assert customers["rows"] == {
        "source_read": 2000,
        "raw": 2000,
        "cleansed": 1877,
        "inserted": 20,
        "updated": 88,
        "unchanged": 1769,
        "deleted": None,
        "duplicates_removed": 36,
        "quarantined": 87,
    }
    assert customers["quarantined_by_reason"] == CLEANSE_FIGURES["quarantined_by_reason"]
    assert customers["tables"] == {"raw": "lake.raw_customers", "cleansed": "lake.cleansed_customers"}
    assert customers["locations"]["raw"] == f"s3://{BUCKET}/raw/customers/run_id=r1/"
    assert customers["job_run_ids"] == {"extract_job": "jr_1", "cleanse_job": "jr_2"}
    assert {key: orders[key] for key in ("status", "step", "error", "cause")} == {"status": "failed", **JOB2_FAILURE}
    assert orders["rows"]["source_read"] == 2000 and orders["rows"]["cleansed"] is None
    assert countries == {"status": "skipped", "tables": countries["tables"], "locations": countries["locations"]}
    assert (report["status"], report["failed_tables"]) == ("failed", ["orders"])
    assert report["failure_summary"] == f"1 of 2 tables failed; orders at RunCleanseJob with JobFailed: {JOB2_FAILURE['cause']}"
    assert set(report["durations_seconds"]) == {"ExtractTables", "RawCrawler", "CleanseTables"}
    assert all(seconds >= 0 for seconds in report["durations_seconds"].values())


def test_a_run_of_succeeded_tables_fails_nothing(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    report = lambda_handler(only_customers(event), None)

    assert (report["status"], report["failed_tables"], report["failure_summary"]) == ("succeeded", [], None)


def test_the_figures_go_to_cloudwatch_under_the_pipeline_and_each_table(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    lambda_handler(event, None)

    metrics = client("cloudwatch").list_metrics(Namespace="GlueEtlPipeline")["Metrics"]
    by_dimensions: dict[frozenset[tuple[str, str]], set[str]] = {}
    for metric in metrics:
        by_dimensions.setdefault(frozenset((d["Name"], d["Value"]) for d in metric["Dimensions"]), set()).add(metric["MetricName"])
    assert {"SourceRowsRead", "CleansedRows", "RowsInserted", "RowsUpdated", "QuarantinedRows"} <= by_dimensions[
        frozenset({("Pipeline", "sales"), ("Table", "customers")})
    ]
    assert by_dimensions[frozenset({("Pipeline", "sales"), ("Table", "orders")})] == {"SourceRowsRead"}
    assert {"FailedTables", "ExtractTablesSeconds"} <= by_dimensions[frozenset({("Pipeline", "sales")})]
    assert frozenset({("Pipeline", "sales"), ("Table", "countries")}) not in by_dimensions
    failed_tables = pipeline_datapoints("FailedTables")
    assert [point["Maximum"] for point in failed_tables] == [1.0]


def subscribed_queue(monkeypatch: pytest.MonkeyPatch) -> str:
    topic = client("sns").create_topic(Name="pipeline")["TopicArn"]
    queue = client("sqs").create_queue(QueueName="subscriber")["QueueUrl"]
    queue_arn = client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    monkeypatch.setenv("SUCCESS_TOPIC_ARN", topic)
    return queue


def test_with_a_success_topic_the_report_of_a_successful_run_is_sent_there(event: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from report_run import lambda_handler

    queue = subscribed_queue(monkeypatch)

    lambda_handler(only_customers(event), None)

    (message,) = client("sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    body = json.loads(message["Body"])
    assert body["Subject"] == "sales run succeeded"
    assert body["MessageAttributes"]["outcome"]["Value"] == "succeeded"
    assert body["Message"].startswith("Pipeline sales, run r1 succeeded.\n\ncustomers: succeeded\n")
    assert "  inserted             20" in body["Message"]


def test_a_run_with_a_failed_table_sends_no_success_message(event: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from report_run import lambda_handler

    queue = subscribed_queue(monkeypatch)

    lambda_handler(event, None)

    assert client("sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", []) == []


def test_a_missing_figures_file_fails_naming_it(event: dict[str, Any]) -> None:
    from report_run import RunFiguresUnreadable, lambda_handler

    client("s3").delete_object(Bucket=BUCKET, Key="reports/customers/run_id=r1/cleanse_job.json")

    figures = "s3://report-test-lake/reports/customers/run_id=r1/cleanse_job.json"
    with pytest.raises(RunFiguresUnreadable, match=rf"The cleanse job wrote no figures for this run: {figures} does not exist"):
        lambda_handler(event, None)


def failed_job_run(job_name: str, message: str) -> str:
    """A run of Glue job `job_name` that ended FAILED with `message`: its id."""
    glue = client("glue")
    glue.create_job(
        Name=job_name, Role="arn:aws:iam::123456789012:role/glue", Command={"Name": "glueetl", "ScriptLocation": "s3://x/job.py"}
    )
    plan_job_runs(job_name, [JobRunPlan(starting_seconds=0, running_seconds=0, outcome="FAILED", error_message=message)])
    run_id: str = glue.start_job_run(JobName=job_name)["JobRunId"]
    advance_time(1)
    while glue.get_job_run(JobName=job_name, RunId=run_id)["JobRun"]["JobRunState"] not in {"FAILED"}:
        advance_time(1)
    return run_id


def test_a_failed_job_runs_message_is_read_from_glue_and_cut_to_fit(event: dict[str, Any]) -> None:
    from report_run import CAUSE_CHARACTERS, lambda_handler

    message = "Py4JJavaError: " + "x" * 5000
    run_id = failed_job_run("sales-cleanse", message)
    event["table_runs"][1]["failure"] = {
        "step": "RunCleanseJob",
        "error": "JobFailed",
        "job": "sales-cleanse",
        "job_run_id": run_id,
    }

    orders = lambda_handler(event, None)["tables"]["orders"]

    assert orders["cause"].startswith(f"Job sales-cleanse run {run_id} ended FAILED: Py4JJavaError: xxx")
    assert len(orders["cause"]) == CAUSE_CHARACTERS and orders["cause"].endswith(" characters in all)")
    assert orders["job_run_ids"] == {"extract_job": "jr_3", "cleanse_job": run_id}


def test_the_failure_summary_of_fifty_failed_tables_fits_a_fail_states_cause(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    failure = {"step": "RunExtractJob", "error": "JobFailed", "cause": "Job sales-extract-to-raw ended with States.Timeout: " + "y" * 3000}
    names = [f"table_{index:02d}_{'n' * 46}" for index in range(50)]
    event["table_runs"] = [{"table": table_settings(name), "status": "failed", "failure": failure} for name in names]

    report = lambda_handler(event, None)

    # Step Functions caps a Fail state's cause at 32,768 characters; the run's is "Tables failed: <summary>".
    assert len(f"Tables failed: {report['failure_summary']}") <= 32768
    assert report["failure_summary"].startswith("50 of 50 tables failed")
    assert all(name in report["failure_summary"] for name in names)
    assert len(json.dumps(report)) < 128 * 1024


def with_cleanse_figures(event: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    """`only_customers(event)`, its cleanse job having written `figures`."""
    client("s3").put_object(Bucket=BUCKET, Key="reports/customers/run_id=r1/cleanse_job.json", Body=json.dumps(figures).encode())
    return only_customers(event)


def test_an_iceberg_tables_report_gives_the_rows_deleted_and_the_snapshot_before_them(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    customers = lambda_handler(with_cleanse_figures(event, MIRRORED_FIGURES), None)["tables"]["customers"]

    assert customers["rows"]["deleted"] == 3
    # As strings: a JSON reader may round a number beyond 2^53, and the ids are read back into SQL.
    assert (customers["snapshot_id"], customers["previous_snapshot_id"]) == ("8744736658442914487", "5937117119577207079")
    assert "deletes_skipped" not in customers


def test_a_table_whose_mirror_deletes_were_skipped_says_why(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    figures = {**MIRRORED_FIGURES, "deleted": 0, "previous_snapshot_id": None, "deletes_skipped": DELETES_SKIPPED}

    customers = lambda_handler(with_cleanse_figures(event, figures), None)["tables"]["customers"]

    assert (customers["rows"]["deleted"], customers["deletes_skipped"]) == (0, DELETES_SKIPPED)
    assert (customers["snapshot_id"], customers["previous_snapshot_id"]) == ("8744736658442914487", None)


def test_a_parquet_tables_report_has_no_deletes_or_snapshots(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    customers = lambda_handler(only_customers(event), None)["tables"]["customers"]

    assert customers["rows"]["deleted"] is None
    assert {"snapshot_id", "previous_snapshot_id", "deletes_skipped"}.isdisjoint(customers)


def test_the_rows_deleted_go_to_cloudwatch_as_rows_deleted(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    lambda_handler(with_cleanse_figures(event, MIRRORED_FIGURES), None)

    deleted = client("cloudwatch").get_metric_statistics(
        Namespace="GlueEtlPipeline",
        MetricName="RowsDeleted",
        Dimensions=[{"Name": "Pipeline", "Value": "sales"}, {"Name": "Table", "Value": "customers"}],
        StartTime=datetime.now(UTC) - timedelta(hours=1),
        EndTime=datetime.now(UTC) + timedelta(hours=1),
        Period=3600,
        Statistics=["Sum"],
    )["Datapoints"]
    assert [point["Sum"] for point in deleted] == [3.0]


def test_a_glue_workflows_cleanse_job_puts_rows_deleted_as_the_report_does() -> None:
    # cleanse_job.publish_table_metrics, which has no run report, puts what these give.
    from run_figures import rows_of, table_metric_data

    data = table_metric_data("sales", "customers", rows_of(RAW_FIGURES, MIRRORED_FIGURES))

    assert {"MetricName": "RowsDeleted", "Dimensions": data[0]["Dimensions"], "Value": 3, "Unit": "Count"} in data
    assert "RowsDeleted" not in {
        metric["MetricName"] for metric in table_metric_data("sales", "customers", rows_of(RAW_FIGURES, CLEANSE_FIGURES))
    }


def test_the_report_of_fifty_iceberg_tables_that_skipped_deletes_fits_a_state_and_a_message(
    event: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from report_run import SKIPPED_CHARACTERS, lambda_handler

    queue = subscribed_queue(monkeypatch)
    names = [f"t{index:02d}_{'x' * 51}" for index in range(50)]  # the module's maximums: 50 tables of 55 characters
    figures = {**MIRRORED_FIGURES, "deletes_skipped": DELETES_SKIPPED + "; " + "y" * 5000}
    for name in names:
        for job, written in (("extract_job", RAW_FIGURES), ("cleanse_job", figures)):
            client("s3").put_object(Bucket=BUCKET, Key=f"reports/{name}/run_id=r1/{job}.json", Body=json.dumps(written).encode())
    event["table_runs"] = [
        {
            "table": table_settings(name),
            "status": "succeeded",
            "extract_job": {"job_run_id": "jr_1", "state": "SUCCEEDED"},
            "cleanse_job": {"job_run_id": "jr_2", "state": "SUCCEEDED"},
        }
        for name in names
    ]

    report = lambda_handler(event, None)

    assert all(len(table["deletes_skipped"]) == SKIPPED_CHARACTERS for table in report["tables"].values())
    # Each table's cost (here null, each with its reason: the longest form) is in the report too.
    assert all(set(table["cost"]) == {"extract_job", "cleanse_job"} for table in report["tables"].values())
    assert len(report["cost"]["not_included"]) == 100
    # Step Functions: 256 KiB a state (the report is ReportRun's result and the execution's output);
    # SNS: 262,144 bytes a message (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
    assert len(json.dumps(report).encode()) <= 256 * 1024
    (message,) = client("sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert len(json.loads(message["Body"])["Message"].encode()) <= 256 * 1024


def ended_job_run(job: str, running_seconds: float, **job_settings: Any) -> str:
    """A run of a G.1X job of 2 workers (created if need be) that RUNs `running_seconds`: its id."""
    glue = client("glue")
    if job not in glue.list_jobs()["JobNames"]:
        glue.create_job(
            Name=job,
            Role="arn:aws:iam::123456789012:role/glue",
            Command={"Name": "glueetl", "ScriptLocation": "s3://x/job.py"},
            GlueVersion="5.0",
            WorkerType="G.1X",
            NumberOfWorkers=2,
            **job_settings,
        )
    plan_job_runs(job, [JobRunPlan(starting_seconds=1, running_seconds=running_seconds)])
    run_id: str = glue.start_job_run(JobName=job)["JobRunId"]
    advance_time(running_seconds + 2)
    return run_id


def test_each_job_run_is_priced_from_what_glue_reports_of_it(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    customers = event["table_runs"][0]
    customers["extract_job"]["job_run_id"] = ended_job_run("sales-extract", 90)
    customers["cleanse_job"]["job_run_id"] = ended_job_run("sales-cleanse", 20)

    report = lambda_handler(only_customers(event), None)

    extract, cleanse = (report["tables"]["customers"]["cost"][job] for job in ("extract_job", "cleanse_job"))
    assert (extract["dpu_seconds"], extract["execution_seconds"]) == (90 * 2, 90)
    assert (cleanse["dpu_seconds"], cleanse["execution_seconds"]) == (60 * 2, 20)  # the 1-minute minimum
    cost = report["cost"]
    assert cost["glue_job_dpu_seconds"] == 300
    assert cost["usd_by_item"]["glue_jobs"] == pytest.approx(300 / 3600 * 0.44, abs=1e-8)
    assert cost["estimated_usd"] == pytest.approx(sum(cost["usd_by_item"].values()), abs=1e-8)
    assert cost["state_transitions"] >= 4 + 2 and cost["lambda_requests"] == 1
    assert cost["crawls"] == [] and cost["not_included"] == []


def test_a_flex_run_is_priced_from_its_dpu_seconds_at_the_flex_price(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    event["table_runs"][0]["extract_job"]["job_run_id"] = ended_job_run("sales-extract", 120, ExecutionClass="FLEX")
    event["table_runs"][0]["cleanse_job"]["job_run_id"] = ended_job_run("sales-cleanse", 120)

    extract = lambda_handler(only_customers(event), None)["tables"]["customers"]["cost"]["extract_job"]

    assert (extract["basis"], extract["execution_class"], extract["dpu_seconds"]) == ("DPUSeconds", "FLEX", 240)
    assert extract["usd"] == round(240 / 3600 * 0.29, 8)


def test_a_job_run_glue_does_not_give_is_priced_null_with_its_reason(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    report = lambda_handler(event, None)

    orders = report["tables"]["orders"]["cost"]
    assert orders["extract_job"] == {
        "dpu_seconds": None,
        "usd": None,
        "reason": "GetJobRun of sales-extract run jr_3 failed: EntityNotFoundException",
    }
    assert (
        orders["cleanse_job"]["usd"] is None
        and orders["cleanse_job"]["reason"] == "no job run id: the cleanse job task ended with JobFailed"
    )
    assert "cost" not in report["tables"]["countries"]
    assert "orders extract_job: GetJobRun of sales-extract run jr_3 failed: EntityNotFoundException" in report["cost"]["not_included"]
    assert report["cost"]["usd_by_item"]["glue_jobs"] == 0


def test_the_crawls_the_run_started_are_priced_from_list_crawls(event: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from report_run import lambda_handler

    create_service_role("crawler", "glue.amazonaws.com", [catalog_statement(CRAWLER_CATALOG_ACTIONS, "lake")])
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "lake"})
    glue.create_crawler(Name="sales-raw-crawler", Role="crawler", DatabaseName="lake", Targets={"S3Targets": []})
    plan_crawls("sales-raw-crawler", [CrawlPlan(running_seconds=85, stopping_seconds=5)])
    glue.start_crawler(Name="sales-raw-crawler")
    advance_time(91)
    monkeypatch.setenv("LAKE_CRAWLERS", "sales-raw-crawler")

    cost = lambda_handler(only_customers(event), None)["cost"]

    (crawl,) = cost["crawls"]
    assert (crawl["crawler"], crawl["state"], crawl["seconds"]) == ("sales-raw-crawler", "COMPLETED", 90)
    assert crawl["dpu_hours"] == pytest.approx(600 / 3600, abs=1e-6)  # 90 s of a DPU, billed for 10 minutes
    assert cost["usd_by_item"]["crawls"] == crawl["usd"] == round(600 / 3600 * 0.44, 8)


def test_the_estimated_cost_goes_to_cloudwatch_under_the_pipeline(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    report = lambda_handler(event, None)

    points = pipeline_datapoints("EstimatedCost")
    assert [(point["Maximum"], point["Unit"]) for point in points] == [(report["cost"]["estimated_usd"], "None")]


def pipeline_statistic(metric: str, statistic: str) -> list[float]:
    """The hour's `statistic` of the pipeline-level `metric`, one value per datapoint."""
    datapoints = client("cloudwatch").get_metric_statistics(
        Namespace="GlueEtlPipeline",
        MetricName=metric,
        Dimensions=[{"Name": "Pipeline", "Value": "sales"}],
        StartTime=datetime.now(UTC) - timedelta(hours=1),
        EndTime=datetime.now(UTC) + timedelta(hours=1),
        Period=3600,
        Statistics=[statistic],
    )["Datapoints"]
    return [point[statistic] for point in datapoints]


def test_the_report_puts_exactly_the_pipeline_metrics_the_dashboard_shows(event: dict[str, Any]) -> None:
    # tests/operations.tftest.hcl proves the dashboard names these (with the stages the run has).
    from report_run import lambda_handler

    lambda_handler(event, None)

    metrics = client("cloudwatch").list_metrics(Namespace="GlueEtlPipeline", Dimensions=[{"Name": "Pipeline", "Value": "sales"}])["Metrics"]
    pipeline_only = {metric["MetricName"] for metric in metrics if len(metric["Dimensions"]) == 1}
    assert pipeline_only == {
        "FailedTables",
        "SucceededTables",
        "QuarantineRatio",
        "RunSeconds",
        "EstimatedCost",
        "ExtractTablesSeconds",
        "RawCrawlerSeconds",
        "CleanseTablesSeconds",
    }


def test_the_succeeded_tables_and_each_succeeded_tables_quarantine_ratio_go_to_cloudwatch(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    lambda_handler(event, None)

    # customers succeeded (87 of 2,000 rows quarantined); orders failed; countries was not in the run.
    assert pipeline_statistic("SucceededTables", "Sum") == [1.0]
    assert pipeline_statistic("QuarantineRatio", "Maximum") == [pytest.approx(87 / 2000)]


def test_a_run_of_failed_tables_only_puts_no_succeeded_table(event: dict[str, Any]) -> None:
    from report_run import lambda_handler

    lambda_handler({**event, "table_runs": event["table_runs"][1:]}, None)

    assert pipeline_statistic("SucceededTables", "Sum") == [0.0]
    assert pipeline_statistic("QuarantineRatio", "Maximum") == []


def test_the_run_seconds_go_from_the_executions_start_to_the_report(event: dict[str, Any]) -> None:
    from report_run import execution_history, lambda_handler

    report = lambda_handler(event, None)

    history = execution_history(event["execution_arn"])
    assert report["run_seconds"] == round((history[-1]["timestamp"] - history[0]["timestamp"]).total_seconds(), 1)
    assert pipeline_statistic("RunSeconds", "Maximum") == [report["run_seconds"]]


def test_a_tables_run_that_judged_no_row_has_no_quarantine_ratio() -> None:
    from run_figures import quarantine_ratio_data

    assert quarantine_ratio_data("sales", {"raw": 0, "quarantined": 0}) == []
    assert quarantine_ratio_data("sales", {"raw": None, "quarantined": None}) == []
    assert quarantine_ratio_data("sales", {"raw": 8, "quarantined": 2}) == [
        {"MetricName": "QuarantineRatio", "Dimensions": [{"Name": "Pipeline", "Value": "sales"}], "Value": 0.25, "Unit": "None"}
    ]


def test_a_glue_workflows_cleanse_job_puts_its_quarantine_ratio_and_one_succeeded_table(clean_emulator: str) -> None:
    # A workflow run's SucceededTables is the sum of its cleanse jobs' ones (the freshness alarm's).
    from cleanse_job import publish_table_metrics

    arguments = {"metrics_namespace": "GlueEtlPipeline", "metrics_pipeline": "sales", "metrics_table": "customers"}
    publish_table_metrics(None, arguments, CLEANSE_FIGURES)  # type: ignore[arg-type]  # no extract figures to read

    assert pipeline_statistic("SucceededTables", "Sum") == [1.0]
    assert pipeline_statistic("QuarantineRatio", "Maximum") == [pytest.approx(87 / 2000)]
