"""Job bookmarks as Glue keeps them, through local job runs of real scripts on a real PostgreSQL:
with bookmarks enabled a run reads only the rows added since the last successful run; a failed run
commits nothing; disable reads everything and leaves the bookmark alone; pause reads from the
bookmark without moving it; a reset reads everything again; the extract job's --bookmark_keys on an
update timestamp carry updated rows too. The bookmark is read and reset with the Glue API."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import run_jobs_locally
from local_aws.demo.postgres import PostgresServer, running_postgres
from tests.local_aws.local_job_runs import (
    BUCKET,
    PROBE_SCRIPT,
    create_extract_job,
    create_job,
    create_source_table,
    csv_rows,
    deploy_lake,
    deploy_source,
    insert_rows,
    probe_arguments,
    read_json,
    run_job,
)

pytestmark = pytest.mark.spark

CUSTOMERS = "customer_id integer PRIMARY KEY, email text"
FIRST_CUSTOMERS = [(1, "a@example.com"), (2, "b@example.com"), (3, "c@example.com")]


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@pytest.fixture
def source(clean_emulator: str, postgres: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh PostgreSQL table of the test's own, cataloged; the emulator running jobs locally."""
    table = request.node.name.removeprefix("test_")[:40]
    deploy_lake()
    deploy_source(postgres)
    run_jobs_locally()
    yield table
    connection = postgres.connect()
    connection.run(f"DROP TABLE IF EXISTS {table}")
    connection.close()


def extracted_customer_ids(run: dict[str, Any], output: str) -> list[int]:
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    return sorted(int(row["customer_id"]) for row in csv_rows(output))


def run_extract_job(job: str, output: str, bookmark_option: str | None = None, bookmark_keys: str | None = None) -> list[int]:
    """A run of the extract job writing to `output`; the customer ids it extracted."""
    arguments = {"--output_path": f"s3://{BUCKET}/{output}/"}
    if bookmark_option:
        arguments["--job-bookmark-option"] = bookmark_option
    if bookmark_keys:
        arguments["--bookmark_keys"] = bookmark_keys
    return extracted_customer_ids(run_job(job, arguments), output)


def bookmark(job: str) -> dict[str, Any]:
    entry: dict[str, Any] = client("glue").get_job_bookmark(JobName=job)["JobBookmarkEntry"]
    return entry


def test_a_second_run_of_the_extract_job_reads_only_the_rows_added_since_the_first(source: str, postgres: PostgresServer) -> None:
    create_extract_job("extract", create_source_table(postgres, source, CUSTOMERS, FIRST_CUSTOMERS))
    assert run_extract_job("extract", "raw/run-1") == [1, 2, 3]

    insert_rows(postgres, source, [(4, "d@example.com"), (5, "e@example.com")])
    assert run_extract_job("extract", "raw/run-2") == [4, 5]
    assert (bookmark("extract")["Run"], bookmark("extract")["Version"]) == (2, 2)


def test_a_rerun_of_a_run_id_keeps_its_extract_instead_of_replacing_it_with_the_rows_past_the_bookmark(
    source: str, postgres: PostgresServer
) -> None:
    create_extract_job("extract", create_source_table(postgres, source, CUSTOMERS, FIRST_CUSTOMERS))
    assert run_extract_job("extract", "raw/run-1") == [1, 2, 3]
    insert_rows(postgres, source, [(4, "d@example.com")])

    assert run_extract_job("extract", "raw/run-1") == [1, 2, 3]
    assert run_extract_job("extract", "raw/run-2") == [4]


def test_a_failed_run_does_not_advance_the_bookmark_even_after_job_commit(source: str, postgres: PostgresServer) -> None:
    table = create_source_table(postgres, source, CUSTOMERS, FIRST_CUSTOMERS)
    create_job("probe", PROBE_SCRIPT, {**probe_arguments(table, "customer_id"), "--job-bookmark-option": "job-bookmark-enable"})

    failed = run_job("probe", {"--fail_after_commit": "yes"})
    assert failed["JobRunState"] == "FAILED"
    assert failed["ErrorMessage"] == "exited with status 1: failing after job.commit(), as the test asked"
    with pytest.raises(client("glue").exceptions.EntityNotFoundException):
        bookmark("probe")

    assert run_job("probe")["JobRunState"] == "SUCCEEDED"
    assert read_json("probe/read.json")["keys"] == [1, 2, 3]


def test_disable_reads_every_row_and_leaves_the_bookmark_alone(source: str, postgres: PostgresServer) -> None:
    create_extract_job("extract", create_source_table(postgres, source, CUSTOMERS, FIRST_CUSTOMERS))
    run_extract_job("extract", "raw/run-1")
    committed = bookmark("extract")

    insert_rows(postgres, source, [(4, "d@example.com")])
    assert run_extract_job("extract", "raw/run-2", "job-bookmark-disable") == [1, 2, 3, 4]
    assert bookmark("extract") == committed


def test_pause_reads_the_rows_after_the_bookmark_without_moving_it(source: str, postgres: PostgresServer) -> None:
    create_extract_job("extract", create_source_table(postgres, source, CUSTOMERS, FIRST_CUSTOMERS))
    run_extract_job("extract", "raw/run-1")
    committed = bookmark("extract")

    insert_rows(postgres, source, [(4, "d@example.com")])
    assert run_extract_job("extract", "raw/run-2", "job-bookmark-pause") == [4]
    assert bookmark("extract") == committed


def test_after_a_reset_the_next_run_reads_every_row_again(source: str, postgres: PostgresServer) -> None:
    create_extract_job("extract", create_source_table(postgres, source, CUSTOMERS, FIRST_CUSTOMERS))
    run_extract_job("extract", "raw/run-1")

    reset = client("glue").reset_job_bookmark(JobName="extract")["JobBookmarkEntry"]
    assert (reset["JobName"], reset["Run"]) == ("extract", 1)
    assert run_extract_job("extract", "raw/run-2") == [1, 2, 3]


def test_job_bookmark_keys_from_additional_options_form_one_compound_key(source: str, postgres: PostgresServer) -> None:
    table = create_source_table(postgres, source, "batch integer, seq integer", [(1, 1), (1, 2), (1, 3)])
    keys = '{"jobBookmarkKeys": ["batch", "seq"], "jobBookmarkKeysSortOrder": "asc"}'
    create_job("probe", PROBE_SCRIPT, {**probe_arguments(table, "seq", keys), "--job-bookmark-option": "job-bookmark-enable"})
    run_job("probe")

    insert_rows(postgres, source, [(2, 1), (2, 2)])
    assert run_job("probe")["JobRunState"] == "SUCCEEDED"
    assert read_json("probe/read.json")["keys"] == [1, 2]


def test_a_table_without_a_primary_key_or_bookmark_keys_is_read_whole_on_every_run(source: str, postgres: PostgresServer) -> None:
    create_extract_job("extract", create_source_table(postgres, source, "customer_id integer, email text", FIRST_CUSTOMERS))
    run_extract_job("extract", "raw/run-1")

    insert_rows(postgres, source, [(4, "d@example.com")])
    assert run_extract_job("extract", "raw/run-2") == [1, 2, 3, 4]


def test_bookmark_keys_on_an_update_timestamp_carry_an_updated_row_to_the_next_extract(source: str, postgres: PostgresServer) -> None:
    columns = "customer_id integer PRIMARY KEY, email text, updated_at timestamp"
    rows = [(1, "a@example.com", datetime(2026, 1, 1, 8)), (2, "b@example.com", datetime(2026, 1, 1, 9))]
    create_extract_job("extract", create_source_table(postgres, source, columns, rows))
    # As the module renders a table's bookmark_keys (local.tables, extract_job_arguments).
    keys = '{"jobBookmarkKeys":["updated_at"],"jobBookmarkKeysSortOrder":"asc"}'
    assert run_extract_job("extract", "raw/run-1", bookmark_keys=keys) == [1, 2]

    connection = postgres.connect()
    connection.run(f"UPDATE {source} SET email = 'a.new@example.com', updated_at = '2026-01-02 08:00' WHERE customer_id = 1")
    connection.close()

    assert run_extract_job("extract", "raw/run-2", bookmark_keys=keys) == [1]
    assert [row["email"] for row in csv_rows("raw/run-2")] == ["a.new@example.com"]
    assert run_extract_job("extract", "raw/run-3", bookmark_keys=keys) == []
