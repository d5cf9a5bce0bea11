"""What a run is billed for, and what that costs: the billed units of each Glue job run, crawl,
Step Functions state transition and Lambda invocation, from what AWS reports of them (GetJobRun,
ListCrawls, the execution's history), priced with the pipeline's `prices` (per region: the module's
defaults are AWS's published us-east-1 list prices). Free tiers, Data Catalog requests and storage,
S3, CloudWatch and data transfer are not counted. The report Lambda (report_run.py) calls these;
the benchmark (benchmarks/bench_cost.py) prices a run's floors with them."""

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

# A Glue job run is billed per second with a 1-minute minimum (Glue 2.0 and later; the module runs
# 5.0 and later): https://aws.amazon.com/glue/pricing/ ("billed per second ... 1-minute minimum").
JOB_MINIMUM_SECONDS = 60
# A crawler run is billed per second with a 10-minute minimum: https://aws.amazon.com/glue/pricing/.
CRAWL_MINIMUM_SECONDS = 600
# DPUs a worker of each type maps to: https://docs.aws.amazon.com/glue/latest/dg/worker-types.html
# (G.1X 1 DPU, G.2X 2, G.4X 4, G.8X 8, G.12X 12, G.16X 16; R.nX n M-DPUs, priced as the region lists
# M-DPU-hours: glue_dpu_hour is the price of the worker type the pipeline runs). A Graviton form
# (G.1X.GRAVITON, Glue 6.1) maps to the DPUs of its x86 type.
DPUS_PER_WORKER = {
    "G.025X": 0.25,
    "G.1X": 1.0,
    "G.2X": 2.0,
    "G.4X": 4.0,
    "G.8X": 8.0,
    "G.12X": 12.0,
    "G.16X": 16.0,
    "R.1X": 1.0,
    "R.2X": 2.0,
    "R.4X": 4.0,
    "R.8X": 8.0,
}
# The transitions a run still makes once ReportRun has returned (state_machine.asl.json):
# DidEveryTableSucceed -> RunSucceeded, or RecordTableFailures -> NotifyFailure -> PipelineFailed.
TRANSITIONS_AFTER_REPORT = {"succeeded": 2, "failed": 3}


@dataclass(frozen=True)
class Prices:
    """USD per unit; the module's `prices` variable (lambda.tf passes it as PRICES)."""

    glue_dpu_hour: float = 0.44  # https://aws.amazon.com/glue/pricing/ (standard execution, us-east-1)
    glue_flex_dpu_hour: float = 0.29  # https://aws.amazon.com/glue/pricing/ (Flex execution, us-east-1)
    crawler_dpu_hour: float = 0.44  # https://aws.amazon.com/glue/pricing/ (crawlers, us-east-1)
    state_transition: float = 0.000025  # https://aws.amazon.com/step-functions/pricing/ ($0.025 per 1,000, us-east-1)
    lambda_gb_second: float = 0.0000133334  # https://aws.amazon.com/lambda/pricing/ (Arm, the functions' architecture, us-east-1)
    lambda_request: float = 0.0000002  # https://aws.amazon.com/lambda/pricing/ ($0.20 per 1M requests)

    @classmethod
    def from_json(cls, text: str) -> "Prices":
        return cls(**{key: float(value) for key, value in json.loads(text).items()})

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def usd(amount: float) -> float:
    """Dollars to 10^-8: a run's smallest items (a request, $0.0000002) are fractions of a cent."""
    return round(amount, 8)


def job_run_dpus(job_run: Mapping[str, Any]) -> float | None:
    """The DPUs a job run was allocated: its workers x each worker's DPUs, else its MaxCapacity."""
    worker_type = str(job_run.get("WorkerType") or "").removesuffix(".GRAVITON")
    if worker_type in DPUS_PER_WORKER and job_run.get("NumberOfWorkers"):
        return DPUS_PER_WORKER[worker_type] * float(job_run["NumberOfWorkers"])
    capacity = job_run.get("MaxCapacity")
    return float(capacity) if capacity else None


# A job run's states once it has ended (https://docs.aws.amazon.com/glue/latest/dg/job-run-statuses.html).
ENDED_JOB_RUN_STATES = {"SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR", "EXPIRED"}


def job_run_cost(job_run: Mapping[str, Any], prices: Prices) -> dict[str, Any]:
    """A job run's billed DPU-seconds and price, from GetJobRun's JobRun.

    Glue reports DPUSeconds for Flex runs and auto scaling runs: "the total time each executor ran
    ... multiplied by a DPU factor", which can be less than ExecutionTime x capacity
    (https://docs.aws.amazon.com/glue/latest/webapi/API_JobRun.html); it is used when present. A run
    shorter than the minute is billed a minute: its DPU-seconds scaled to 60 seconds. Otherwise the
    run is billed max(ExecutionTime, 60 s) x its DPUs."""
    execution_seconds = int(job_run.get("ExecutionTime") or 0)
    flex = job_run.get("ExecutionClass") == "FLEX"
    cost: dict[str, Any] = {"execution_seconds": execution_seconds, "execution_class": "FLEX" if flex else "STANDARD"}
    state = job_run.get("JobRunState")
    if state is not None and state not in ENDED_JOB_RUN_STATES:
        return {**cost, "dpu_seconds": None, "usd": None, "reason": f"the job run is {state}: its bill is not known until it ends"}
    if job_run.get("DPUSeconds") is not None and execution_seconds > 0:
        dpu_seconds = float(job_run["DPUSeconds"])
        if execution_seconds < JOB_MINIMUM_SECONDS:
            dpu_seconds = dpu_seconds * JOB_MINIMUM_SECONDS / execution_seconds
        cost["basis"] = "DPUSeconds"
    else:  # also a run that ended within its first second, whose DPUSeconds say nothing of its minute
        dpus = job_run_dpus(job_run)
        if dpus is None:
            return {**cost, "dpu_seconds": None, "usd": None, "reason": "GetJobRun gives neither DPUSeconds, workers nor MaxCapacity"}
        dpu_seconds = max(execution_seconds, JOB_MINIMUM_SECONDS) * dpus
        cost["basis"] = f"max(ExecutionTime, {JOB_MINIMUM_SECONDS} s) x {dpus:g} DPUs"
    price = prices.glue_flex_dpu_hour if flex else prices.glue_dpu_hour
    return {**cost, "dpu_seconds": round(dpu_seconds, 3), "usd": usd(dpu_seconds / 3600 * price)}


def crawl_cost(crawler: str, crawl: Mapping[str, Any], prices: Prices) -> dict[str, Any]:
    """A crawl's billed DPU-hours and price, from ListCrawls' CrawlerHistory: its DPUHour
    (https://docs.aws.amazon.com/glue/latest/webapi/API_CrawlerHistory.html) over its length gives
    the DPUs it ran with, billed for at least 10 minutes."""
    seconds = _seconds_between(crawl.get("StartTime"), crawl.get("EndTime"))
    entry: dict[str, Any] = {"crawler": crawler, "crawl_id": crawl.get("CrawlId"), "state": crawl.get("State"), "seconds": seconds}
    if crawl.get("DPUHour") is None or seconds is None:
        return {**entry, "dpu_hours": None, "usd": None, "reason": "ListCrawls gives no DPUHour, or no end, for this crawl"}
    dpu_hours = float(crawl["DPUHour"])
    if 0 < seconds < CRAWL_MINIMUM_SECONDS:
        dpu_hours = dpu_hours * CRAWL_MINIMUM_SECONDS / seconds
    return {**entry, "dpu_hours": round(dpu_hours, 6), "usd": usd(dpu_hours * prices.crawler_dpu_hour)}


def _seconds_between(start: Any, end: Any) -> float | None:
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    return round((end - start).total_seconds(), 3)


@dataclass(frozen=True)
class ExecutionUsage:
    """What an execution's history says it was billed for so far."""

    state_transitions: int
    lambda_requests: int
    lambda_seconds: float
    # Lambda invocations whose length the history does not give (a task that waits for a token
    # lasts until the token comes back, not as long as the function ran).
    lambda_unmeasured: int
    # Lambda invocations started and not yet ended (the report's own, while it reads the history).
    lambda_in_progress: int = 0


def execution_usage(events: Iterable[Mapping[str, Any]]) -> ExecutionUsage:
    """State transitions and Lambda use from an execution's history (GetExecutionHistory's events).

    Step Functions counts "a state transition each time a step of your workflow is executed ...
    including retries" (https://aws.amazon.com/step-functions/pricing/): each state entered, and
    each task attempt after a state's first. Lambda bills each request and its duration rounded up
    to the millisecond (https://aws.amazon.com/lambda/pricing/); the duration here is the task's,
    from TaskStarted to its end, which includes the invocation's overhead (an upper bound)."""
    transitions = requests = unmeasured = 0
    seconds = 0.0
    started: dict[int, tuple[datetime, str]] = {}
    task_states_entered = task_attempts = 0
    for event in events:
        kind = str(event["type"])
        if kind.endswith("StateEntered"):
            transitions += 1
            task_states_entered += kind == "TaskStateEntered"
        elif kind == "TaskScheduled":
            task_attempts += 1
        elif kind == "TaskStarted" and event.get("taskStartedEventDetails", {}).get("resourceType") == "lambda":
            requests += 1
            resource = str(event["taskStartedEventDetails"].get("resource", ""))
            started[int(event["id"])] = (event["timestamp"], resource)
        elif kind in {"TaskSucceeded", "TaskFailed", "TaskTimedOut"} and int(event.get("previousEventId", 0)) in started:
            begun, resource = started.pop(int(event["previousEventId"]))
            if resource.endswith("waitForTaskToken"):
                unmeasured += 1
            else:
                seconds += math.ceil((event["timestamp"] - begun).total_seconds() * 1000) / 1000
    waiting = sum(1 for _, resource in started.values() if resource.endswith("waitForTaskToken"))
    retries = max(task_attempts - task_states_entered, 0)
    return ExecutionUsage(transitions + retries, requests, round(seconds, 3), unmeasured + waiting, len(started) - waiting)


def run_cost(
    table_costs: Mapping[str, Mapping[str, Any]],
    crawls: list[dict[str, Any]],
    usage: ExecutionUsage,
    report_seconds: float,
    status: str,
    lambda_memory_mb: int,
    prices: Prices,
) -> dict[str, Any]:
    """The run's cost: each item's billed units and price, and their sum. An item that cannot be
    known (a job run GetJobRun refuses, a crawl without DPUHour) counts nothing and is named, with
    its reason, in `not_included`: never a made-up number."""
    not_included: list[str] = []
    job_usd = 0.0
    job_dpu_seconds = 0.0
    for table, jobs in table_costs.items():
        for job, cost in jobs.items():
            if cost.get("usd") is None:
                not_included.append(f"{table} {job}: {cost.get('reason')}")
                continue
            job_usd += cost["usd"]
            job_dpu_seconds += cost["dpu_seconds"]
    crawl_usd = 0.0
    for crawl in crawls:
        if crawl.get("usd") is None:
            not_included.append(f"crawls of {crawl['crawler']}: {crawl.get('reason')}")
            continue
        crawl_usd += crawl["usd"]
    # The report's own invocation is in progress, with its length so far. Step Functions records its
    # TaskStarted when the invocation starts, so the history already counts its request; a history
    # without it (the report run by hand) gets it here.
    transitions = usage.state_transitions + TRANSITIONS_AFTER_REPORT[status]
    requests = usage.lambda_requests + (0 if usage.lambda_in_progress else 1)
    gb_seconds = (usage.lambda_seconds + math.ceil(report_seconds * 1000) / 1000) * lambda_memory_mb / 1024
    if usage.lambda_unmeasured:
        not_included.append(
            f"the duration of {usage.lambda_unmeasured} Lambda invocations that wait for a task token (their requests are counted)"
        )
    usd_by_item = {
        "glue_jobs": usd(job_usd),
        "crawls": usd(crawl_usd),
        "state_transitions": usd(transitions * prices.state_transition),
        "lambda_requests": usd(requests * prices.lambda_request),
        "lambda_duration": usd(gb_seconds * prices.lambda_gb_second),
    }
    return {
        "estimated_usd": usd(sum(usd_by_item.values())),
        "glue_job_dpu_seconds": round(job_dpu_seconds, 3),
        "crawls": crawls,
        "state_transitions": transitions,
        "lambda_requests": requests,
        "lambda_gb_seconds": round(gb_seconds, 6),
        "usd_by_item": usd_by_item,
        "not_included": not_included,
        "prices": prices.as_dict(),
    }
