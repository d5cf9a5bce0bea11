"""Waiting for a crawl: the module's two crawler_wait modes (poll, event) and its Glue workflow
beside the classic walkthrough's fixed 5-second Wait loop, on the emulator, for crawls that take T
seconds. Prints figures; never passes or fails.

    python benchmarks/bench_polling.py --crawl-seconds 60 300 900

Every machine runs the module's deployed jobs and Lambdas (job runs are planned to take 65 s).
Emulated time moves only by waits here (`set_time_scale(..., real_time_counts=False)`), so the
polling figures are exact: the detection lag is how long after the crawler became READY the run
moved on, i.e. the seconds waited up to the status check that saw READY, minus T. An event-mode run
waits for no status check: its lag is the real time from the crawl's end event to the task's
resumption (the crawl_finished Lambda, its DynamoDB query and SendTaskSuccess), from the event's time
(to the second, so the lag is an upper bound) read from a queue the benchmark adds as a second
target of the module's rule. Calls are counted by the emulator
(`local_aws.control.take_call_counts`): Lambda invocations include EventBridge's.
"""

import argparse
import io
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_aws import emulator, executions  # noqa: E402
from local_aws.clients import client, region_of  # noqa: E402
from local_aws.control import advance_time, plan_crawls, plan_job_runs, set_time_scale, take_call_counts  # noqa: E402
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
    status_checks: int
    dynamodb_calls: int
    event_deliveries: int
    detection_lags: tuple[float, ...]
    real_seconds: float


def deploy(work_dir: Path, endpoint: str, name_prefix: str, crawler_wait: str, orchestration: str = "step_functions") -> dict[str, Any]:
    workspace = TerraformWorkspace(STACK_ROOT, work_dir, emulator_endpoint=endpoint)
    workspace.init()
    variables = {"name_prefix": name_prefix, "use_existing_bucket": True, "crawler_wait": crawler_wait}
    workspace.apply({**variables, "orchestration": orchestration})
    outputs: dict[str, Any] = workspace.outputs()["etl"]
    return outputs


RUN_ID = "bench"


def stack_region(outputs: dict[str, Any]) -> str:
    """The region a stack was applied to, read from one of its ARNs (a Glue workflow has no state machine)."""
    return region_of(outputs["state_machine_arn"] or next(iter(outputs["job_arns"].values())))


def put_crawlable_files(outputs: dict[str, Any]) -> None:
    s3, bucket = client("s3", region=stack_region(outputs)), outputs["bucket_name"]
    table = outputs["tables"]["customers"]
    raw_prefix = table["raw_path"].removeprefix(f"s3://{bucket}/")
    s3.put_object(Bucket=bucket, Key=f"{raw_prefix}run_id={RUN_ID}/part-00000.csv", Body=b"customer_id,email\n1,ada@example.com\n")
    parquet = io.BytesIO()
    pq.write_table(pa.table({"customer_id": [1], "email": ["ada@example.com"]}), parquet)
    cleansed_prefix = table["cleansed_path"].removeprefix(f"s3://{bucket}/")
    s3.put_object(Bucket=bucket, Key=f"{cleansed_prefix}run_id={RUN_ID}/part-00000.parquet", Body=parquet.getvalue())
    # The figures the jobs would have written, which the module's run report reads.
    figures = {"extract_job": {"rows_read": 1}, "cleanse_job": {"input_rows": 1, "cleansed_rows": 1, "quarantined_rows": 0}}
    for job, job_figures in figures.items():
        s3.put_object(Bucket=bucket, Key=f"reports/customers/run_id={RUN_ID}/{job}.json", Body=json.dumps(job_figures).encode())


def create_classic_machine(outputs: dict[str, Any]) -> str:
    placeholders = {
        "extract_job_name": outputs["extract_job_name"],
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


def listen_to_crawl_ends(outputs: dict[str, Any]) -> tuple[Any, str]:
    """A queue receiving the crawl-end events of the event-mode stack's rule, beside its Lambda."""
    region = region_of(outputs["state_machine_arn"])
    sqs, events = client("sqs", region=region), client("events", region=region)
    queue_url = sqs.create_queue(QueueName="bench-crawl-ends")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_targets(Rule=f"{outputs['bench_name_prefix']}-crawl-finished", Targets=[{"Id": "bench-queue", "Arn": queue_arn}])
    return sqs, queue_url


def crawl_end_times(listener: tuple[Any, str]) -> dict[str, float]:
    """When each crawler's end event was put (epoch seconds), from the listening queue: the event's
    `time`, to the second, so each lag is at most a second longer than the real one."""
    sqs, queue_url = listener
    ends: dict[str, float] = {}
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
        for message in messages:
            event = json.loads(message["Body"])
            ends[event["detail"]["crawlerName"]] = datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return ends


def event_lags(record: executions.ExecutionRecord, outputs: dict[str, Any], ends: dict[str, float]) -> tuple[float, ...]:
    """Real seconds from each crawl's end event to its task's end."""
    task_ends = {
        event["stateExitedEventDetails"]["name"]: event["timestamp"].timestamp()
        for event in record.events
        if event["type"] == "TaskStateExited" and event["stateExitedEventDetails"]["name"].startswith("Await")
    }
    return tuple(round(task_ends[f"Await{crawler}Crawl"] - ends[outputs[f"{crawler.lower()}_crawler_name"]], 1) for crawler in CRAWLERS)


def measure(machine: str, state_machine_arn: str, outputs: dict[str, Any], crawl_seconds: int, listener: tuple[Any, str] | None) -> Figures:
    crawl = CrawlPlan(running_seconds=crawl_seconds - 5, stopping_seconds=5)
    plan_crawls(outputs["raw_crawler_name"], [crawl])
    plan_crawls(outputs["cleansed_crawler_name"], [crawl])
    plan_job_runs(outputs["extract_job_name"], [JOB_RUN])
    plan_job_runs(outputs["cleanse_job_name"], [JOB_RUN])
    take_call_counts()
    started = time.monotonic()
    record = executions.run(state_machine_arn, {"run_id": RUN_ID}, f"{machine.replace(' ', '-')}-{crawl_seconds}s", timeout_seconds=1800)
    real_seconds = time.monotonic() - started
    calls = take_call_counts()
    lags = (
        event_lags(record, outputs, crawl_end_times(listener))
        if listener
        else tuple(float(seconds_waited_until_ready(record, crawler) - crawl_seconds) for crawler in CRAWLERS)
    )
    status_checks = sum(1 for state in record.states_entered if re.fullmatch(r"Get\w+CrawlerStatus|Check\w+CrawlAfterWait", state))
    return Figures(
        machine=machine,
        crawl_seconds=crawl_seconds,
        status=record.status,
        transitions=len(record.states_entered),
        lambda_invocations=calls.get("lambda:Invoke", 0),
        status_checks=status_checks,
        dynamodb_calls=sum(count for call, count in calls.items() if call.startswith("dynamodb:")),
        event_deliveries=calls.get("events:Delivery", 0),
        detection_lags=lags,
        real_seconds=real_seconds,
    )


def measure_workflow(outputs: dict[str, Any], crawl_seconds: int) -> Figures:
    """A run of the Glue workflow stack: no state machine, so nothing waits on the emulated clock;
    the benchmark moves it a second at a time until the run is COMPLETED. Its triggers fire as soon
    as what they watch ended: the lag is 0 here, Glue's own on AWS."""
    crawl = CrawlPlan(running_seconds=crawl_seconds - 5, stopping_seconds=5)
    plan_crawls(outputs["raw_crawler_name"], [crawl])
    plan_crawls(outputs["cleansed_crawler_name"], [crawl])
    for jobs in outputs["workflow_job_names"].values():
        for job in jobs.values():
            plan_job_runs(job, [JOB_RUN])
    glue = client("glue", region=stack_region(outputs))
    take_call_counts()
    started = time.monotonic()
    run_id = glue.start_workflow_run(Name=outputs["workflow_name"], RunProperties={"run_id": RUN_ID})["RunId"]
    while (run := glue.get_workflow_run(Name=outputs["workflow_name"], RunId=run_id)["Run"])["Status"] == "RUNNING":
        advance_time(1)
    real_seconds = time.monotonic() - started
    calls = take_call_counts()
    statistics = run["Statistics"]
    status = run["Status"] if statistics["SucceededActions"] == statistics["TotalActions"] else f"{run['Status']} with failures"
    return Figures(
        machine="glue workflow",
        crawl_seconds=crawl_seconds,
        status=status,
        transitions=0,
        lambda_invocations=calls.get("lambda:Invoke", 0),
        status_checks=0,
        dynamodb_calls=sum(count for call, count in calls.items() if call.startswith("dynamodb:")),
        event_deliveries=calls.get("events:Delivery", 0),
        detection_lags=(0.0, 0.0),
        real_seconds=real_seconds,
    )


def print_figures(results: list[Figures]) -> None:
    print(
        f"{'T s':>5} {'machine':>12} {'status':>9} {'transitions':>11} {'lambda calls':>12} {'status checks':>13} "
        f"{'dynamodb calls':>14} {'event deliveries':>16} {'lag s (raw, cleansed)':>20} {'real s':>7}"
    )
    for figures in results:
        lags = ", ".join(f"{lag:g}" for lag in figures.detection_lags)
        print(
            f"{figures.crawl_seconds:>5} {figures.machine:>12} {figures.status:>9} {figures.transitions:>11} "
            f"{figures.lambda_invocations:>12} {figures.status_checks:>13} {figures.dynamodb_calls:>14} "
            f"{figures.event_deliveries:>16} {lags:>20} {figures.real_seconds:>7.1f}"
        )
    by_key = {(figures.machine, figures.crawl_seconds): figures for figures in results}
    for crawl_seconds in sorted({figures.crawl_seconds for figures in results}):
        classic = by_key[("classic 5 s", crawl_seconds)]
        workflow = by_key[("glue workflow", crawl_seconds)]
        workflow_calls = f"{workflow.transitions} transitions, {workflow.lambda_invocations} Lambda calls"
        print(f"T = {crawl_seconds} s, glue workflow: {workflow_calls} ({workflow.status})")
        for machine in ("poll", "event"):
            module = by_key[(machine, crawl_seconds)]
            print(
                f"T = {crawl_seconds} s, {machine}: {classic.transitions / module.transitions:.1f}x fewer transitions, "
                f"{classic.lambda_invocations / module.lambda_invocations:.1f}x fewer Lambda calls than the fixed 5 s loop; "
                f"{module.status_checks} status checks; worst detection lag {max(module.detection_lags):g} s "
                f"(fixed loop: {max(classic.detection_lags):g} s)"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crawl-seconds", type=int, nargs="+", default=[60, 300, 900])
    arguments = parser.parse_args()
    with emulator.running_emulator(job_runs="planned") as endpoint, tempfile.TemporaryDirectory() as work_dir:
        stacks = {
            "poll": deploy(Path(work_dir) / "poll", endpoint, "bench", "poll"),
            "event": {**deploy(Path(work_dir) / "event", endpoint, "bench-ev", "event"), "bench_name_prefix": "bench-ev"},
            "glue workflow": deploy(Path(work_dir) / "workflow", endpoint, "bench-wf", "poll", orchestration="glue_workflow"),
        }
        for outputs in stacks.values():
            put_crawlable_files(outputs)
        listener = listen_to_crawl_ends(stacks["event"])
        machines = {
            "poll": (stacks["poll"]["state_machine_arn"], stacks["poll"], None),
            "event": (stacks["event"]["state_machine_arn"], stacks["event"], listener),
            "classic 5 s": (create_classic_machine(stacks["poll"]), stacks["poll"], None),
        }
        set_time_scale(TIME_SCALE, real_time_counts=False)
        results = [
            figures
            for crawl_seconds in arguments.crawl_seconds
            for figures in [
                *(
                    measure(machine, arn, outputs, crawl_seconds, machine_listener)
                    for machine, (arn, outputs, machine_listener) in machines.items()
                ),
                measure_workflow(stacks["glue workflow"], crawl_seconds),
            ]
        ]
    print_figures(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
