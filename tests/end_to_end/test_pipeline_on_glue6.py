"""The whole pipeline on Glue 6.x, the second major version the module runs (test_pipeline.py runs
5.x): examples/complete applied with glue_version "6.1", its jobs run on the Spark 4.1 line
(`local_aws/executors/spark_lines.py`), with the cleansed rows kept as Parquet history, as Iceberg
on 6.x cannot run locally. One run of the three sample tables gives the same cleansed and
quarantined customers as a 5.x run, and its cleansed crawl catalogs the Parquet."""

import io
from collections.abc import Iterator

import pyarrow.parquet as pq
import pytest

from local_aws.demo.pipeline import LocalPipeline
from local_aws.executions import ExecutionRecord
from tests.complete_example import SAMPLE_COLUMNS, SAMPLES, applied_complete_example
from tests.sample_expectations import CLEANSED_CUSTOMER_COLUMNS, EXPECTED_CLEANSED, EXPECTED_QUARANTINE

pytestmark = [pytest.mark.terraform, pytest.mark.spark]

GLUE_VERSION = "6.1"
RUN_ID = "e2e-glue6-1"
# The key Spark writes into the footer of every Parquet file it writes: its own version.
SPARK_VERSION_KEY = b"org.apache.spark.version"


@pytest.fixture(scope="module")
def pipeline(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPipeline]:
    folder = tmp_path_factory.mktemp("end-to-end-glue6")
    with applied_complete_example(
        emulator_endpoint, folder, "e2e6", glue_version=GLUE_VERSION, cleansed_format="parquet"
    ) as local_pipeline:
        yield local_pipeline


@pytest.fixture(scope="module")
def run(pipeline: LocalPipeline) -> ExecutionRecord:
    return pipeline.run(RUN_ID)


def run_files(pipeline: LocalPipeline, stage: str) -> list[bytes]:
    """The Parquet files the run wrote for customers under `stage` (cleansed or quarantine)."""
    s3, bucket = pipeline.client("s3"), pipeline.outputs["bucket_name"]
    keys = pipeline.run_keys(pipeline.location("customers", stage), RUN_ID)
    return [s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys]


def test_the_run_succeeds_for_every_table(run: ExecutionRecord) -> None:
    assert (run.status, run.error) == ("SUCCEEDED", None), run.cause
    report = run.output or {}
    assert (report["status"], report["failed_tables"]) == ("succeeded", [])
    assert {name: table["status"] for name, table in report["tables"].items()} == dict.fromkeys(SAMPLES, "succeeded")


def test_the_cleansed_customers_are_the_rows_a_glue_5_run_gives(pipeline: LocalPipeline, run: ExecutionRecord) -> None:
    rows = pipeline.parquet_rows(pipeline.location("customers", "cleansed"), RUN_ID)
    assert sorted(tuple(row[column] for column in SAMPLE_COLUMNS) for row in rows) == EXPECTED_CLEANSED


def test_the_quarantined_customers_and_their_reasons_are_those_of_a_glue_5_run(pipeline: LocalPipeline, run: ExecutionRecord) -> None:
    rows = pipeline.parquet_rows(pipeline.location("customers", "quarantine"), RUN_ID)
    assert sorted(((row["customer_id"], row["_reject_reason"]) for row in rows), key=repr) == sorted(EXPECTED_QUARANTINE, key=repr)


def test_both_jobs_ran_as_glue_6_1_and_the_cleansed_files_were_written_by_spark_4_1(pipeline: LocalPipeline, run: ExecutionRecord) -> None:
    glue = pipeline.client("glue")
    jobs = [job["Name"] for job in glue.get_jobs()["Jobs"] if job["Name"].startswith(f"{pipeline.name_prefix}-")]
    runs = {job: glue.get_job_runs(JobName=job)["JobRuns"] for job in jobs}

    assert len(jobs) == 2, jobs  # the extract job and the cleanse job
    assert {job: [(job_run["GlueVersion"], job_run["JobRunState"]) for job_run in job_runs] for job, job_runs in runs.items()} == {
        job: [(GLUE_VERSION, "SUCCEEDED")] * len(SAMPLES) for job in jobs
    }
    assert pipeline.outputs["glue_runtime"]["spark"].startswith("4.1.")
    files = run_files(pipeline, "cleansed") + run_files(pipeline, "quarantine")
    written_by = {pq.ParquetFile(io.BytesIO(content)).metadata.metadata[SPARK_VERSION_KEY].decode() for content in files}
    assert files and {version.rsplit(".", 1)[0] for version in written_by} == {"4.1"}, written_by


def test_the_cleansed_crawl_catalogs_the_parquet_history(pipeline: LocalPipeline, run: ExecutionRecord) -> None:
    assert run.states_entered.count("StartCleansedCrawler") == 1
    (cleansed_table,) = [table for table in pipeline.tables() if table.name == "cleansed_customers"]
    assert cleansed_table.location == pipeline.location("customers", "cleansed")
    # The crawler types partition keys as strings; the Iceberg table (test_pipeline.py) keeps the date.
    assert cleansed_table.columns == [*CLEANSED_CUSTOMER_COLUMNS, ("ingestion_date", "string"), ("run_id", "string")]
