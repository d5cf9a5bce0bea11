"""The billing rules the run report prices a run with (lambdas/run_cost.py): what AWS bills a job
run, a crawl, a state transition and a Lambda invocation for, from what AWS reports of them."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from run_cost import ExecutionUsage, Prices, crawl_cost, execution_usage, job_run_cost, run_cost

PRICES = Prices()
START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def job_run(**fields: Any) -> dict[str, Any]:
    return {"WorkerType": "G.1X", "NumberOfWorkers": 2, "ExecutionClass": "STANDARD", **fields}


def test_a_standard_run_shorter_than_a_minute_is_billed_a_minute_of_its_workers() -> None:
    cost = job_run_cost(job_run(ExecutionTime=20), PRICES)

    assert cost["dpu_seconds"] == 60 * 2
    assert cost["usd"] == round(120 / 3600 * 0.44, 8)


def test_a_longer_run_is_billed_its_execution_time_times_its_workers_dpus() -> None:
    cost = job_run_cost(job_run(ExecutionTime=300, WorkerType="G.2X", NumberOfWorkers=5), PRICES)

    assert cost["dpu_seconds"] == 300 * 5 * 2
    assert cost["basis"] == "max(ExecutionTime, 60 s) x 10 DPUs"


def test_a_graviton_worker_counts_the_dpus_of_its_x86_type() -> None:
    assert job_run_cost(job_run(ExecutionTime=100, WorkerType="G.4X.GRAVITON"), PRICES)["dpu_seconds"] == 100 * 4 * 2


def test_glues_dpu_seconds_are_preferred_and_a_flex_run_is_priced_at_flex() -> None:
    # Auto scaling and Flex runs report DPUSeconds, which can be less than ExecutionTime x capacity.
    cost = job_run_cost(job_run(ExecutionTime=600, DPUSeconds=700.0, ExecutionClass="FLEX"), PRICES)

    assert (cost["dpu_seconds"], cost["basis"], cost["execution_class"]) == (700.0, "DPUSeconds", "FLEX")
    assert cost["usd"] == round(700 / 3600 * 0.29, 8)


def test_dpu_seconds_of_a_run_shorter_than_a_minute_are_scaled_to_the_minute() -> None:
    assert job_run_cost(job_run(ExecutionTime=30, DPUSeconds=45.0), PRICES)["dpu_seconds"] == 90.0


def test_a_flex_run_that_ended_within_a_second_is_billed_a_minute_of_its_workers() -> None:
    cost = job_run_cost(job_run(ExecutionTime=0, DPUSeconds=0.0, ExecutionClass="FLEX"), PRICES)

    assert cost["dpu_seconds"] == 60 * 2
    assert cost["usd"] == round(120 / 3600 * 0.29, 8)


def test_a_run_whose_capacity_glue_does_not_give_is_null_with_a_reason() -> None:
    cost = job_run_cost({"ExecutionTime": 100}, PRICES)

    assert (cost["dpu_seconds"], cost["usd"]) == (None, None)
    assert "neither DPUSeconds" in cost["reason"]


def crawl(seconds: float, dpu_hour: float) -> dict[str, Any]:
    return {"CrawlId": "c1", "State": "COMPLETED", "StartTime": START, "EndTime": START + timedelta(seconds=seconds), "DPUHour": dpu_hour}


def test_a_crawl_shorter_than_ten_minutes_is_billed_ten_minutes_of_its_dpus() -> None:
    # 90 s at 2 DPUs: 0.05 DPU-hours used, 10 minutes of 2 DPUs billed.
    cost = crawl_cost("raw", crawl(90, 0.05), PRICES)

    assert cost["dpu_hours"] == pytest.approx(2 * 600 / 3600)
    assert cost["usd"] == round(2 * 600 / 3600 * 0.44, 8)


def test_a_crawl_longer_than_ten_minutes_is_billed_its_dpu_hours() -> None:
    assert crawl_cost("raw", crawl(1800, 1.0), PRICES)["dpu_hours"] == 1.0


def test_a_crawl_without_dpu_hours_is_null_with_a_reason() -> None:
    cost = crawl_cost("raw", {**crawl(90, 0), "DPUHour": None}, PRICES)

    assert (cost["dpu_hours"], cost["usd"]) == (None, None) and "DPUHour" in cost["reason"]


def event(event_id: int, kind: str, seconds: float, previous: int = 0, **details: Any) -> dict[str, Any]:
    return {"id": event_id, "type": kind, "timestamp": START + timedelta(seconds=seconds), "previousEventId": previous, **details}


def lambda_started(event_id: int, seconds: float, resource: str = "invoke") -> dict[str, Any]:
    return event(event_id, "TaskStarted", seconds, event_id - 1, taskStartedEventDetails={"resourceType": "lambda", "resource": resource})


def test_the_history_gives_transitions_with_retries_and_lambda_seconds() -> None:
    events = [
        event(1, "ExecutionStarted", 0),
        event(2, "TaskStateEntered", 0),
        event(3, "TaskScheduled", 0),
        lambda_started(4, 0.1),
        event(5, "TaskFailed", 0.35, 4),
        event(6, "TaskScheduled", 2),  # a retry: one more transition
        lambda_started(7, 2.1),
        event(8, "TaskSucceeded", 2.2004, 7),
        event(9, "TaskStateExited", 2.3),
        event(10, "ChoiceStateEntered", 2.3),
        event(11, "TaskStateEntered", 2.4),
        event(12, "TaskScheduled", 2.4),
        lambda_started(13, 2.5, "invoke.waitForTaskToken"),
        event(14, "TaskSucceeded", 300, 13),  # the token's answer: not the function's length
    ]

    usage = execution_usage(events)

    assert usage == ExecutionUsage(state_transitions=4, lambda_requests=3, lambda_seconds=0.351, lambda_unmeasured=1)


def test_a_job_run_still_running_is_not_priced() -> None:
    cost = job_run_cost(job_run(ExecutionTime=0, JobRunState="RUNNING"), PRICES)

    assert (cost["dpu_seconds"], cost["usd"]) == (None, None)
    assert cost["reason"] == "the job run is RUNNING: its bill is not known until it ends"


def test_the_reports_own_invocation_is_counted_once() -> None:
    events = [
        event(1, "ExecutionStarted", 0),
        event(2, "TaskStateEntered", 0),
        event(3, "TaskScheduled", 0),
        lambda_started(4, 0.1),  # ReportRun's, still running as it reads the history
    ]
    usage = execution_usage(events)

    cost = run_cost({}, [], usage, report_seconds=0.5, status="succeeded", lambda_memory_mb=128, prices=PRICES)

    assert (usage.lambda_in_progress, cost["lambda_requests"]) == (1, 1)
    assert cost["lambda_gb_seconds"] == 0.5 * 128 / 1024


def test_the_runs_cost_is_the_sum_of_its_items_and_names_what_it_could_not_price() -> None:
    tables = {
        "customers": {
            "extract_job": job_run_cost(job_run(ExecutionTime=90), PRICES),
            "cleanse_job": job_run_cost(job_run(ExecutionTime=30), PRICES),
        },
        "orders": {"extract_job": {"dpu_seconds": None, "usd": None, "reason": "GetJobRun of x run jr_1 failed: AccessDeniedException"}},
    }
    crawls = [crawl_cost("raw", crawl(90, 0.025), PRICES)]
    usage = ExecutionUsage(state_transitions=40, lambda_requests=5, lambda_seconds=2.0, lambda_unmeasured=0)

    cost = run_cost(tables, crawls, usage, report_seconds=0.5, status="succeeded", lambda_memory_mb=128, prices=PRICES)

    assert cost["glue_job_dpu_seconds"] == 90 * 2 + 60 * 2
    assert cost["state_transitions"] == 42  # and the two after the report: DidEveryTableSucceed, RunSucceeded
    assert (cost["lambda_requests"], cost["lambda_gb_seconds"]) == (6, 2.5 * 128 / 1024)
    assert cost["usd_by_item"]["glue_jobs"] == pytest.approx(300 / 3600 * 0.44, abs=1e-8)
    assert cost["usd_by_item"]["crawls"] == crawls[0]["usd"]
    assert cost["estimated_usd"] == pytest.approx(sum(cost["usd_by_item"].values()), abs=1e-8)
    assert cost["not_included"] == ["orders extract_job: GetJobRun of x run jr_1 failed: AccessDeniedException"]


def test_the_prices_defaults_are_the_modules() -> None:
    variables = (Path(__file__).resolve().parents[2] / "variables.tf").read_text()
    block = variables[variables.index('variable "prices"') :]
    defaults = dict(re.findall(r"(\w+)\s*=\s*optional\(number, ([0-9.]+)\)", block[: block.index("default  = {}")]))

    assert {key: float(value) for key, value in defaults.items()} == Prices().as_dict()
