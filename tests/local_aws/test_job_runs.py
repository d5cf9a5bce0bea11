"""Emulated Glue job runs report the states the real service does, follow the scenario's plan,
and can be executed for real by a pluggable executor."""

import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from local_aws.control import advance_time, plan_job_runs
from local_aws.emulator.glue.job_runs import EmulatedJobRun, JobRunPlan, JobRunRequest, JobRunResult

JOB = "cleanse-customers"


@pytest.fixture
def glue(clean_emulator: str) -> Any:
    glue = client("glue")
    glue.create_job(
        Name=JOB,
        Role="arn:aws:iam::123456789012:role/glue",
        Command={"Name": "glueetl", "ScriptLocation": "s3://lake/scripts/cleanse_to_parquet.py"},
        DefaultArguments={"--run_id": "manual"},
    )
    return glue


def job_run(glue: Any, run_id: str) -> dict[str, Any]:
    run: dict[str, Any] = glue.get_job_run(JobName=JOB, RunId=run_id)["JobRun"]
    return run


def test_a_run_starts_runs_and_succeeds_as_time_passes(glue: Any) -> None:
    plan_job_runs(JOB, [JobRunPlan(starting_seconds=30, running_seconds=300)])
    run_id = glue.start_job_run(JobName=JOB, Arguments={"--run_id": "r1"})["JobRunId"]

    states = [job_run(glue, run_id)["JobRunState"]]
    for seconds in (30, 299, 1):
        advance_time(seconds)
        states.append(job_run(glue, run_id)["JobRunState"])

    assert states == ["STARTING", "RUNNING", "RUNNING", "SUCCEEDED"]
    finished = job_run(glue, run_id)
    assert finished["ExecutionTime"] == 300
    assert finished["Arguments"]["--run_id"] == "r1"
    assert "ErrorMessage" not in finished


def test_a_failed_run_reports_its_error_message(glue: Any) -> None:
    plan_job_runs(JOB, [JobRunPlan(running_seconds=10, outcome="FAILED", error_message="AnalysisException: Path does not exist")])
    run_id = glue.start_job_run(JobName=JOB)["JobRunId"]
    advance_time(11)

    finished = job_run(glue, run_id)
    assert (finished["JobRunState"], finished["ErrorMessage"]) == ("FAILED", "AnalysisException: Path does not exist")


def test_a_planned_start_error_refuses_the_start_and_the_next_start_works(glue: Any) -> None:
    plan_job_runs(JOB, [JobRunPlan(start_error="ConcurrentRunsExceededException"), JobRunPlan()])

    with pytest.raises(ClientError) as refused:
        glue.start_job_run(JobName=JOB)
    assert refused.value.response["Error"]["Code"] == "ConcurrentRunsExceededException"
    assert glue.get_job_runs(JobName=JOB)["JobRuns"] == []
    assert glue.start_job_run(JobName=JOB)["JobRunId"]


def test_a_second_start_while_running_exceeds_the_concurrency_limit(glue: Any) -> None:
    plan_job_runs(JOB, [JobRunPlan(running_seconds=600)])
    glue.start_job_run(JobName=JOB)

    with pytest.raises(glue.exceptions.ConcurrentRunsExceededException):
        glue.start_job_run(JobName=JOB)


def test_impossible_plans_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="A job run ends SUCCEEDED, FAILED, TIMEOUT, ERROR, STOPPED, not 'COMPLETED'"):
        JobRunPlan(outcome="COMPLETED")
    with pytest.raises(ValueError, match=r"^running_seconds cannot be negative"):
        JobRunPlan(running_seconds=-1)


REQUEST = JobRunRequest(
    JOB, "jr_1", "s3://lake/scripts/cleanse_to_parquet.py", {"--run_id": "r1"}, "arn:aws:iam::123456789012:role/glue", "eu-west-1"
)


def wait_for_end(run: EmulatedJobRun) -> str:
    deadline = time.monotonic() + 5
    while run.status in ("STARTING", "RUNNING"):
        assert time.monotonic() < deadline, "the executed run never ended"
        time.sleep(0.01)
    return run.status


def test_an_executor_decides_how_long_a_run_lasts_and_how_it_ends() -> None:
    release = threading.Event()
    seen: list[JobRunRequest] = []

    def executor(request: JobRunRequest) -> JobRunResult:
        seen.append(request)
        release.wait(5)
        return JobRunResult("FAILED", "job exited with 2: --run_id 'a b' must be ...")

    run = EmulatedJobRun(JobRunPlan(starting_seconds=0, running_seconds=0), REQUEST, executor)
    time.sleep(0.05)
    assert run.status == "RUNNING"
    release.set()

    assert wait_for_end(run) == "FAILED"
    assert run.error_message == "job exited with 2: --run_id 'a b' must be ..."
    assert seen == [REQUEST]


def test_an_executor_that_raises_fails_the_run_with_its_error() -> None:
    def executor(request: JobRunRequest) -> JobRunResult:
        raise FileNotFoundError("no such script: cleanse_to_parquet.py")

    run = EmulatedJobRun(JobRunPlan(starting_seconds=0), REQUEST, executor)

    assert wait_for_end(run) == "FAILED"
    assert run.error_message == "FileNotFoundError: no such script: cleanse_to_parquet.py"


def test_runs_started_at_once_all_start_as_a_map_over_tables_starts_them(glue: Any) -> None:
    # Under load, a start counting the job's active runs once met a run another start had added and
    # not yet registered (HTTP 500 to the state machine's job2 task): job_runs takes starts one at a time.
    shared_job = "cleanse-every-table"
    glue.create_job(
        Name=shared_job,
        Role="arn:aws:iam::123456789012:role/glue",
        Command={"Name": "glueetl", "ScriptLocation": "s3://lake/scripts/cleanse_to_parquet.py"},
        ExecutionProperty={"MaxConcurrentRuns": 40},
    )
    started: list[str] = []
    errors: list[Exception] = []

    def start(table: int) -> None:
        try:
            # One client per thread, as each of a Map's iterations calls on its own.
            started.append(client("glue").start_job_run(JobName=shared_job, Arguments={"--table": str(table)})["JobRunId"])
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=start, args=(table,)) for table in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    runs = glue.get_job_runs(JobName=shared_job, MaxResults=200)["JobRuns"]
    assert sorted(run["Id"] for run in runs) == sorted(started) and len(started) == 30
