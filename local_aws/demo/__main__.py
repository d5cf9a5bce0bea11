"""`make demo`: the whole pipeline end to end on this machine, from a real PostgreSQL source.

    python -m local_aws.demo [--rows 2000] [--run-id demo] [--kill-source-during-extract]

Starts PostgreSQL with three tables (customers, orders of those customers, and a small countries
reference table; dirty rows included) and the emulator, applies `examples/complete` to it, catalogs
the source, runs the state machine showing each table's progress by stage (extract, crawl, cleanse,
report: a live table on a terminal, a line per change otherwise), prints the run report of
each table; then (the cleansed tables being Iceberg current states) changes, adds and deletes
customers and updates orders in PostgreSQL, runs again and shows what the second run changed in
`cleansed_customers` (the deleted customers gone, still held by the snapshot before the run) and
`cleansed_orders` (the updated orders, which the incremental extract carried), read without Spark;
copies the outputs to `demo-output/` and writes `demo-output/report.html` there (report_page.py: the
runs' timelines, rows by stage, quarantine reasons, snapshots and cost), then stops everything it
started — also on Ctrl-C or when a step fails, in which case the failing step and its error are the
last lines printed.
`--kill-source-during-extract` stops PostgreSQL while the extract job reads it, to show the failure path.
"""

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from rich.console import Console

from local_aws import PROJECT_ROOT, executions
from local_aws.demo.pipeline import SAMPLE_DATA, CatalogTable, LocalPipeline, PipelineStepFailed
from local_aws.demo.postgres import PostgresError
from local_aws.demo.progress import progress_view
from local_aws.demo.report_page import write_report_page
from local_aws.demo.sample_customers import new_customers, write_customers
from local_aws.demo.sample_orders import write_orders
from local_aws.emulator import EmulatorError
from local_aws.executions import ExecutionStillRunning
from local_aws.terraform import TerraformFailed

OUTPUT_DIR = PROJECT_ROOT / "demo-output"


class PhaseClock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.current = ""

    @contextmanager
    def phase(self, name: str, announcement: str) -> Iterator[None]:
        print(f"\n== {announcement}", flush=True)
        self.current = name
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = time.monotonic() - started

    def report(self) -> str:
        total = sum(self.seconds.values())
        parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in self.seconds.items())
        return f"Wall time: {total:.0f} s ({parts})"


ROW_LABELS = {
    "source_read": "source rows read",
    "raw": "raw rows",
    "cleansed": "cleansed rows",
    "inserted": "  inserted",
    "updated": "  updated",
    "unchanged": "  unchanged",
    "deleted": "  deleted",
    "duplicates_removed": "duplicates removed",
    "quarantined": "quarantined rows",
}


def print_report(record: executions.ExecutionRecord, tables: list[CatalogTable]) -> None:
    """The run report (the execution's output) as a table, a column per table, and the catalog tables it left."""
    report: dict[str, Any] = record.output or {}
    names = list(report["tables"])
    seconds = (record.events[-1]["timestamp"] - record.events[0]["timestamp"]).total_seconds()
    print(f"\nExecution SUCCEEDED in {seconds:.1f} s. Run report of {report['run_id']} (the execution's output):")
    lines = [("", names), ("status", [report["tables"][name]["status"] for name in names])]
    lines += [
        (label, [report["tables"][name].get("rows", {}).get(row) for name in names])
        for row, label in ROW_LABELS.items()
        if any(report["tables"][name].get("rows", {}).get(row) is not None for name in names)
    ]
    width = max(len(label) for label, _ in lines)
    for label, values in lines:
        print(f"  {label:<{width}}" + "".join(f"  {'' if value is None else value:>10}" for value in values))
    for name in names:
        for reason, count in report["tables"][name].get("quarantined_by_reason", {}).items():
            print(f"  quarantined from {name}: {reason}: {count}")
    print("  stage seconds: " + ", ".join(f"{stage} {seconds}" for stage, seconds in report["durations_seconds"].items()))
    print_cost(report["cost"], names, report["tables"])
    if tables:
        print("Catalog tables:")
    for table in tables:
        columns = ", ".join(f"{name} {kind}" for name, kind in table.columns)
        print(f"  {table.name}  ({table.location})\n      {columns}")


def print_cost(cost: dict[str, Any], names: list[str], tables: dict[str, Any]) -> None:
    """The run's estimated cost on AWS at the module's prices (the emulator's durations): in all, by
    item, and each table's job runs."""
    items = ", ".join(f"{item} ${value:.6f}" for item, value in cost["usd_by_item"].items())
    print(f"  estimated cost on AWS: ${cost['estimated_usd']:.4f} ({items})")
    crawls = ", ".join(f"{crawl['crawler']} {crawl['dpu_hours']} DPU-h" for crawl in cost["crawls"]) or "none"
    print(f"    {cost['glue_job_dpu_seconds']:g} job DPU-seconds; crawls: {crawls}; {cost['state_transitions']} state transitions")
    for name in names:
        jobs = tables[name].get("cost", {})
        print(f"    {name}: " + ", ".join(f"{job} {entry['dpu_seconds']} DPU-s ${entry['usd']}" for job, entry in jobs.items()))
    for item in cost["not_included"]:
        print(f"    not included: {item}")


def readable_cause(cause: str) -> str:
    """A failed job's cause carries the whole job run as JSON: keep its ErrorMessage."""
    head, brace, rest = cause.partition("{")
    if brace:
        try:
            return head + str(json.loads(brace + rest).get("ErrorMessage", brace + rest))
        except ValueError:
            pass
    return cause


def copy_outputs(pipeline: LocalPipeline, run_ids: list[str]) -> Path:
    """Copy the runs' raw and quarantined files, and the cleansed table (the Iceberg table's data
    and metadata, or the runs' Parquet), out of the emulator before it stops."""
    s3, bucket = pipeline.client("s3"), pipeline.outputs["bucket_name"]
    target = OUTPUT_DIR / run_ids[0]
    shutil.rmtree(target, ignore_errors=True)
    keys: list[str] = []
    for table in pipeline.outputs["tables"]:
        for stage in ("raw", "quarantine"):
            keys += [key for run_id in run_ids for key in pipeline.run_keys(pipeline.location(table, stage), run_id)]
        if pipeline.outputs["cleansed_format"] == "iceberg":
            keys += pipeline.keys_under(pipeline.location(table, "cleansed"))
        else:
            keys += [key for run_id in run_ids for key in pipeline.run_keys(pipeline.location(table, "cleansed"), run_id)]
    for key in keys:
        local = target / key
        local.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, key, str(local))
    return target


@dataclass(frozen=True)
class SourceChanges:
    changed: int
    added: int
    deleted: int
    orders_updated: int


def change_source(pipeline: LocalPipeline, rows: int) -> SourceChanges:
    """Give every 20th customer a newer balance, add 20 customers, delete every 400th (customers
    mirror their source: `deletes = "mirror"`), and mark every 50th order delivered with a later
    updated_at (orders are extracted past their bookmark on updated_at: `bookmark_keys`)."""
    pipeline.update_source("UPDATE customers SET balance = '1.00', updated_at = '2024-12-31 00:00:00' WHERE customer_id % 20 = 0")
    added = new_customers(rows + 1, 20)
    for row in added:
        pipeline.update_source(
            f"INSERT INTO customers VALUES ({', '.join(f':c{index}' for index in range(len(row)))})",
            **{f"c{index}": int(value) if index == 0 else value for index, value in enumerate(row)},
        )
    before = pipeline.source_rows("customers")
    pipeline.update_source("DELETE FROM customers WHERE customer_id % 400 = 7")
    deleted = before - pipeline.source_rows("customers")
    pipeline.update_source("UPDATE orders SET status = 'delivered', updated_at = '2024-05-01 00:00:00' WHERE order_id % 50 = 0")
    return SourceChanges(rows // 20, len(added), deleted, pipeline.source_count("orders", "order_id % 50 = 0"))


def print_current_state_change(pipeline: LocalPipeline, before: dict[int, dict[str, Any]], report: dict[str, Any], run_id: str) -> None:
    """What the run changed in the customers' current state, as a consumer of the table sees it, and
    the deleted customers still in the snapshot before the run (time travel)."""
    table = pipeline.outputs["tables"]["customers"]["cleansed_table"]
    after_rows = pipeline.current_state_rows()
    after = {int(row["customer_id"]): row for row in after_rows}
    written = {key for key, row in after.items() if row["run_id"] == run_id}
    inserted, updated, deleted = len(written - set(before)), len(written & set(before)), set(before) - set(after)
    keys = "one row per customer" if len(after) == len(after_rows) else f"{len(after_rows) - len(after)} customers twice"
    print(
        f"{table} (Iceberg, the current state), read without Spark: {len(after_rows)} rows, {keys}; run {run_id} inserted "
        f"{inserted}, updated {updated}, deleted {len(deleted)}, left {len(after) - inserted - updated} as they were"
    )
    figures = report["tables"]["customers"]
    previous = figures.get("previous_snapshot_id")
    if deleted and previous is not None:
        # The report gives snapshot ids as strings (64-bit integers, beyond what some JSON readers keep exact).
        held = {int(row["customer_id"]) for row in pipeline.current_state_rows(snapshot_id=int(previous))} & deleted
        print(
            f"  snapshot {previous}, current before the run, still holds {len(held)} of the {len(deleted)} deleted customers "
            f"(time travel: SELECT ... VERSION AS OF {previous}); the run made snapshot {figures.get('snapshot_id')}"
        )
    orders = {int(row["order_id"]): row for row in pipeline.current_state_rows("orders")}
    delivered_by_run = sum(1 for row in orders.values() if row["run_id"] == run_id)
    orders_table = pipeline.outputs["tables"]["orders"]["cleansed_table"]
    print(f"{orders_table}: run {run_id} updated {delivered_by_run} orders, from an incremental extract")


def run_or_fail(
    pipeline: LocalPipeline, run_id: str, on_state_entered: Callable[[executions.StateEntered], None] | None = None
) -> executions.ExecutionRecord:
    """Run the pipeline showing each table's progress: a live table on a terminal, plain lines otherwise."""
    with progress_view(Console(), list(pipeline.outputs["tables"]), title=f"Run {run_id}") as progress:
        record = pipeline.run(run_id, on_state_entered, on_history=progress.update)
    if record.status == "SUCCEEDED":
        return record
    report = record.report
    if record.error == "TablesFailed" and report is not None:
        failed = [(name, report["tables"][name]) for name in report["failed_tables"]]
        lines = [f"{name} at {table['step']}: {table['error']}: {readable_cause(table['cause'])}" for name, table in failed]
        raise PipelineStepFailed(f"{len(failed)} of {len(report['tables'])} tables", "\n  ".join(lines))
    failed_step = (record.cause or "").split(" failed: ", 1)[0]
    raise PipelineStepFailed(failed_step or "StateMachine", f"{record.error}: {readable_cause(record.cause or '')}")


def run_demo(rows: int, run_id: str, kill_source_during_extract: bool, catalog_updates: str) -> int:
    clock = PhaseClock()
    failure: PipelineStepFailed | None = None
    records: list[executions.ExecutionRecord] = []
    page: Path | None = None
    with tempfile.TemporaryDirectory(prefix="glue-etl-demo-") as scratch:
        sources = {"customers": Path(scratch) / "customers.csv", "orders": Path(scratch) / "orders.csv"}
        sources["countries"] = SAMPLE_DATA / "countries.csv"
        write_customers(sources["customers"], rows)
        orders = write_orders(sources["orders"], customers=rows)
        pipeline = LocalPipeline(sources, Path(scratch), example_variables={"catalog_updates": catalog_updates})
        try:
            announcement = f"Starting PostgreSQL ({rows} customers, {orders} orders, countries; dirty rows included) and the AWS emulator"
            with clock.phase("start-up", announcement):
                pipeline.__enter__()
                assert pipeline.postgres is not None
                print(f"  PostgreSQL on 127.0.0.1:{pipeline.postgres.port}, emulator on {pipeline.endpoint}")
            applying = f"terraform apply of examples/complete (JDBC source, password in Secrets Manager, catalog_updates {catalog_updates})"
            with clock.phase("apply", applying):
                pipeline.apply()
                print(f"  state machine {pipeline.outputs['state_machine_arn']}")
            with clock.phase("pipeline", "Running the pipeline"):
                for source in pipeline.catalog_source():
                    print(f"  source crawler cataloged {source.name}: " + ", ".join(f"{n} {t}" for n, t in source.columns))

                source_killed = False

                def on_state_entered(entered: executions.StateEntered) -> None:
                    nonlocal source_killed
                    if kill_source_during_extract and entered.name == "RunExtractJob" and not source_killed:
                        pipeline.kill_source()
                        source_killed = True
                        print(f"  {entered.elapsed_seconds:6.1f} s  (PostgreSQL stopped, as asked)", flush=True)

                record = run_or_fail(pipeline, run_id, on_state_entered)
                records.append(record)
                print_report(record, pipeline.tables())
            run_ids = [run_id]
            if pipeline.outputs["cleansed_format"] == "iceberg":
                second_run_id = f"{run_id}-2"
                changes = change_source(pipeline, rows)
                announcement = (
                    f"{changes.changed} customers changed, {changes.added} added and {changes.deleted} deleted, "
                    f"{changes.orders_updated} orders updated in PostgreSQL: running again as {second_run_id}"
                )
                with clock.phase("second run", announcement):
                    before = {int(row["customer_id"]): row for row in pipeline.current_state_rows()}
                    record = run_or_fail(pipeline, second_run_id)
                    records.append(record)
                    print_report(record, [])
                    print_current_state_change(pipeline, before, record.output or {}, second_run_id)
                run_ids.append(second_run_id)
            output = copy_outputs(pipeline, run_ids)
            print(f"\nOutputs copied to {output.relative_to(PROJECT_ROOT)}/ (raw CSV, the cleansed table, quarantine Parquet)")
            page = write_report_page(records, OUTPUT_DIR / "report.html")
        except PipelineStepFailed as error:
            failure = error
        except (PostgresError, EmulatorError, TerraformFailed, ExecutionStillRunning) as error:
            failure = PipelineStepFailed(clock.current, str(error))
        finally:
            with clock.phase("teardown", "Stopping PostgreSQL and the emulator"):
                pipeline.__exit__(None, None, None)
    print(f"\n{clock.report()}")
    if page is not None:
        print(f"Report page (timeline, rows by stage, quarantine reasons, snapshots, cost): {page.as_uri()}")
    if failure is not None:
        print(f"\nThe pipeline failed at {failure.step}:\n  {failure.error}", file=sys.stderr)
        return 1
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m local_aws.demo", description="The Glue ETL pipeline end to end on this machine.")
    parser.add_argument("--rows", type=int, default=2000, help="customers in the source table (default 2000)")
    parser.add_argument("--run-id", default="demo", help="the run id; a second demo with the same one replaces its output")
    parser.add_argument("--kill-source-during-extract", action="store_true", help="stop PostgreSQL while the extract job reads it")
    parser.add_argument(
        "--catalog-updates",
        choices=["crawlers", "jobs"],
        default="crawlers",
        help="who catalogs raw and cleansed: the crawlers (default) or the jobs themselves (examples/complete's catalog_updates)",
    )
    arguments = parser.parse_args()
    if arguments.rows < 1:
        parser.error(f"--rows must be at least 1, got {arguments.rows}")
    # SIGINT too: a process started in the background inherits SIGINT ignored, and Python then
    # leaves it so ("SIGINT is translated into a KeyboardInterrupt exception if the parent process
    # has not changed it": https://docs.python.org/3/library/signal.html, General rules).
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        return run_demo(arguments.rows, arguments.run_id, arguments.kill_source_during_extract, arguments.catalog_updates)
    except KeyboardInterrupt:
        print("\nInterrupted: everything the demo started has been stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
