"""`make demo`: the whole pipeline end to end on this machine, from a real PostgreSQL source.

    python -m local_aws.demo [--rows 2000] [--run-id demo] [--kill-source-during-job1]

Starts PostgreSQL with a customers table (dirty rows included) and the emulator, applies
`examples/complete` to it, catalogs the source, runs the state machine showing each state as it is
entered, prints a summary and copies the outputs to `demo-output/`, then stops everything it
started — also on Ctrl-C or when a step fails, in which case the failing step and its error are the
last lines printed. `--kill-source-during-job1` stops PostgreSQL while job1 reads it, to show the
failure path.
"""

import argparse
import json
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from local_aws import PROJECT_ROOT, executions
from local_aws.demo.pipeline import LocalPipeline, PipelineStepFailed, RunSummary
from local_aws.demo.postgres import PostgresError
from local_aws.demo.sample_customers import write_customers
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


def show_state(entered: executions.StateEntered) -> None:
    print(f"  {entered.elapsed_seconds:6.1f} s  {entered.name}", flush=True)


def print_summary(summary: RunSummary, run_id: str, database: str) -> None:
    print(f"\nExecution {summary.status} in {summary.seconds:.1f} s (run id {run_id})")
    print(
        f"Rows: source {summary.source_rows} -> raw {summary.raw_rows} -> cleansed {summary.cleansed_rows}, "
        f"quarantined {summary.quarantined_rows}, duplicates removed {summary.duplicates_removed}"
    )
    print(f"Catalog tables in {database}:")
    for table in summary.tables:
        columns = ", ".join(f"{name} {kind}" for name, kind in table.columns)
        print(f"  {table.name}  ({table.location})\n      {columns}")


def readable_cause(cause: str) -> str:
    """A failed job's cause carries the whole job run as JSON: keep its ErrorMessage."""
    head, brace, rest = cause.partition("{")
    if brace:
        try:
            return head + str(json.loads(brace + rest).get("ErrorMessage", brace + rest))
        except ValueError:
            pass
    return cause


def copy_outputs(pipeline: LocalPipeline, run_id: str) -> Path:
    """Copy this run's raw, cleansed and quarantined files out of the emulator before it stops."""
    s3, bucket = pipeline.client("s3"), pipeline.outputs["bucket_name"]
    target = OUTPUT_DIR / run_id
    shutil.rmtree(target, ignore_errors=True)
    for name in ("raw_path", "cleansed_path", "quarantine_path"):
        for key in pipeline.run_keys(pipeline.outputs[name], run_id):
            local = target / key
            local.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, key, str(local))
    return target


def run_demo(rows: int, run_id: str, kill_source_during_job1: bool) -> int:
    clock = PhaseClock()
    failure: PipelineStepFailed | None = None
    with tempfile.TemporaryDirectory(prefix="glue-etl-demo-") as scratch:
        source_csv = Path(scratch) / "customers.csv"
        write_customers(source_csv, rows)
        pipeline = LocalPipeline(source_csv, Path(scratch))
        try:
            with clock.phase("start-up", f"Starting PostgreSQL ({rows} customers, dirty rows included) and the AWS emulator"):
                pipeline.__enter__()
                assert pipeline.postgres is not None
                print(f"  PostgreSQL on 127.0.0.1:{pipeline.postgres.port}, emulator on {pipeline.endpoint}")
            with clock.phase("apply", "terraform apply of examples/complete (JDBC source on, password in Secrets Manager)"):
                pipeline.apply()
                print(f"  state machine {pipeline.outputs['state_machine_arn']}")
            with clock.phase("pipeline", "Running the pipeline"):
                source = pipeline.catalog_source()
                print(f"  source crawler cataloged {source.name}: " + ", ".join(f"{n} {t}" for n, t in source.columns))

                def on_state_entered(entered: executions.StateEntered) -> None:
                    show_state(entered)
                    if kill_source_during_job1 and entered.name == "RunRawJob":
                        pipeline.kill_source()
                        print("           (PostgreSQL stopped, as asked)", flush=True)

                record = pipeline.run(run_id, on_state_entered)
                if record.status != "SUCCEEDED":
                    failed_step = (record.cause or "").split(" failed: ", 1)[0]
                    raise PipelineStepFailed(failed_step or "StateMachine", f"{record.error}: {readable_cause(record.cause or '')}")
                summary = pipeline.summary(record, run_id)
                print_summary(summary, run_id, pipeline.outputs["database_name"])
                output = copy_outputs(pipeline, run_id)
                print(f"\nOutputs copied to {output.relative_to(PROJECT_ROOT)}/ (raw CSV, cleansed and quarantine Parquet)")
        except PipelineStepFailed as error:
            failure = error
        except (PostgresError, EmulatorError, TerraformFailed, ExecutionStillRunning) as error:
            failure = PipelineStepFailed(clock.current, str(error))
        finally:
            with clock.phase("teardown", "Stopping PostgreSQL and the emulator"):
                pipeline.__exit__(None, None, None)
    print(f"\n{clock.report()}")
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
    parser.add_argument("--kill-source-during-job1", action="store_true", help="stop PostgreSQL while job1 reads it")
    arguments = parser.parse_args()
    if arguments.rows < 1:
        parser.error(f"--rows must be at least 1, got {arguments.rows}")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run_demo(arguments.rows, arguments.run_id, arguments.kill_source_during_job1)
    except KeyboardInterrupt:
        print("\nInterrupted: everything the demo started has been stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
