"""`create_dynamic_frame.from_catalog` on a table an S3 crawler cataloged reads the files at its
location, CSV or Parquet, with their partition folders; with job bookmarks, a run reads only the
objects no committed run has read (new or rewritten since), pause reads from the bookmark without
moving it, a failed run moves nothing, and a reset reads everything again."""

import io
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from local_aws.clients import client
from local_aws.control import run_jobs_locally
from local_aws.emulator.glue.schema_inference import catalog_s3_target
from tests.local_aws.local_job_runs import (
    BUCKET,
    DATABASE,
    PROBE_SCRIPT,
    create_extract_job,
    create_job,
    csv_rows,
    deploy_lake,
    probe_arguments,
    read_json,
    run_job,
)

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


JOB = "probe"


def read_keys(bookmark_option: str) -> list[Any]:
    """A run of the probe over its table with `bookmark_option`: the keys it read (its run must succeed)."""
    run = run_job(JOB, {"--job-bookmark-option": bookmark_option})
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    keys: list[Any] = read_json("probe/read.json")["keys"]
    return keys


@pytest.fixture(params=["{}", '{"maxBand": 0}'], ids=["default-tolerance", "no-tolerance"])
def bookmarked_table(lake: None, request: pytest.FixtureRequest) -> str:
    """A CSV table of customers 1 and 2, and the probe job reading its customer ids, with Glue's
    default maxBand (objects of the last 15 minutes tracked one by one) or none."""
    table = crawl("tables/customers", {"run_id=r1/part-0.csv": CSV_FILES["run_id=r1/part-0.csv"]})
    create_job(JOB, PROBE_SCRIPT, probe_arguments(table, "customer_id", request.param))
    return table


def add_customer_3() -> None:
    client("s3").put_object(Bucket=BUCKET, Key="tables/customers/run_id=r2/part-0.csv", Body=CSV_FILES["run_id=r2/part-0.csv"])


def test_a_second_run_reads_only_the_object_added_since_the_first(bookmarked_table: str) -> None:
    assert read_keys("job-bookmark-enable") == ["1", "2"]
    add_customer_3()

    assert read_keys("job-bookmark-enable") == ["3"]
    assert read_keys("job-bookmark-enable") == []
    entry = client("glue").get_job_bookmark(JobName=JOB)["JobBookmarkEntry"]
    assert (entry["Run"], entry["Version"]) == (3, 3)


def test_an_object_rewritten_since_the_last_run_is_read_again(bookmarked_table: str) -> None:
    assert read_keys("job-bookmark-enable") == ["1", "2"]
    client("s3").put_object(Bucket=BUCKET, Key="tables/customers/run_id=r1/part-0.csv", Body=b"customer_id,email\n1,a@example.com\n")

    assert read_keys("job-bookmark-enable") == ["1"]


def test_pause_reads_past_the_bookmark_without_moving_it_and_disable_reads_everything(bookmarked_table: str) -> None:
    assert read_keys("job-bookmark-enable") == ["1", "2"]
    add_customer_3()

    assert read_keys("job-bookmark-pause") == ["3"]
    assert read_keys("job-bookmark-pause") == ["3"]
    assert read_keys("job-bookmark-disable") == ["1", "2", "3"]
    assert read_keys("job-bookmark-enable") == ["3"]


def test_a_failed_run_moves_nothing_and_a_reset_reads_everything_again(bookmarked_table: str) -> None:
    assert read_keys("job-bookmark-enable") == ["1", "2"]
    add_customer_3()
    failed = run_job(JOB, {"--job-bookmark-option": "job-bookmark-enable", "--fail_after_commit": "true"})
    assert failed["JobRunState"] == "FAILED"
    assert read_json("probe/read.json")["keys"] == ["3"]

    assert read_keys("job-bookmark-enable") == ["3"]
    client("glue").reset_job_bookmark(JobName=JOB)
    assert read_keys("job-bookmark-enable") == ["1", "2", "3"]


def test_the_extract_jobs_rerun_of_a_run_id_keeps_its_extract_and_the_next_run_id_gets_only_the_new_object(lake: None) -> None:
    table = crawl("tables/customers", {"run_id=r1/part-0.csv": CSV_FILES["run_id=r1/part-0.csv"]})
    create_extract_job("extract", table)  # bookmarks enabled, as the module deploys the extract job with job_bookmarks_enabled

    def extract(run_id: str) -> list[str]:
        run = run_job("extract", {"--output_path": f"s3://{BUCKET}/raw/customers/run_id={run_id}/"})
        assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
        return sorted(row["customer_id"] for row in csv_rows(f"raw/customers/run_id={run_id}/"))

    assert extract("r1") == ["1", "2"]
    add_customer_3()

    assert extract("r1") == ["1", "2"]
    assert extract("r2") == ["3"]
