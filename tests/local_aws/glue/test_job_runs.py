"""Emulated Glue job runs report the states the real service does, follow the scenario's plan,
and can be executed for real by a pluggable executor."""

import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from local_aws.control import advance_time, plan_job_runs
from local_aws.emulator.core.clock import CLOCK
from local_aws.emulator.glue.job_runs import EmulatedJobRun, JobRunPlan, JobRunRequest, JobRunResult
from local_aws.emulator.stepfunctions.waits import SyncPollTime

JOB = "cleanse-customers"


@pytest.fixture
def glue(clean_emulator: str) -> Any:
    glue = client("glue")
    glue.create_job(
        Name=JOB,
        Role="arn:aws:iam::123456789012:role/glue",
        Command={"Name": "glueetl", "ScriptLocation": "s3://lake/scripts/cleanse_job.py"},
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
    JOB, "jr_1", "s3://lake/scripts/cleanse_job.py", {"--run_id": "r1"}, "arn:aws:iam::123456789012:role/glue", "eu-west-1", "5.0"
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
        raise FileNotFoundError("no such script: cleanse_job.py")

    run = EmulatedJobRun(JobRunPlan(starting_seconds=0), REQUEST, executor)

    assert wait_for_end(run) == "FAILED"
    assert run.error_message == "FileNotFoundError: no such script: cleanse_job.py"


def test_runs_started_at_once_all_start_as_a_map_over_tables_starts_them(glue: Any) -> None:
    # Under load, a start counting the job's active runs once met a run another start had added and
    # not yet registered (HTTP 500 to the state machine's cleanse job task): job_runs takes starts one at a time.
    shared_job = "cleanse-every-table"
    glue.create_job(
        Name=shared_job,
        Role="arn:aws:iam::123456789012:role/glue",
        Command={"Name": "glueetl", "ScriptLocation": "s3://lake/scripts/cleanse_job.py"},
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


@pytest.fixture
def sized_job(glue: Any) -> str:
    glue.create_job(
        Name="sized",
        Role="arn:aws:iam::123456789012:role/glue",
        Command={"Name": "glueetl", "ScriptLocation": "s3://lake/scripts/cleanse_job.py"},
        GlueVersion="5.0",
        WorkerType="G.1X",
        NumberOfWorkers=4,
    )
    return "sized"


def test_a_run_reports_its_jobs_glue_version_workers_and_log_group(glue: Any, sized_job: str) -> None:
    run_id = glue.start_job_run(JobName=sized_job)["JobRunId"]

    run = glue.get_job_run(JobName=sized_job, RunId=run_id)["JobRun"]
    assert (run["GlueVersion"], run["WorkerType"], run["NumberOfWorkers"], run["LogGroupName"]) == ("5.0", "G.1X", 4, "/aws-glue/jobs")


def test_a_run_reports_the_workers_it_was_started_with(glue: Any, sized_job: str) -> None:
    run_id = glue.start_job_run(JobName=sized_job, WorkerType="G.2X", NumberOfWorkers=10)["JobRunId"]

    (run,) = glue.get_job_runs(JobName=sized_job)["JobRuns"]
    assert (run["Id"], run["WorkerType"], run["NumberOfWorkers"]) == (run_id, "G.2X", 10)


def test_a_job_created_without_a_glue_version_gets_the_apis_default_6_0(glue: Any) -> None:
    run_id = glue.start_job_run(JobName=JOB)["JobRunId"]

    assert glue.get_job(JobName=JOB)["Job"]["GlueVersion"] == "6.0"
    assert job_run(glue, run_id)["GlueVersion"] == "6.0"


def test_a_run_is_started_and_completed_once_its_execution_time_in_whole_seconds(glue: Any) -> None:
    plan_job_runs(JOB, [JobRunPlan(starting_seconds=10, running_seconds=90.6)])
    run_id = glue.start_job_run(JobName=JOB)["JobRunId"]
    started = job_run(glue, run_id)
    assert "CompletedOn" not in started
    advance_time(50)
    running = job_run(glue, run_id)
    assert (running["JobRunState"], running["ExecutionTime"]) == ("RUNNING", 40)
    assert "CompletedOn" not in running

    advance_time(100)
    ended = job_run(glue, run_id)
    advance_time(600)
    read_later = job_run(glue, run_id)

    assert ended["JobRunState"] == "SUCCEEDED"
    assert ended["StartedOn"] == started["StartedOn"] == read_later["StartedOn"]
    assert ended["ExecutionTime"] == read_later["ExecutionTime"] == 90
    assert ended["CompletedOn"] == read_later["CompletedOn"] == ended["LastModifiedOn"]
    assert (ended["CompletedOn"] - ended["StartedOn"]).total_seconds() == pytest.approx(100.6, abs=0.01)


def test_an_executed_run_is_completed_when_its_executor_returns() -> None:
    release = threading.Event()

    def executor(request: JobRunRequest) -> JobRunResult:
        release.wait(5)
        return JobRunResult("SUCCEEDED")

    run = EmulatedJobRun(JobRunPlan(starting_seconds=0), REQUEST, executor)
    assert run.completed_on(run.status) is None
    time.sleep(0.3)
    release.set()
    status = wait_for_end(run)
    completed = run.completed_on(status)
    time.sleep(0.1)

    assert (status, run.glue_version) == ("SUCCEEDED", "5.0")
    assert completed is not None and run.completed_on(run.status) == completed
    assert (completed - run.started_on).total_seconds() >= 0.3


def test_a_sync_task_polling_an_executed_run_does_not_stretch_it() -> None:
    """A `.sync` task polls its job run every half second of real time; while the run executes for
    real, those polls must not move the clock faster than real time, or the run's ExecutionTime (and
    so its billed DPU-seconds) grows by 1/scale: 10 s here for 1 s of work."""
    release = threading.Event()

    def executor(request: JobRunRequest) -> JobRunResult:
        release.wait(5)
        return JobRunResult("SUCCEEDED")

    CLOCK.set_scale(0.1)
    try:
        run = EmulatedJobRun(JobRunPlan(starting_seconds=0), REQUEST, executor)
        for _ in range(10):
            SyncPollTime.sleep(0.1)
        release.set()
        status = wait_for_end(run)
    finally:
        CLOCK.reset()

    assert status == "SUCCEEDED"
    assert run.execution_seconds(status) < 3
