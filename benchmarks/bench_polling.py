"""Crawler polling: the module's state machine beside the classic walkthrough's fixed 5-second Wait
loop, on the emulator, for crawls that take T seconds. Prints figures; never passes or fails.

    python benchmarks/bench_polling.py --crawl-seconds 60 300 900

Both machines run the module's deployed jobs and Lambdas (job runs are planned to take 65 s).
Emulated time moves only by waits here (`set_time_scale(..., real_time_counts=False)`), so each
figure is exact: the detection lag is how long after the crawler became READY the run moved on,
i.e. the seconds waited up to the status check that saw READY, minus T.
"""

import argparse
import io
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_aws import emulator, executions  # noqa: E402
from local_aws.clients import client, region_of  # noqa: E402
from local_aws.control import plan_crawls, plan_job_runs, set_time_scale  # noqa: E402
from local_aws.emulator.glue.crawlers import CrawlPlan  # noqa: E402
from local_aws.emulator.glue.job_runs import JobRunPlan  # noqa: E402
from local_aws.terraform import TerraformWorkspace  # noqa: E402

STACK_ROOT = ROOT / "tests" / "terraform" / "emulator_root"
CLASSIC_DEFINITION = ROOT / "benchmarks" / "classic_state_machine.asl.json"
CLASSIC_WAIT_SECONDS = 5
TIME_SCALE = 0.001
JOB_RUN = JobRunPlan(starting_seconds=5, running_seconds=60)
CRAWLERS = ("Raw", "Cleansed")


@dataclass(frozen=True)
class Figures:
    machine: str
    crawl_seconds: int
    status: str
    transitions: int
    lambda_invocations: int
    detection_lags: tuple[int, ...]
    real_seconds: float


def deploy(work_dir: Path, endpoint: str) -> dict[str, Any]:
    workspace = TerraformWorkspace(STACK_ROOT, work_dir)
    workspace.init()
    workspace.apply({"local_endpoint": endpoint, "name_prefix": "bench", "use_existing_bucket": True})
    outputs: dict[str, Any] = workspace.outputs()["etl"]
    return outputs


RUN_ID = "bench"


def put_crawlable_files(outputs: dict[str, Any]) -> None:
    s3, bucket = client("s3", region=region_of(outputs["state_machine_arn"])), outputs["bucket_name"]
    table = outputs["tables"]["customers"]
    raw_prefix = table["raw_path"].removeprefix(f"s3://{bucket}/")
    s3.put_object(Bucket=bucket, Key=f"{raw_prefix}run_id={RUN_ID}/part-00000.csv", Body=b"customer_id,email\n1,ada@example.com\n")
    parquet = io.BytesIO()
    pq.write_table(pa.table({"customer_id": [1], "email": ["ada@example.com"]}), parquet)
    cleansed_prefix = table["cleansed_path"].removeprefix(f"s3://{bucket}/")
    s3.put_object(Bucket=bucket, Key=f"{cleansed_prefix}run_id={RUN_ID}/part-00000.parquet", Body=parquet.getvalue())
    # The figures the jobs would have written, which the module's run report reads.
    figures = {"raw_job": {"rows_read": 1}, "cleanse_job": {"input_rows": 1, "cleansed_rows": 1, "quarantined_rows": 0}}
    for job, job_figures in figures.items():
        s3.put_object(Bucket=bucket, Key=f"reports/customers/run_id={RUN_ID}/{job}.json", Body=json.dumps(job_figures).encode())


def create_classic_machine(outputs: dict[str, Any]) -> str:
    placeholders = {
        "raw_job_name": outputs["raw_job_name"],
        "cleanse_job_name": outputs["cleanse_job_name"],
        "raw_crawler_name": outputs["raw_crawler_name"],
        "cleansed_crawler_name": outputs["cleansed_crawler_name"],
        "start_crawler_function_arn": outputs["lambda_function_arns"]["start_crawler"],
        "get_crawler_status_function_arn": outputs["lambda_function_arns"]["get_crawler_status"],
    }
    definition = CLASSIC_DEFINITION.read_text()
    for name, value in placeholders.items():
        definition = definition.replace(f"${{{name}}}", value)
    arn: str = client("stepfunctions", region=region_of(outputs["state_machine_arn"])).create_state_machine(
        name="bench-classic-fixed-5s", definition=definition, roleArn=outputs["role_arns"]["state_machine"]
    )["stateMachineArn"]
    return arn


def seconds_waited_until_ready(record: executions.ExecutionRecord, crawler: str) -> int:
    """Seconds the run waited on `crawler` before the status check that saw it READY."""
    waits = record.entered_inputs(f"WaitFor{crawler}Crawler")
    return sum(int(entered.get("polls", {}).get("wait_seconds", CLASSIC_WAIT_SECONDS)) for entered in waits)


def measure(machine: str, state_machine_arn: str, outputs: dict[str, Any], crawl_seconds: int) -> Figures:
    crawl = CrawlPlan(running_seconds=crawl_seconds - 5, stopping_seconds=5)
    plan_crawls(outputs["raw_crawler_name"], [crawl])
    plan_crawls(outputs["cleansed_crawler_name"], [crawl])
    plan_job_runs(outputs["raw_job_name"], [JOB_RUN])
    plan_job_runs(outputs["cleanse_job_name"], [JOB_RUN])
    started = time.monotonic()
    record = executions.run(state_machine_arn, {"run_id": RUN_ID}, f"{machine}-{crawl_seconds}s", timeout_seconds=1800)
    return Figures(
        machine=machine,
        crawl_seconds=crawl_seconds,
        status=record.status,
        transitions=len(record.states_entered),
        lambda_invocations=record.lambda_invocations,
        detection_lags=tuple(seconds_waited_until_ready(record, crawler) - crawl_seconds for crawler in CRAWLERS),
        real_seconds=time.monotonic() - started,
    )


def print_figures(results: list[Figures]) -> None:
    print(f"{'T s':>5} {'machine':>14} {'status':>9} {'transitions':>11} {'lambda calls':>12} {'lag s (crawler1, 2)':>20} {'real s':>7}")
    for figures in results:
        lags = ", ".join(str(lag) for lag in figures.detection_lags)
        print(
            f"{figures.crawl_seconds:>5} {figures.machine:>14} {figures.status:>9} {figures.transitions:>11} "
            f"{figures.lambda_invocations:>12} {lags:>20} {figures.real_seconds:>7.1f}"
        )
    by_key = {(figures.machine, figures.crawl_seconds): figures for figures in results}
    for crawl_seconds in sorted({figures.crawl_seconds for figures in results}):
        module, classic = by_key[("module", crawl_seconds)], by_key[("classic 5 s", crawl_seconds)]
        print(
            f"T = {crawl_seconds} s: {classic.transitions / module.transitions:.1f}x fewer transitions, "
            f"{classic.lambda_invocations / module.lambda_invocations:.1f}x fewer Lambda calls than the fixed 5 s loop; "
            f"worst detection lag {max(module.detection_lags)} s (fixed loop: {max(classic.detection_lags)} s)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crawl-seconds", type=int, nargs="+", default=[60, 300, 900])
    arguments = parser.parse_args()
    with emulator.running_emulator() as endpoint, tempfile.TemporaryDirectory() as work_dir:
        outputs = deploy(Path(work_dir), endpoint)
        put_crawlable_files(outputs)
        machines = {"module": outputs["state_machine_arn"], "classic 5 s": create_classic_machine(outputs)}
        set_time_scale(TIME_SCALE, real_time_counts=False)
        results = [
            measure(machine, arn, outputs, crawl_seconds) for crawl_seconds in arguments.crawl_seconds for machine, arn in machines.items()
        ]
    print_figures(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
