"""`create_dynamic_frame.from_catalog` on a table an S3 crawler cataloged reads the files at its
location, CSV or Parquet, with their partition folders; job bookmarks over S3 sources are not
emulated, so a run asking for them fails saying so."""

import io
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from local_aws.clients import client
from local_aws.control import run_jobs_locally
from local_aws.emulator.glue.schema_inference import catalog_s3_target
from tests.local_aws.local_job_runs import BUCKET, DATABASE, PROBE_SCRIPT, create_job, deploy_lake, probe_arguments, read_json, run_job

pytestmark = pytest.mark.spark


@pytest.fixture
def lake(clean_emulator: str) -> Iterator[None]:
    deploy_lake()
    run_jobs_locally()
    yield


def crawl(folder: str, files: dict[str, bytes]) -> str:
    """Put `files` under `folder` and catalog them as an S3 crawler does; return the table's name."""
    s3 = client("s3")
    for name, body in files.items():
        s3.put_object(Bucket=BUCKET, Key=f"{folder}/{name}", Body=body)
    return catalog_s3_target(client("glue"), s3, DATABASE, f"s3://{BUCKET}/{folder}/")


def parquet(ids: list[int]) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"customer_id": ids, "email": [f"{i}@example.com" for i in ids]}), buffer)
    return buffer.getvalue()


CSV_FILES = {
    "run_id=r1/part-0.csv": b"customer_id,email\n1,a@example.com\n2,b@example.com\n",
    "run_id=r2/part-0.csv": b'customer_id,email\n3,"c@example.com"\n',
}


def test_a_csv_table_is_read_from_its_location_with_its_partition_folders(lake: None) -> None:
    table = crawl("tables/customers_csv", CSV_FILES)
    create_job("probe", PROBE_SCRIPT, probe_arguments(table, "run_id"))

    run = run_job("probe")
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert read_json("probe/read.json") == {"keys": ["r1", "r1", "r2"], "count": 3}


def test_a_parquet_table_is_read_with_its_column_types(lake: None) -> None:
    table = crawl("tables/customers_parquet", {"part-0.parquet": parquet([1, 2]), "part-1.parquet": parquet([3])})
    create_job("probe", PROBE_SCRIPT, probe_arguments(table, "customer_id"))

    run = run_job("probe")
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert read_json("probe/read.json") == {"keys": [1, 2, 3], "count": 3}


def test_bookmarks_over_an_s3_table_fail_the_run_naming_what_is_not_emulated(lake: None) -> None:
    table = crawl("tables/customers_csv", CSV_FILES)
    create_job("probe", PROBE_SCRIPT, {**probe_arguments(table, "customer_id"), "--job-bookmark-option": "job-bookmark-enable"})

    run = run_job("probe")
    assert run["JobRunState"] == "FAILED"
    assert f"job bookmarks over S3 tables ({DATABASE}.{table}) are not emulated locally" in run["ErrorMessage"]
