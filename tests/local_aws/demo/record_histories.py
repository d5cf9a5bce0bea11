"""Records the execution histories that test_progress.py reads (histories/<scenario>.json.gz): real
runs of the deployed state machine on the emulator, as tests/state_machine runs it — the test root
with three tables, its job runs and crawls planned (no Spark), its waits on the emulated clock.

    flock /work/heavy.lock .venv/bin/python -m tests.local_aws.demo.record_histories

Record again when the state machine's states change, and check test_progress.py's figures still hold.
"""

import gzip
import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from local_aws import emulator, executions
from local_aws.clients import client
from local_aws.control import plan_crawls, plan_job_runs, set_time_scale
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan
from tests.stacks import TEST_ROOT, TIME_SCALE, DeployedPipeline, applied
from tests.state_machine.pipeline_support import PLANNED_RUN_FIGURES, QUICK_CRAWL

HISTORIES = Path(__file__).parent / "histories"
TABLES = {name: {"key_columns": ["id"]} for name in ("countries", "customers", "orders")}
STACK = {"use_existing_bucket": True, "crawler_timeout_minutes": 10, "tables": TABLES}
# One extract at a time, in the tables' order: each table's planned job run is its own.
ONE_AT_A_TIME = {**STACK, "name_prefix": "progress-crawls", "max_concurrency": 1}
# The jobs catalog what they wrote (no crawl); four at a time, their events interleaved in the history.
JOBS_CATALOG = {**STACK, "name_prefix": "progress-jobs", "catalog_updates": "jobs"}


def put_figures(deployed: DeployedPipeline, run_id: str) -> None:
    """What each table's planned jobs would have reported, for the report Lambda to read."""
    for table in deployed.outputs["tables"].values():
        for job, figures in PLANNED_RUN_FIGURES.items():
            key = f"{deployed.key_of(table['reports_path'])}run_id={run_id}/{job}.json"
            client("s3").put_object(Bucket=deployed.bucket, Key=key, Body=json.dumps(figures).encode())


def record(deployed: DeployedPipeline, scenario: str, execution_input: dict[str, Any]) -> None:
    put_figures(deployed, execution_input["run_id"])
    run = executions.run(deployed.state_machine_arn, execution_input, scenario, timeout_seconds=300)
    print(f"{scenario}: {run.status} {run.error or ''}, {len(run.events)} events")
    # The events' only values JSON has no type for are their timestamps. Compressed: the states' inputs
    # repeat the tables' settings, 800 KB of them in a run of three tables.
    text = json.dumps(run.events, separators=(",", ":"), default=datetime.isoformat)
    (HISTORIES / f"{scenario}.json.gz").write_bytes(gzip.compress(text.encode(), mtime=0))


def deploy(work_dir: Path, endpoint: str, variables: dict[str, Any]) -> DeployedPipeline:
    emulator.reset()
    outputs = applied(TEST_ROOT, work_dir / variables["name_prefix"], endpoint, variables).outputs()["etl"]
    set_time_scale(TIME_SCALE)
    return DeployedPipeline(outputs, notifications_queue_url="")


def main() -> None:
    HISTORIES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work_dir, emulator.running_emulator(job_runs="planned") as endpoint:
        deployed = deploy(Path(work_dir), endpoint, ONE_AT_A_TIME)
        outputs = deployed.outputs
        # countries 30 s, customers 60 s, orders failing after 10 s; two crawls (Parquet), each polled.
        plan_job_runs(
            outputs["extract_job_name"],
            [
                JobRunPlan(starting_seconds=5, running_seconds=25),
                JobRunPlan(starting_seconds=5, running_seconds=55),
                JobRunPlan(starting_seconds=5, running_seconds=5, outcome="FAILED", error_message="Connection refused"),
            ],
        )
        plan_job_runs(outputs["cleanse_job_name"], [JobRunPlan(starting_seconds=5, running_seconds=40)] * 2)
        plan_crawls(outputs["raw_crawler_name"], [QUICK_CRAWL])
        plan_crawls(outputs["cleansed_crawler_name"], [QUICK_CRAWL])
        record(deployed, "orders_extract_fails", {"run_id": "orders-fail"})

        plan_job_runs(outputs["extract_job_name"], [JobRunPlan(starting_seconds=5, running_seconds=25)] * 3)
        plan_crawls(outputs["raw_crawler_name"], [CrawlPlan(running_seconds=20, outcome="FAILED", error_message="Access denied")])
        record(deployed, "raw_crawl_fails", {"run_id": "crawl-fail"})

        deployed = deploy(Path(work_dir), endpoint, JOBS_CATALOG)
        outputs = deployed.outputs
        plan_job_runs(outputs["extract_job_name"], [JobRunPlan(starting_seconds=5, running_seconds=30)] * 2)
        plan_job_runs(outputs["cleanse_job_name"], [JobRunPlan(starting_seconds=5, running_seconds=20)] * 2)
        record(deployed, "jobs_catalog_two_of_three", {"run_id": "two-tables", "tables": ["customers", "orders"]})


if __name__ == "__main__":
    main()
