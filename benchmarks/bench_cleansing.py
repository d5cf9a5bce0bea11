"""The cleanse job's cleansing on N synthetic customers, local Spark beside a DuckDB implementation of the
same rules as the single-machine reference. Prints figures; never passes or fails.

Spark runs the cleanse job twice in one JVM: cold (the JVM's first run) and warm (cache cleared, as a run on a
warm driver finds it). Beside each time: how many times the cleanse job read its input (bytes read from local
files / the input's size) and how many shuffles it ran (stages that wrote shuffle output).

    python benchmarks/bench_cleansing.py --rows 100000 1000000

Each engine runs in a process of its own so that its peak memory (resident set, the JVM's
included for Spark) is its own. Spark start-up is reported apart from the transformation.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "glue_scripts"), str(ROOT)]

RULES = json.loads((ROOT / "sample_data" / "customer_rules.json").read_text())


def peak_rss_mib(root_pid: int) -> float:
    """Peak resident set of a process and all its descendants (VmHWM), in MiB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total_kib, pending = 0, [root_pid]
    while pending:
        pid = pending.pop()
        pending += children.get(pid, [])
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total_kib += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    return total_kib / 1024


def spark_work_so_far(spark: Any) -> tuple[int, int]:
    """Bytes this JVM has read from local files, and the shuffles (stages that wrote shuffle
    output) it has run: read off Hadoop's file system statistics and Spark's status store."""
    jvm = spark._jvm
    bytes_read = sum(int(statistics.getBytesRead()) for statistics in jvm.org.apache.hadoop.fs.FileSystem.getAllStatistics())
    no_quantiles = spark.sparkContext._gateway.new_array(jvm.double, 0)
    # AppStatusStore.stageList(statuses, details, withSummaries, unsortedQuantiles, taskStatus): all stages.
    stages = spark.sparkContext._jsc.sc().statusStore().stageList(None, False, False, no_quantiles, jvm.java.util.ArrayList())
    completed = (stages.apply(index) for index in range(stages.size()))
    shuffles = sum(1 for stage in completed if str(stage.status()) == "COMPLETE" and stage.shuffleWriteBytes() > 0)
    return bytes_read, shuffles


def run_spark(input_csv: Path, out: Path) -> dict[str, Any]:
    """The cleanse job twice in one JVM: cold (its first run) and warm (cache cleared, as a new run finds it)."""
    import cleanse_job
    from glue_runtime import local_spark_session

    started = time.perf_counter()
    spark = local_spark_session("bench-cleansing")
    figures: dict[str, Any] = {"startup_seconds": time.perf_counter() - started}
    for run in ("cold", "warm"):
        spark.catalog.clearCache()
        bytes_before, shuffles_before = spark_work_so_far(spark)
        started = time.perf_counter()
        arguments = ["cleanse_job.py", "--input_path", str(input_csv), "--output_path", str(out / run / "cleansed"),
                     "--quarantine_path", str(out / run / "quarantine"),
                     "--cleansing_rules", json.dumps(RULES), "--run_id", run]  # fmt: skip
        exit_code = cleanse_job.main(arguments)
        bytes_after, shuffles_after = spark_work_so_far(spark)
        figures[run] = {
            "seconds": time.perf_counter() - started,
            "exit_code": exit_code,
            "input_scans": (bytes_after - bytes_before) / input_csv.stat().st_size,
            "shuffles": shuffles_after - shuffles_before,
        }
    return figures


DUCKDB_SQL = """
CREATE VIEW raw AS SELECT * FROM read_csv('{input}', header = true, all_varchar = true);
CREATE VIEW prepared AS SELECT
    nullif(trim(customer_id), '') AS customer_id, nullif(trim(first_name), '') AS first_name,
    nullif(trim(last_name), '') AS last_name, lower(nullif(trim(email), '')) AS email,
    nullif(trim(signup_date), '') AS signup_date, nullif(trim(updated_at), '') AS updated_at,
    nullif(trim(balance), '') AS balance, nullif(trim(is_active), '') AS is_active, nullif(trim(country), '') AS country
FROM raw;
CREATE TABLE judged AS SELECT *, nullif(concat_ws('; ',
    CASE WHEN customer_id IS NULL THEN 'required column customer_id is missing' END,
    CASE WHEN email IS NULL THEN 'required column email is missing' END,
    CASE WHEN email IS NOT NULL AND NOT regexp_full_match(email, '[a-z0-9._%+-]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{{2,}}')
         THEN 'email is not a valid e-mail address' END,
    CASE WHEN customer_id IS NOT NULL AND TRY_CAST(customer_id AS INTEGER) IS NULL THEN 'customer_id is not a valid int' END,
    CASE WHEN signup_date IS NOT NULL AND TRY_CAST(signup_date AS DATE) IS NULL THEN 'signup_date is not a valid date' END,
    CASE WHEN updated_at IS NOT NULL AND TRY_CAST(updated_at AS TIMESTAMP) IS NULL THEN 'updated_at is not a valid timestamp' END,
    CASE WHEN balance IS NOT NULL AND TRY_CAST(balance AS DECIMAL(12, 2)) IS NULL THEN 'balance is not a valid decimal(12,2)' END,
    CASE WHEN is_active IS NOT NULL AND lower(is_active) NOT IN ('true', 't', 'yes', 'y', '1', 'false', 'f', 'no', 'n', '0')
         THEN 'is_active is not a valid boolean' END
), '') AS _reject_reason FROM prepared;
CREATE TABLE cleansed AS SELECT
    CAST(customer_id AS INTEGER) AS customer_id, first_name, last_name, email, CAST(signup_date AS DATE) AS signup_date,
    CAST(updated_at AS TIMESTAMP) AS updated_at, CAST(balance AS DECIMAL(12, 2)) AS balance,
    lower(is_active) IN ('true', 't', 'yes', 'y', '1') AS is_active, country
FROM (SELECT DISTINCT * EXCLUDE (_reject_reason) FROM judged WHERE _reject_reason IS NULL)
QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY updated_at DESC NULLS LAST, first_name DESC NULLS LAST,
    last_name DESC NULLS LAST, email DESC NULLS LAST, signup_date DESC NULLS LAST, balance DESC NULLS LAST,
    is_active DESC NULLS LAST, country DESC NULLS LAST) = 1;
COPY cleansed TO '{out}/cleansed.parquet' (FORMAT parquet, COMPRESSION snappy);
COPY (SELECT * FROM judged WHERE _reject_reason IS NOT NULL) TO '{out}/quarantine.parquet' (FORMAT parquet, COMPRESSION snappy);
"""


def run_duckdb(input_csv: Path, out: Path) -> dict[str, Any]:
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    connection = duckdb.connect()
    connection.execute(DUCKDB_SQL.format(input=input_csv, out=out))
    counts = connection.execute(
        "SELECT (SELECT count(*) FROM judged), (SELECT count(*) FROM cleansed),"
        " (SELECT count(*) FROM judged WHERE _reject_reason IS NOT NULL)"
    ).fetchone()
    seconds = time.perf_counter() - started
    assert counts is not None
    input_rows, cleansed_rows, quarantined_rows = counts
    return {
        "seconds": seconds,
        "input_rows": input_rows,
        "cleansed_rows": cleansed_rows,
        "quarantined_rows": quarantined_rows,
        "duplicates_removed": input_rows - cleansed_rows - quarantined_rows,
    }


def engine_main(engine: str, input_csv: Path, out: Path) -> None:
    figures = run_spark(input_csv, out) if engine == "spark" else run_duckdb(input_csv, out)
    figures["peak_rss_mib"] = peak_rss_mib(os.getpid())
    print("FIGURES " + json.dumps(figures), flush=True)


def measure(engine: str, input_csv: Path, out: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, "--engine", engine, "--input", str(input_csv), "--out", str(out)], capture_output=True, text=True
    )
    lines = result.stdout.splitlines()
    figures: dict[str, Any] = json.loads(next(line for line in lines if line.startswith("FIGURES "))[len("FIGURES ") :])
    summaries = [json.loads(line) for line in lines if '"cleansing_summary"' in line]
    for summary in summaries[-1:]:
        figures.update({key: summary[key] for key in ("input_rows", "cleansed_rows", "quarantined_rows", "duplicates_removed")})
    return figures


def print_row(rows: int, engine: str, startup: str, figures: dict[str, Any], counts: str, peak: float) -> None:
    scans = f"{figures['input_scans']:.2f}" if "input_scans" in figures else "-"
    shuffles = str(figures.get("shuffles", "-"))
    print(
        f"{rows:>9} {engine:>12} {startup:>10} {figures['seconds']:>9.1f} {rows / figures['seconds']:>9.0f} "
        f"{scans:>6} {shuffles:>8} {peak:>8.0f}  {counts}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engine", choices=["spark", "duckdb"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.engine:
        engine_main(arguments.engine, arguments.input, arguments.out)
        return 0

    from local_aws.demo.sample_customers import write_customers

    print(
        f"{'rows':>9} {'engine':>12} {'start-up s':>10} {'cleanse s':>9} {'rows/s':>9} {'scans':>6} {'shuffles':>8} {'peak MiB':>8}"
        "  cleansed / quarantined / duplicates"
    )
    for rows in arguments.rows:
        with tempfile.TemporaryDirectory() as scratch:
            input_csv = Path(scratch) / "customers.csv"
            write_customers(input_csv, rows)
            spark = measure("spark", input_csv, Path(scratch) / "spark")
            duckdb = measure("duckdb", input_csv, Path(scratch) / "duckdb")
        counts = {
            name: f"{figures['cleansed_rows']} / {figures['quarantined_rows']} / {figures['duplicates_removed']}"
            for name, figures in (("spark", spark), ("duckdb", duckdb))
        }
        print_row(rows, "spark cold", f"{spark['startup_seconds']:.1f}", spark["cold"], counts["spark"], spark["peak_rss_mib"])
        print_row(rows, "spark warm", "-", spark["warm"], counts["spark"], spark["peak_rss_mib"])
        print_row(rows, "duckdb", "-", duckdb, counts["duckdb"], duckdb["peak_rss_mib"])
        same = all(spark[key] == duckdb[key] for key in ("cleansed_rows", "quarantined_rows", "duplicates_removed"))
        print(
            f"{rows:>9} spark / duckdb wall time: cold {spark['cold']['seconds'] / duckdb['seconds']:.1f}x, "
            f"warm {spark['warm']['seconds'] / duckdb['seconds']:.1f}x; same counts: {'yes' if same else 'NO'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
