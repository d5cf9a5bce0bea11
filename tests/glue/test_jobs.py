"""The extract and cleanse jobs through their entry points, on local paths, as a user runs them:
`python glue_scripts/<job>.py --ARG value ...`; the same rows on Spark 3.5 (Glue 5.x) and Spark 4.1 (Glue 6.x)."""

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import cleanse_job
import extract_job
from local_aws import PROJECT_ROOT
from tests.sample_expectations import EXPECTED_CLEANSED, EXPECTED_QUARANTINE

pytestmark = [pytest.mark.spark, pytest.mark.spark41]


def run_cleanse(
    input_path: Path, out: Path, rules: str, run_id: str = "run-1", extra: tuple[str, ...] = (), ingestion_date: str | None = "2026-11-24"
) -> int:
    return cleanse_job.main(
        [
            "cleanse_job.py",
            "--input_path", str(input_path),
            "--output_path", str(out / "cleansed"),
            "--quarantine_path", str(out / "quarantine"),
            "--cleansing_rules", rules,
            "--run_id", run_id,
            *(("--ingestion_date", ingestion_date) if ingestion_date else ()),
            *extra,
        ]
    )  # fmt: skip


ICEBERG_TABLE = "jobs.cleansed_customers"
ICEBERG_ARGUMENTS = ("--cleansed_format", "iceberg", "--cleansed_table", ICEBERG_TABLE)


def cleansed_rows(spark: Any, out: Path) -> list[tuple[Any, ...]]:
    frame = spark.read.parquet(str(out / "cleansed"))
    return sorted(tuple(row) for row in frame.drop("ingestion_date", "run_id").collect())


def data_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.parquet"))


def test_dirty_customers_come_out_cleansed_and_quarantined(
    spark: Any, tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str, capsys: Any
) -> None:
    assert run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json) == 0

    assert cleansed_rows(spark, tmp_path) == EXPECTED_CLEANSED
    quarantine = spark.read.parquet(str(tmp_path / "quarantine" / "run_id=run-1"))
    assert sorted(((row.customer_id, row._reject_reason) for row in quarantine.collect()), key=repr) == sorted(
        EXPECTED_QUARANTINE, key=repr
    )
    summary = json.loads(next(line for line in capsys.readouterr().out.splitlines() if "cleansing_summary" in line))
    assert summary == {
        "event": "cleansing_summary",
        "run_id": "run-1",
        "input_rows": 10,
        "cleansed_rows": 3,
        "quarantined_rows": 5,
        "duplicates_removed": 2,
    }
    assert summary["input_rows"] == summary["cleansed_rows"] + summary["quarantined_rows"] + summary["duplicates_removed"]


def test_output_is_snappy_parquet_partitioned_by_ingestion_date_and_run(
    tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str
) -> None:
    run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json)
    files = data_files(tmp_path / "cleansed")
    assert [path.parent.relative_to(tmp_path / "cleansed").as_posix() for path in files] == ["ingestion_date=2026-11-24/run_id=run-1"]
    assert files[0].name.endswith(".snappy.parquet")


def test_a_leap_day_is_an_ingestion_date(spark: Any, tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str) -> None:
    assert run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, ingestion_date="2024-02-29") == 0

    folders = {path.parent.relative_to(tmp_path / "cleansed").as_posix() for path in data_files(tmp_path / "cleansed")}
    assert folders == {"ingestion_date=2024-02-29/run_id=run-1"}
    assert {row.ingestion_date for row in spark.read.parquet(str(tmp_path / "cleansed")).collect()} == {date(2024, 2, 29)}


def test_without_an_ingestion_date_the_run_is_filed_under_todays_date_in_utc(
    tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str
) -> None:
    assert run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, ingestion_date=None) == 0

    folders = {path.parent.relative_to(tmp_path / "cleansed").as_posix() for path in data_files(tmp_path / "cleansed")}
    assert folders == {f"ingestion_date={datetime.now(UTC).date().isoformat()}/run_id=run-1"}


@pytest.mark.parametrize(
    ("ingestion_date", "message"),
    [
        ("2026-02-30", "--ingestion_date '2026-02-30' is not a date that exists (day is out of range for month): give it as YYYY-MM-DD"),
        ("2026-13-01", "--ingestion_date '2026-13-01' is not a date that exists (month must be in 1..12): give it as YYYY-MM-DD"),
        ("20261124", "--ingestion_date '20261124' must be a date as YYYY-MM-DD, e.g. 2026-11-24."),
        ("2026-11-24\n", "--ingestion_date '2026-11-24\\n' must be a date as YYYY-MM-DD"),
        ("24/11/2026", "--ingestion_date '24/11/2026' must be a date as YYYY-MM-DD"),
    ],
)
def test_an_ingestion_date_that_is_no_date_is_refused_by_name_before_anything_is_written(
    tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str, capsys: Any, ingestion_date: str, message: str
) -> None:
    assert run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, ingestion_date=ingestion_date) == 2

    assert message in capsys.readouterr().err
    assert not (tmp_path / "cleansed").exists() and not (tmp_path / "quarantine").exists()


def test_rerun_of_a_run_replaces_its_output_and_keeps_other_runs(
    spark: Any, tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str
) -> None:
    run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, run_id="run-1")
    run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, run_id="run-2")
    run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, run_id="run-1")

    frame = spark.read.parquet(str(tmp_path / "cleansed"))
    counts = {row.run_id: row["count"] for row in frame.groupBy("run_id").count().collect()}
    assert counts == {"run-1": 3, "run-2": 3}
    assert spark.read.parquet(str(tmp_path / "quarantine" / "run_id=run-1")).count() == 5


def test_partition_column_from_the_rules(spark: Any, tmp_path: Path, dirty_customers_csv: Path) -> None:
    rules = json.dumps({"key_columns": ["customer_id"], "partition_column": "country"})
    run_cleanse(dirty_customers_csv, tmp_path, rules)
    folders = {path.parent.relative_to(tmp_path / "cleansed").as_posix() for path in data_files(tmp_path / "cleansed")}
    assert folders == {"country=UK/run_id=run-1", "country=US/run_id=run-1", "country=NL/run_id=run-1"}


def test_empty_input_succeeds_and_writes_nothing(tmp_path: Path, customer_rules_json: str, capsys: Any) -> None:
    header_only = tmp_path / "empty.csv"
    header_only.write_text("customer_id,email\n")
    assert run_cleanse(header_only, tmp_path, customer_rules_json) == 0
    assert not (tmp_path / "cleansed").exists() and not (tmp_path / "quarantine").exists()
    assert '"event": "cleansing_skipped", "reason": "no input rows"' in capsys.readouterr().out


def test_a_header_the_rules_fit_over_no_rows_succeeds_and_writes_nothing(
    tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str, capsys: Any
) -> None:
    header_only = tmp_path / "empty.csv"
    header_only.write_text(dirty_customers_csv.read_text().splitlines()[0] + "\n")  # an empty source table's extract
    assert run_cleanse(header_only, tmp_path, customer_rules_json) == 0
    assert not (tmp_path / "cleansed").exists() and not (tmp_path / "quarantine").exists()
    assert '"event": "cleansing_skipped", "reason": "no input rows"' in capsys.readouterr().out


def test_missing_input_folder_succeeds_and_writes_nothing(tmp_path: Path, customer_rules_json: str, capsys: Any) -> None:
    assert run_cleanse(tmp_path / "raw" / "run_id=never", tmp_path, customer_rules_json) == 0
    assert not (tmp_path / "cleansed").exists()
    assert '"reason": "no input files"' in capsys.readouterr().out


def test_unknown_rule_column_stops_the_job_before_writing(tmp_path: Path, dirty_customers_csv: Path, capsys: Any) -> None:
    rules = json.dumps({"key_columns": ["customer_id"], "email_columns": ["mail"]})
    assert run_cleanse(dirty_customers_csv, tmp_path, rules) == 2
    assert "email_columns names column 'mail', which the input does not have" in capsys.readouterr().err
    assert not (tmp_path / "cleansed").exists()


def test_missing_argument_exits_non_zero_naming_it(tmp_path: Path) -> None:
    script = PROJECT_ROOT / "glue_scripts" / "cleanse_job.py"
    result = subprocess.run(
        [sys.executable, str(script), "--input_path", "in.csv", "--output_path", "out", "--quarantine_path", "q",
         "--cleansing_rules", "{}"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "the following arguments are required: --run_id" in result.stderr


def test_bad_run_id_is_refused_by_name(tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as refused:
        run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, run_id="../escape")
    assert refused.value.code == 2
    assert "--run_id: the run id '../escape' must be 1-80 letters" in capsys.readouterr().err
    assert not (tmp_path / "cleansed").exists() and not (tmp_path / "quarantine").exists()


def test_the_extract_job_writes_csv_that_the_cleanse_job_reads_back(
    spark: Any, tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str
) -> None:
    raw_run = tmp_path / "raw" / "customers" / "run_id=run-1"
    arguments = ["extract_job.py", "--source_database", "sales", "--source_table", "customers"]
    assert extract_job.main([*arguments, "--source_path", str(dirty_customers_csv), "--output_path", str(raw_run)]) == 0
    assert extract_job.main([*arguments, "--source_path", str(dirty_customers_csv), "--output_path", str(raw_run)]) == 0

    raw_files = sorted(raw_run.glob("part-*.csv"))
    assert raw_files and raw_files[0].read_text().splitlines()[0] == dirty_customers_csv.read_text().splitlines()[0]
    assert spark.read.options(header="true").csv(str(raw_run)).count() == 10

    assert run_cleanse(raw_run, tmp_path, customer_rules_json) == 0
    assert cleansed_rows(spark, tmp_path) == EXPECTED_CLEANSED


def test_the_extract_job_run_by_hand_without_a_source_path_says_what_to_pass(tmp_path: Path) -> None:
    from glue_runtime import LocalSourceUnavailable

    with pytest.raises(LocalSourceUnavailable, match="pass --source_path <file>"):
        extract_job.main(["extract_job.py", "--source_database", "sales", "--source_table", "customers", "--output_path", str(tmp_path)])


@pytest.mark.parametrize(
    ("bookmark_keys", "problem"),
    [
        ("updated_at", "--bookmark_keys must be JSON"),
        ('{"jobBookmarkKeys": []}', "--bookmark_keys: jobBookmarkKeys must name one or more columns, each once, not []"),
        (
            '{"jobBookmarkKeys": ["updated_at"], "jobBookmarkKeysSortOrder": "up"}',
            'jobBookmarkKeysSortOrder must be "asc" or "desc", not "up"',
        ),
        ('{"jobBookmarkKey": ["updated_at"]}', "--bookmark_keys must be an object of jobBookmarkKeys and jobBookmarkKeysSortOrder"),
    ],
)
def test_bookmark_keys_glue_cannot_use_are_refused_by_name_before_anything_is_read(
    tmp_path: Path, bookmark_keys: str, problem: str, capsys: Any
) -> None:
    arguments = ["extract_job.py", "--source_database", "sales", "--source_table", "customers", "--output_path", str(tmp_path / "raw")]
    with pytest.raises(SystemExit) as refused:
        extract_job.main([*arguments, "--bookmark_keys", bookmark_keys])
    assert refused.value.code == 2
    assert problem in capsys.readouterr().err
    assert not (tmp_path / "raw").exists()


@pytest.mark.iceberg
def test_iceberg_format_keeps_one_row_per_key_across_runs(
    spark: Any, tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str, capsys: Any
) -> None:
    spark.sql("CREATE NAMESPACE IF NOT EXISTS glue_catalog.jobs")  # on Glue, the module's catalog database
    spark.sql(f"DROP TABLE IF EXISTS glue_catalog.{ICEBERG_TABLE}")
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "customer_id,first_name,last_name,email,signup_date,updated_at,balance,is_active,country,notes\n"
        "1,Ada,Lovelace,ada@example.com,2024-01-05,2024-04-01 09:00:00,150.00,true,UK,\n"  # newer: updated
        "7,Margaret,Hamilton,old@example.com,2024-01-10,2024-01-01 13:00:00,1.00,true,US,\n"  # older: kept as it is
        "8,Grace,Hopper,grace@example.com,2024-01-11,2024-04-01 10:00:00,10.00,true,US,\n"  # new
    )
    assert run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, "run-1", ICEBERG_ARGUMENTS) == 0
    assert run_cleanse(changed, tmp_path, customer_rules_json, "run-2", ICEBERG_ARGUMENTS) == 0

    table = spark.table(f"glue_catalog.{ICEBERG_TABLE}")
    rows = {row.customer_id: (row.balance, row.email, row.run_id) for row in table.collect()}
    assert rows == {
        1: (Decimal("150.00"), "ada@example.com", "run-2"),
        2: (Decimal("50.00"), "alan@example.com", "run-1"),
        7: (Decimal("75.25"), "margaret@example.com", "run-1"),
        8: (Decimal("10.00"), "grace@example.com", "run-2"),
    }
    merged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"current_state_merged"' in line]
    assert [(event["inserted"], event["updated"], event["unchanged"]) for event in merged] == [(3, 0, 0), (1, 1, 1)]
    assert spark.read.parquet(str(tmp_path / "quarantine" / "run_id=run-1")).count() == 5


def test_iceberg_format_without_a_table_name_is_refused_by_name(tmp_path: Path, dirty_customers_csv: Path, capsys: Any) -> None:
    rules = json.dumps({"key_columns": ["customer_id"]})
    assert run_cleanse(dirty_customers_csv, tmp_path, rules, extra=("--cleansed_format", "iceberg")) == 2
    assert "--cleansed_format iceberg needs --cleansed_table <database>.<table>" in capsys.readouterr().err


def test_a_run_quarantining_more_than_the_gate_allows_publishes_nothing_and_names_the_reasons(
    tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str
) -> None:
    # The sample quarantines 5 of its 10 rows.
    with pytest.raises(cleanse_job.QualityGateFailed) as failed:
        run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, extra=("--max_quarantine_ratio", "0.4"))

    assert str(failed.value).startswith("run run-1 quarantined 5 of 10 input rows (50.0%), more than max_quarantine_ratio 40.0%")
    assert str(failed.value).endswith(
        "Top reasons: balance is not a valid decimal(12,2) (1 row); email is not a valid e-mail address (1 row); "
        "required column customer_id is missing (1 row)"
    )
    assert not (tmp_path / "cleansed").exists()
    assert len(data_files(tmp_path / "quarantine")) == 1  # kept for inspection


def test_a_run_within_the_gate_publishes_as_usual(spark: Any, tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str) -> None:
    assert run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, extra=("--max_quarantine_ratio", "0.5")) == 0
    assert cleansed_rows(spark, tmp_path) == EXPECTED_CLEANSED


def test_a_gate_that_is_not_a_ratio_is_refused_by_name(
    tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str, capsys: Any
) -> None:
    assert run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, extra=("--max_quarantine_ratio", "5%")) == 2
    assert "--max_quarantine_ratio '5%' must be a number from 0 to 1" in capsys.readouterr().err


CUSTOMERS_HEADER = "customer_id,first_name,last_name,email,signup_date,updated_at,balance,is_active,country,notes\n"
ADA = "1,Ada,Lovelace,ada@example.com,2024-01-05,2024-03-01 09:00:00,120.00,true,UK,\n"  # as the sample's run left her


def fresh_iceberg_table(spark: Any, name: str) -> str:
    spark.sql("CREATE NAMESPACE IF NOT EXISTS glue_catalog.jobs")  # on Glue, the module's catalog database
    spark.sql(f"DROP TABLE IF EXISTS glue_catalog.jobs.{name}")
    return f"jobs.{name}"


def run_iceberg(path: Path, out: Path, rules: str, run_id: str, table: str, *extra: str) -> int:
    arguments = ("--cleansed_format", "iceberg", "--cleansed_table", table, "--report_path", str(out / f"{run_id}.json"), *extra)
    return run_cleanse(path, out, rules, run_id, arguments)


def customer_ids(spark: Any, table: str, snapshot_id: int | None = None) -> list[int]:
    version = f" VERSION AS OF {snapshot_id}" if snapshot_id else ""
    return sorted(row.customer_id for row in spark.sql(f"SELECT customer_id FROM glue_catalog.{table}{version}").collect())


MIRROR_OF_EVERY_TABLE = ("--deletes", "mirror", "--run_covers_all_tables", "true", "--max_deleted_ratio", "0.5")


@pytest.mark.iceberg
def test_a_mirror_run_of_every_table_deletes_the_keys_its_extract_no_longer_holds(
    spark: Any, tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str
) -> None:
    table = fresh_iceberg_table(spark, "mirrored")
    source = tmp_path / "source.csv"
    # Customer 7 left the source; customer 2's row is quarantined this run, and the source still holds it.
    source.write_text(CUSTOMERS_HEADER + ADA + "2,Alan,Turing,not-an-email,2024-01-06,2024-02-01 10:00:00,50,false,UK,\n")
    assert run_iceberg(dirty_customers_csv, tmp_path, customer_rules_json, "run-1", table, *MIRROR_OF_EVERY_TABLE) == 0
    assert run_iceberg(source, tmp_path, customer_rules_json, "run-2", table, *MIRROR_OF_EVERY_TABLE) == 0

    first, second = (json.loads((tmp_path / f"{run}.json").read_text()) for run in ("run-1", "run-2"))
    assert customer_ids(spark, table) == [1, 2]
    assert {name: second[name] for name in ("inserted", "updated", "unchanged", "deleted", "deletes")} == {
        "inserted": 0, "updated": 0, "unchanged": 1, "deleted": 1, "deletes": "mirror"
    }  # fmt: skip
    assert "deletes_skipped" not in second
    assert first["previous_snapshot_id"] is None and second["previous_snapshot_id"] == first["snapshot_id"] != second["snapshot_id"]
    assert customer_ids(spark, table, second["previous_snapshot_id"]) == [1, 2, 7]


@pytest.mark.iceberg
def test_a_mirror_run_deleting_more_than_max_deleted_ratio_publishes_nothing_and_fails_the_gate(
    spark: Any, tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str
) -> None:
    table = fresh_iceberg_table(spark, "truncated")
    truncated = tmp_path / "truncated.csv"
    truncated.write_text(CUSTOMERS_HEADER + ADA)
    assert run_iceberg(dirty_customers_csv, tmp_path, customer_rules_json, "run-1", table, *MIRROR_OF_EVERY_TABLE) == 0
    snapshot = json.loads((tmp_path / "run-1.json").read_text())["snapshot_id"]

    with pytest.raises(cleanse_job.QualityGateFailed) as failed:
        run_iceberg(truncated, tmp_path, customer_rules_json, "run-2", table, *MIRROR_OF_EVERY_TABLE)

    assert str(failed.value) == (
        "run run-2 would delete 2 of the 3 rows of jobs.truncated (66.7%), more than max_deleted_ratio 50.0%: its extract lacks "
        "their keys, so the source may be truncated or unreachable. Nothing was published (the quarantine was written)."
    )
    assert customer_ids(spark, table) == [1, 2, 7]
    assert [row.snapshot_id for row in spark.sql(f"SELECT snapshot_id FROM glue_catalog.{table}.snapshots").collect()] == [snapshot]
    assert not (tmp_path / "run-2.json").exists()
    assert (tmp_path / "quarantine" / "run_id=run-2").is_dir()


@pytest.mark.iceberg
def test_a_run_naming_only_some_tables_deletes_nothing_and_says_why(
    spark: Any, tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str
) -> None:
    table = fresh_iceberg_table(spark, "partial")
    source = tmp_path / "source.csv"
    source.write_text(CUSTOMERS_HEADER + ADA)
    assert run_iceberg(dirty_customers_csv, tmp_path, customer_rules_json, "run-1", table) == 0
    assert (
        run_iceberg(source, tmp_path, customer_rules_json, "run-2", table, "--deletes", "mirror", "--run_covers_all_tables", "false") == 0
    )

    report = json.loads((tmp_path / "run-2.json").read_text())
    assert customer_ids(spark, table) == [1, 2, 7]
    assert (report["deleted"], report["deletes"]) == (0, "mirror")
    assert report["deletes_skipped"].startswith("the run named only some tables (--run_covers_all_tables false), so it deleted nothing")


@pytest.mark.iceberg
def test_an_empty_extract_deletes_nothing_and_says_why(spark: Any, tmp_path: Path, customer_rules_json: str) -> None:
    """`spark` first: the job would otherwise make the session, without the tests' Iceberg."""
    header_only = tmp_path / "empty.csv"
    header_only.write_text("customer_id,email\n")
    assert run_iceberg(header_only, tmp_path, customer_rules_json, "run-1", "jobs.empty", *MIRROR_OF_EVERY_TABLE) == 0

    report = json.loads((tmp_path / "run-1.json").read_text())
    assert (report["skipped"], report["deletes"]) == ("no input rows", "mirror")
    assert report["deletes_skipped"] == "the extract was empty (no input rows), so it deleted nothing"


@pytest.mark.iceberg
def test_rows_the_source_flags_deleted_leave_the_current_state(spark: Any, tmp_path: Path) -> None:
    table = fresh_iceberg_table(spark, "flagged")
    rules = json.dumps(
        {
            "key_columns": ["id"],
            "order_by_column": "updated_at",
            "column_types": {"id": "int", "updated_at": "timestamp", "deleted_at": "timestamp"},
        }
    )
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("id,name,updated_at,deleted_at\n1,ada,2026-11-01 09:00:00,\n2,bob,2026-11-01 09:00:00,\n")
    second.write_text(
        "id,name,updated_at,deleted_at\n1,ada,2026-11-02 09:00:00,2026-11-02 09:00:00\n3,cy,2026-11-02 09:00:00,2026-11-02 09:00:00\n"
    )
    flag = ("--deleted_flag_column", "deleted_at")
    assert run_iceberg(first, tmp_path, rules, "run-1", table, *flag) == 0
    assert run_iceberg(second, tmp_path, rules, "run-2", table, *flag) == 0

    report = json.loads((tmp_path / "run-2.json").read_text())
    assert [row.id for row in spark.table(f"glue_catalog.{table}").collect()] == [2]
    assert (report["inserted"], report["updated"], report["unchanged"], report["deleted"], report["deletes"]) == (0, 0, 1, 1, "keep")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--deletes", "all", *ICEBERG_ARGUMENTS), "--deletes 'all' must be one of keep, mirror."),
        (("--deletes", "mirror"), "--deletes mirror needs --cleansed_format iceberg: the Parquet history keeps every row as it came"),
        (("--deleted_flag_column", "is_active"), "--deleted_flag_column needs --cleansed_format iceberg"),
        (
            ("--deleted_flag_column", "country", *ICEBERG_ARGUMENTS),
            "--deleted_flag_column 'country' must be a column that the cleansing rules' column_types type boolean (true: deleted) "
            'or timestamp (set: deleted); it is not in column_types: give it one of them, e.g. "country": "timestamp".',
        ),
        (("--deleted_flag_column", "balance", *ICEBERG_ARGUMENTS), "it is typed decimal(12,2): give it one of them"),
        (("--max_deleted_ratio", "10%", *ICEBERG_ARGUMENTS), "--max_deleted_ratio '10%' must be a number from 0 to 1, e.g. 0.1."),
        (("--run_covers_all_tables", "yes", *ICEBERG_ARGUMENTS), "--run_covers_all_tables 'yes' must be true or false."),
    ],
    ids=["deletes-unknown", "mirror-parquet", "flag-parquet", "flag-untyped", "flag-decimal", "ratio-percent", "covers-yes"],
)
def test_delete_arguments_that_cannot_be_used_are_refused_by_name_before_anything_is_written(
    tmp_path: Path, dirty_customers_csv: Path, customer_rules_json: str, capsys: Any, arguments: tuple[str, ...], message: str
) -> None:
    assert run_cleanse(dirty_customers_csv, tmp_path, customer_rules_json, extra=arguments) == 2

    assert message in capsys.readouterr().err
    assert not (tmp_path / "cleansed").exists() and not (tmp_path / "quarantine").exists()
