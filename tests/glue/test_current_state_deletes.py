"""Rows leave the cleanse job's current state (Iceberg): by mirror (the table's keys that a full extract
no longer holds) and by a deleted flag the source sets (true, or a time), never by an older flagged row,
never more than the run may delete, in one commit whose previous snapshot still holds them. Which keys
go is judged without Iceberg, so Spark 3.5 and 4.1 prove it; the MERGE is proven on Spark 3.5 (tests
marked iceberg)."""

import itertools
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import functions as F

from cleansing import cleanse, input_keys
from cleansing_rules import CleansingRules
from current_state import ACTION, Deletes, DeletesOverLimit, MergeCounts, classified, merge_into_current_state

pytestmark = [pytest.mark.spark, pytest.mark.spark41]

RULES = CleansingRules(key_columns=("id",), order_by_column="updated_at")
SCHEMA = "id int, name string, updated_at int, deleted boolean, run_id string"
TIMESTAMP_FLAG_SCHEMA = "id int, name string, updated_at int, deleted_at timestamp, run_id string"
TABLE_NUMBERS = itertools.count()
Rows = list[tuple[Any, ...]]


def actions(
    spark: Any, table_rows: Rows, run_rows: Rows, held_keys: list[int] | None = None, flag: str | None = None, schema: str = SCHEMA
) -> dict[int, str]:
    held = spark.createDataFrame([(key,) for key in held_keys], "id int") if held_keys is not None else None
    judged = classified(spark.createDataFrame(run_rows, schema), spark.createDataFrame(table_rows, schema), RULES, Deletes(held, flag))
    decided = {row.id: row[ACTION] for row in judged.collect()}
    assert len(decided) == judged.count(), "the MERGE source holds one row per key"
    return decided


def test_mirror_deletes_the_keys_the_table_holds_and_the_extract_does_not(spark: Any) -> None:
    table_rows = [(1, "ada", 1, None, "r1"), (2, "bob", 1, None, "r1"), (3, "cy", 1, None, "r1")]
    run_rows = [(1, "ada", 1, None, "r2"), (4, "dee", 1, None, "r2")]

    assert actions(spark, table_rows, run_rows, held_keys=[1, 4]) == {1: "unchanged", 2: "delete_absent", 3: "delete_absent", 4: "insert"}


def test_without_mirror_the_keys_the_extract_does_not_hold_stay(spark: Any) -> None:
    table_rows = [(1, "ada", 1, None, "r1"), (2, "bob", 1, None, "r1")]

    assert actions(spark, table_rows, [(1, "ada", 1, None, "r2")]) == {1: "unchanged"}


def test_a_key_held_only_by_a_quarantined_row_is_not_deleted(spark: Any) -> None:
    rules = CleansingRules(key_columns=("id",), column_types={"id": "int"}, email_columns=("email",))
    raw = spark.createDataFrame([(" 1", "ada@example.com"), ("2", "not an e-mail"), ("x", "bad@key.com")], "id string, email string")
    cleansing = cleanse(raw, rules, F.current_date())
    cleansing.judge()
    table_rows = spark.createDataFrame([(1, "ada@example.com"), (2, "bob@example.com"), (3, "cy@example.com")], "id int, email string")
    rows = cleansing.cleansed.drop("ingestion_date")

    judged = classified(rows, table_rows, rules, Deletes(input_keys(cleansing, rules)))

    # Key 2's row was quarantined this run: the source still holds it, its current row stays. The key
    # " 1" is trimmed and typed as the cleansed rows' keys are; "x" is no int, and protects nothing.
    assert {row.id: row[ACTION] for row in judged.collect()} == {1: "unchanged", 3: "delete_absent"}


def test_a_row_flagged_deleted_by_a_boolean_and_newer_deletes_its_key(spark: Any) -> None:
    table_rows = [(1, "ada", 1, False, "r1"), (2, "bob", 1, None, "r1"), (3, "cy", 1, None, "r1")]
    run_rows = [(1, "ada", 2, True, "r2"), (2, "bob", 1, True, "r2"), (3, "cy", 2, False, "r2")]

    # Key 2: flagged with the same order value, so not older: the flag is the news. Key 3: false is no flag.
    assert actions(spark, table_rows, run_rows, flag="deleted") == {1: "delete_flagged", 2: "delete_flagged", 3: "update"}


def test_a_row_flagged_deleted_by_a_timestamp_deletes_its_key(spark: Any) -> None:
    deleted_at = datetime(2026, 11, 24, 9)
    table_rows = [(1, "ada", 1, None, "r1"), (2, "bob", 1, None, "r1")]
    run_rows = [(1, "ada", 2, deleted_at, "r2"), (2, "bobby", 2, None, "r2")]

    assert actions(spark, table_rows, run_rows, flag="deleted_at", schema=TIMESTAMP_FLAG_SCHEMA) == {1: "delete_flagged", 2: "update"}


def test_an_older_flagged_row_deletes_nothing(spark: Any) -> None:
    table_rows = [(1, "ada lovelace", 5, False, "r1")]

    assert actions(spark, table_rows, [(1, "ada", 4, True, "r2")], flag="deleted") == {1: "unchanged"}


def test_a_flagged_key_the_table_does_not_hold_is_not_inserted(spark: Any) -> None:
    assert actions(spark, [(1, "ada", 1, False, "r1")], [(2, "bob", 1, True, "r2")], flag="deleted") == {2: "unchanged"}


@pytest.fixture
def table(spark: Any) -> Iterator[str]:
    name = f"glue_catalog.tests.deletes_{next(TABLE_NUMBERS)}"
    spark.sql("CREATE NAMESPACE IF NOT EXISTS glue_catalog.tests")
    yield name
    spark.sql(f"DROP TABLE IF EXISTS {name}")


def merge(
    spark: Any, table: str, location: Path, rows: Rows, held_keys: list[int] | None = None, flag: str | None = None, max_ratio: float = 1.0
) -> MergeCounts:
    held = spark.createDataFrame([(key,) for key in held_keys], "id int") if held_keys is not None else None
    frame = spark.createDataFrame(rows, SCHEMA)
    return merge_into_current_state(spark, frame, RULES, table, str(location), deletes=Deletes(held, flag), max_deleted_ratio=max_ratio)


def rows_of(spark: Any, table: str, snapshot_id: int | None = None) -> Rows:
    version = f" VERSION AS OF {snapshot_id}" if snapshot_id else ""
    return sorted(tuple(row) for row in spark.sql(f"SELECT * FROM {table}{version}").collect())


def snapshots(spark: Any, table: str) -> list[int]:
    return [row.snapshot_id for row in spark.sql(f"SELECT snapshot_id FROM {table}.snapshots ORDER BY committed_at").collect()]


FIRST_RUN = [(1, "ada", 1, None, "r1"), (2, "bob", 1, None, "r1"), (3, "cy", 1, None, "r1"), (4, "dee", 1, None, "r1")]


@pytest.mark.iceberg
def test_mirror_removes_absent_keys_in_the_runs_one_commit_and_the_previous_snapshot_still_holds_them(
    spark: Any, table: str, tmp_path: Path
) -> None:
    first = merge(spark, table, tmp_path, FIRST_RUN, held_keys=[1, 2, 3, 4])
    second = merge(spark, table, tmp_path, [(1, "ada", 2, None, "r2"), (5, "eve", 1, None, "r2")], held_keys=[1, 2, 5], max_ratio=0.5)

    assert rows_of(spark, table) == [(1, "ada", 2, None, "r2"), (2, "bob", 1, None, "r1"), (5, "eve", 1, None, "r2")]
    assert (second.inserted, second.updated, second.unchanged, second.deleted) == (1, 1, 0, 2)
    assert first.previous_snapshot_id is None and second.previous_snapshot_id == first.snapshot_id
    assert snapshots(spark, table) == [first.snapshot_id, second.snapshot_id]
    assert rows_of(spark, table, second.previous_snapshot_id) == sorted(FIRST_RUN)


@pytest.mark.iceberg
def test_a_mirror_run_deleting_more_than_the_ratio_publishes_nothing(spark: Any, table: str, tmp_path: Path) -> None:
    first = merge(spark, table, tmp_path, FIRST_RUN, held_keys=[1, 2, 3, 4])

    with pytest.raises(DeletesOverLimit) as over:
        merge(spark, table, tmp_path, [(1, "ada", 2, None, "r2"), (5, "eve", 1, None, "r2")], held_keys=[1, 5], max_ratio=0.25)

    assert (over.value.absent, over.value.current_rows, over.value.ratio) == (3, 4, 0.75)
    assert rows_of(spark, table) == sorted(FIRST_RUN)
    assert snapshots(spark, table) == [first.snapshot_id]


@pytest.mark.iceberg
def test_flagged_rows_leave_the_table_and_a_flagged_new_key_stays_out(spark: Any, table: str, tmp_path: Path) -> None:
    merge(spark, table, tmp_path, FIRST_RUN)
    second = merge(
        spark, table, tmp_path, [(1, "ada", 2, True, "r2"), (2, "bob", 0, True, "r2"), (5, "eve", 1, True, "r2")], flag="deleted"
    )

    assert rows_of(spark, table) == [(2, "bob", 1, None, "r1"), (3, "cy", 1, None, "r1"), (4, "dee", 1, None, "r1")]
    assert (second.inserted, second.updated, second.unchanged, second.deleted) == (0, 0, 2, 1)


@pytest.mark.iceberg
def test_a_rerun_of_a_run_that_deleted_changes_nothing_and_commits_no_snapshot(spark: Any, table: str, tmp_path: Path) -> None:
    merge(spark, table, tmp_path, FIRST_RUN)
    run = [(1, "ada", 2, True, "r2"), (2, "bob", 1, None, "r2")]
    deleted = merge(spark, table, tmp_path, run, held_keys=[1, 2], flag="deleted")
    rerun = merge(spark, table, tmp_path, run, held_keys=[1, 2], flag="deleted")

    assert deleted.deleted == 3 and rows_of(spark, table) == [(2, "bob", 1, None, "r1")]
    assert (rerun.inserted, rerun.updated, rerun.unchanged, rerun.deleted) == (0, 0, 2, 0)
    assert rerun.snapshot_id == rerun.previous_snapshot_id == deleted.snapshot_id
