"""The cleanse job's current-state table (Iceberg): one row per key across runs, the newer row winning, rows
a run does not hold kept, history kept as snapshots, a rerun changing nothing; with ANSI mode off and on.
Which rows a run inserts, updates or leaves is judged before the MERGE, without Iceberg: that judgement is
proven on Spark 3.5 and 4.1, the MERGE on Spark 3.5 only (tests marked iceberg)."""

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cleansing_rules import CleansingRules
from current_state import ACTION, CurrentStateTableMismatch, MergeCounts, classified, merge_into_current_state

pytestmark = [pytest.mark.spark, pytest.mark.spark41]

RULES = CleansingRules(key_columns=("id",), order_by_column="updated_at")
SCHEMA = "id int, name string, updated_at int, run_id string"
TABLE_NUMBERS = itertools.count()


@pytest.fixture(params=["false", "true"], ids=["ansi-off", "ansi-on"])
def spark(spark: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The tests' Spark with ANSI mode off (Spark 3.5's default: Glue 5.x) and on (Spark 4's: Glue 6.x), in turn:
    on Spark 3.5 the MERGE is proven in the mode Glue 6.x runs it in, as Iceberg cannot run on Spark 4 here."""
    spark.conf.set("spark.sql.ansi.enabled", request.param)
    yield spark
    spark.conf.unset("spark.sql.ansi.enabled")


@pytest.fixture
def table(spark: Any) -> Iterator[str]:
    name = f"glue_catalog.tests.current_{next(TABLE_NUMBERS)}"
    spark.sql("CREATE NAMESPACE IF NOT EXISTS glue_catalog.tests")  # on Glue, the module's catalog database
    yield name
    spark.sql(f"DROP TABLE IF EXISTS {name}")


def merge(
    spark: Any, table: str, location: Path, rows: list[tuple[Any, ...]], rules: CleansingRules = RULES, schema: str = SCHEMA
) -> MergeCounts:
    return merge_into_current_state(spark, spark.createDataFrame(rows, schema), rules, table, str(location))


def rows_of(spark: Any, table: str, version: int | None = None) -> list[tuple[Any, ...]]:
    read = spark.read.option("snapshot-id", version) if version else spark.read
    return sorted(tuple(row) for row in read.table(table).collect())


@pytest.mark.iceberg
def test_a_second_run_updates_newer_keys_adds_new_ones_and_keeps_the_rest(spark: Any, table: str, tmp_path: Path) -> None:
    first = merge(spark, table, tmp_path, [(1, "ada", 1, "r1"), (2, "bob", 1, "r1"), (3, "cy", 1, "r1")])
    second = merge(spark, table, tmp_path, [(2, "bobby", 2, "r2"), (3, "stale", 0, "r2"), (4, "dee", 2, "r2")])

    assert rows_of(spark, table) == [(1, "ada", 1, "r1"), (2, "bobby", 2, "r2"), (3, "cy", 1, "r1"), (4, "dee", 2, "r2")]
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 1)


@pytest.mark.iceberg
def test_history_stays_readable_as_snapshots(spark: Any, table: str, tmp_path: Path) -> None:
    first = merge(spark, table, tmp_path, [(1, "ada", 1, "r1")])
    merge(spark, table, tmp_path, [(1, "ada lovelace", 2, "r2")])

    assert rows_of(spark, table) == [(1, "ada lovelace", 2, "r2")]
    assert rows_of(spark, table, version=first.snapshot_id) == [(1, "ada", 1, "r1")]


@pytest.mark.iceberg
def test_a_rerun_of_the_same_rows_changes_nothing_and_commits_no_snapshot(spark: Any, table: str, tmp_path: Path) -> None:
    rows = [(1, "ada", 1, "r1"), (2, "bob", 1, "r1")]
    first = merge(spark, table, tmp_path, rows)
    # The run id and day that last wrote a row are not what the row says: a rerun tomorrow is no change.
    rerun = merge(spark, table, tmp_path, [(*row[:3], "r1-again") for row in rows])

    assert (rerun.inserted, rerun.updated, rerun.unchanged) == (0, 0, 2)
    assert rerun.snapshot_id == first.snapshot_id
    assert rows_of(spark, table) == sorted(rows)


@pytest.mark.iceberg
def test_without_an_order_column_the_runs_row_wins_when_it_differs(spark: Any, table: str, tmp_path: Path) -> None:
    rules = CleansingRules(key_columns=("id",))
    merge(spark, table, tmp_path, [(1, "ada", 5, "r1")], rules)
    second = merge(spark, table, tmp_path, [(1, "ada", 1, "r2")], rules)

    assert rows_of(spark, table) == [(1, "ada", 1, "r2")]
    assert second.updated == 1


@pytest.mark.iceberg
def test_a_new_column_is_added_and_older_rows_read_it_as_null(spark: Any, table: str, tmp_path: Path) -> None:
    merge(spark, table, tmp_path, [(1, "ada", 1, "r1")])
    merge(spark, table, tmp_path, [(2, "bob", 1, "r2", "oslo")], schema=f"{SCHEMA}, city string")

    assert rows_of(spark, table) == [(1, "ada", 1, "r1", None), (2, "bob", 1, "r2", "oslo")]


@pytest.mark.iceberg
def test_a_column_whose_type_changed_is_refused_naming_it(spark: Any, table: str, tmp_path: Path) -> None:
    merge(spark, table, tmp_path, [(1, "ada", 1, "r1")])

    with pytest.raises(CurrentStateTableMismatch, match=r"column 'updated_at' is int in .* but string"):
        merge(spark, table, tmp_path, [(1, "ada", "2", "r2")], schema="id int, name string, updated_at string, run_id string")

    assert rows_of(spark, table) == [(1, "ada", 1, "r1")]


@pytest.mark.iceberg
def test_a_location_with_quotes_is_where_the_table_is_made(spark: Any, table: str, tmp_path: Path) -> None:
    """A path is a string literal in CREATE TABLE: quotes in it stay in the path, never end it."""
    location = tmp_path / "it's \\' here"
    merge(spark, table, location, [(1, "ada", 1, "r1")])

    assert rows_of(spark, table) == [(1, "ada", 1, "r1")]
    files = [row.file_path for row in spark.sql(f"SELECT file_path FROM {table}.files").collect()]
    assert files and all(path.removeprefix("file:").startswith(f"{location}/data/") for path in files), files


Rows = list[tuple[Any, ...]]


def actions(spark: Any, table_rows: Rows, run_rows: Rows, rules: CleansingRules = RULES) -> dict[int, str]:
    schema = f"{SCHEMA}, ingestion_date date"
    judged = classified(spark.createDataFrame(run_rows, schema), spark.createDataFrame(table_rows, schema), rules)
    assert judged.columns == ["id", "name", "updated_at", "run_id", "ingestion_date", ACTION]
    return {row.id: row[ACTION] for row in judged.collect()}


def test_a_run_inserts_new_keys_updates_older_rows_and_leaves_the_rest(spark: Any) -> None:
    day, next_day = date(2026, 11, 24), date(2026, 11, 25)
    table_rows = [(1, "ada", 1, "r1", day), (2, "bob", 1, "r1", day), (3, "cy", 1, "r1", day)]
    run_rows = [(1, "ada", 1, "r2", next_day), (2, "bobby", 2, "r2", next_day), (3, "stale", 0, "r2", next_day)]
    run_rows += [(4, "dee", 2, "r2", next_day)]

    # Key 1: the same row, written by another run on another day, is no change.
    assert actions(spark, table_rows, run_rows) == {1: "unchanged", 2: "update", 3: "unchanged", 4: "insert"}


def test_a_row_without_an_order_value_never_replaces_one_with_it(spark: Any) -> None:
    day = date(2026, 11, 24)
    table_rows = [(1, "ada", None, "r1", day), (2, "bob", 1, "r1", day)]
    run_rows = [(1, "ada lovelace", 1, "r2", day), (2, "bobby", None, "r2", day)]

    assert actions(spark, table_rows, run_rows) == {1: "update", 2: "unchanged"}


def test_without_an_order_column_the_runs_row_updates_only_when_it_differs(spark: Any) -> None:
    day = date(2026, 11, 24)
    table_rows = [(1, "ada", 5, "r1", day), (2, "bob", 1, "r1", day)]
    run_rows = [(1, "ada", 1, "r2", day), (2, "bob", 1, "r2", day)]

    assert actions(spark, table_rows, run_rows, CleansingRules(key_columns=("id",))) == {1: "update", 2: "unchanged"}
