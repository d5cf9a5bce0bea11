"""Glue job runs that move through the states the real service reports, inside the emulator process.

moto moves a job run from STARTING to SUCCEEDED as soon as it is read. Here a run is STARTING,
then RUNNING, then ends SUCCEEDED, FAILED (with its ErrorMessage), TIMEOUT, ERROR or STOPPED,
on the emulated clock (`local_aws.emulator.core.clock`). What a run does while RUNNING is decided in one place:
by default it follows its `JobRunPlan` (a duration and an outcome chosen by a scenario); with a
`JobExecutor` installed, the run executes for real and ends as the executor reports, and what its
`Job.commit()` staged becomes its job's bookmark only if it succeeded (`local_aws.emulator.glue.job_bookmarks`).
A plan can also refuse the start itself, as Glue does with ConcurrentRunsExceededException.
Each run announces its end (`run_ends`) when it happens on the emulated clock.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from moto.glue.exceptions import GlueClientError
from moto.glue.models import FakeJob, FakeJobRun

from local_aws.emulator.core.clock import CLOCK
from local_aws.emulator.core.timers import TIMERS
from local_aws.emulator.glue import job_bookmarks
from local_aws.emulator.glue.plan_queues import PlanQueues, check_plan
from local_aws.emulator.glue.run_ends import JobRunEnded, announce
from local_aws.emulator.iam.service_roles import role_arn_of

TERMINAL_STATES = ("SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED")
# Where Glue sends a job run's logs, as GetJobRun names it: https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-runs.html
# ("This name can be /aws-glue/jobs/"; GetJobRun answers "/aws-glue/jobs", as the AWS CLI's get-job-run example shows).
# A security configuration encrypting CloudWatch Logs names the role and the configuration instead; not emulated.
JOB_RUN_LOG_GROUP = "/aws-glue/jobs"
# DPUs a worker of each type maps to: https://docs.aws.amazon.com/glue/latest/dg/worker-types.html
# (a Graviton form, G.1X.GRAVITON, as its x86 type).
DPUS_PER_WORKER = {
    **{"G.025X": 0.25, "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8, "G.12X": 12, "G.16X": 16},
    **{"R.1X": 1, "R.2X": 2, "R.4X": 4, "R.8X": 8},
}
# "Jobs that are created without specifying a Glue version default to Glue 6.0" (Glue API reference,
# CreateJob's GlueVersion, as botocore 1.44.5 ships it; https://docs.aws.amazon.com/glue/latest/webapi/API_CreateJob.html).
DEFAULT_GLUE_VERSION = "6.0"


@dataclass(frozen=True)
class JobRunPlan:
    starting_seconds: float = 1.0
    running_seconds: float = 5.0
    outcome: str = "SUCCEEDED"
    error_message: str | None = None
    start_error: str | None = None

    def __post_init__(self) -> None:
        check_plan("job run", self.outcome, TERMINAL_STATES, starting_seconds=self.starting_seconds, running_seconds=self.running_seconds)


@dataclass(frozen=True)
class JobRunRequest:
    job_name: str
    run_id: str
    script_location: str
    arguments: dict[str, str]
    role_arn: str
    region: str
    glue_version: str
    execution_class: str = "STANDARD"


@dataclass(frozen=True)
class JobRunResult:
    outcome: str
    error_message: str | None = None


JobExecutor = Callable[[JobRunRequest], JobRunResult]

_plans = PlanQueues(JobRunPlan)
_executor: JobExecutor | None = None
_on_job_created: Callable[[dict[str, str], str], None] | None = None


def plan_job_runs(job_name: str, plans: list[JobRunPlan]) -> None:
    """The next runs of `job_name` follow `plans` in order; later ones use JobRunPlan's defaults."""
    _plans.plan(job_name, plans)


def use_executor(executor: JobExecutor | None, on_job_created: Callable[[dict[str, str], str], None] | None = None) -> None:
    """Run every job for real with `executor` (None: back to plans); `on_job_created` hears of each
    job created from now on (its default arguments and Glue version), to get ready for its runs."""
    global _executor, _on_job_created
    _executor, _on_job_created = executor, on_job_created


def forget_plans() -> None:
    _plans.forget()


class EmulatedJobRun:
    def __init__(self, plan: JobRunPlan, request: JobRunRequest, executor: JobExecutor | None) -> None:
        self.plan = plan
        self.glue_version = request.glue_version
        self.execution_class = request.execution_class
        self._started_at = CLOCK.now()
        self.started_on = CLOCK.utcnow()
        self._running_from = self._started_at + plan.starting_seconds
        self._planned_end = self._running_from + plan.running_seconds
        self._result: JobRunResult | None = None
        self._ended_at: float | None = None
        self._executing = executor is not None
        self._request = request
        if executor is not None:
            # At work until it ends: the clock does not jump past real work (`core.timers`).
            TIMERS.in_background(lambda: self._execute(executor, request))
        else:
            TIMERS.at(self._planned_end, self._announce_end)

    def _announce_end(self) -> None:
        request, account = self._request, self._request.role_arn.split(":")[4]
        announce(JobRunEnded(request.job_name, request.run_id, self.status, self.error_message, request.arguments, account, request.region))

    def _execute(self, executor: JobExecutor, request: JobRunRequest) -> None:
        try:
            result = executor(request)
        except Exception as error:  # the executor's own failure is the run's failure, as on Glue
            result = JobRunResult("FAILED", f"{type(error).__name__}: {error}")
        # Before the run reports its end, so that the next run already reads what this one committed.
        job_bookmarks.settle(request.run_id, succeeded=result.outcome == "SUCCEEDED")
        self._ended_at = CLOCK.now()
        self._result = result
        self._announce_end()

    @property
    def status(self) -> str:
        if self._result is None and not self._executing and CLOCK.now() >= self._planned_end:
            self._result = JobRunResult(self.plan.outcome, self.plan.error_message)
            self._ended_at = self._planned_end
        if self._result is not None:
            return self._result.outcome
        return "STARTING" if CLOCK.now() < self._running_from else "RUNNING"

    @property
    def error_message(self) -> str | None:
        return self._result.error_message if self._result else None

    def _on_clock(self, emulated: float) -> datetime:
        return self.started_on + timedelta(seconds=emulated - self._started_at)

    def completed_on(self, status: str) -> datetime | None:
        """When a run in `status` (its state as read) ended: fixed from then on, as Glue reports it."""
        return self._on_clock(self._ended_at) if status in TERMINAL_STATES and self._ended_at is not None else None

    def last_modified_on(self, status: str) -> datetime:
        """When a run in `status` last changed state."""
        if (completed := self.completed_on(status)) is not None:
            return completed
        return self.started_on if status == "STARTING" else self._on_clock(self._running_from)

    def execution_seconds(self, status: str) -> int:
        """Whole seconds a run in `status` has been RUNNING (all of them once it has ended)."""
        end = self._ended_at if status in TERMINAL_STATES and self._ended_at is not None else CLOCK.now()
        return max(int(end - self._running_from), 0)


# Emulated runs are kept beside moto's job run objects, and vanish with them on reset.
_runs: "WeakKeyDictionary[FakeJobRun, EmulatedJobRun]" = WeakKeyDictionary()
_moto_job_init = FakeJob.__init__
_moto_start_job_run = FakeJob.start_job_run
_moto_job_run_as_dict = FakeJobRun.as_dict


def _job_init(self: FakeJob, *args: Any, **kwargs: Any) -> None:
    _moto_job_init(self, *args, **kwargs)
    self.glue_version = self.glue_version or DEFAULT_GLUE_VERSION
    if _on_job_created is not None:
        _on_job_created(dict(self.default_arguments or {}), self.glue_version)


# A Map state starts a run per table at once: moto's StartJobRun counts the job's active runs (their
# status) while another request may have added its run and not yet registered it here. Starts are
# taken one at a time, and a run seen before it is registered reads STARTING, as a run just
# started reads on Glue.
_starting = threading.Lock()


def _start_job_run(self: FakeJob, **kwargs: Any) -> str:
    plan = _plans.next(self.name)
    if plan.start_error:
        raise GlueClientError(plan.start_error, f"Job {self.name}: {plan.start_error} (planned by the scenario)")
    with _starting:
        run_id = _moto_start_job_run(self, **kwargs)
        job_run = next(run for run in self.job_runs if run.job_run_id == run_id)
        script_location = self.command.get("ScriptLocation", "") if isinstance(self.command, dict) else ""
        request = JobRunRequest(
            self.name,
            run_id,
            script_location,
            dict(job_run.arguments or {}),
            role_arn_of(self.role, self.backend),
            self.backend.region_name,
            self.glue_version,
            self.execution_class or "STANDARD",
        )
        _runs[job_run] = EmulatedJobRun(plan, request, _executor)
    return run_id


def _job_run_status(self: FakeJobRun) -> str:
    run = _runs.get(self)
    return run.status if run is not None else "STARTING"


def _job_run_as_dict(self: FakeJobRun) -> dict[str, Any]:
    described = _moto_job_run_as_dict(self)
    run = _runs.get(self)
    if run is None:
        return described
    # WorkerType and NumberOfWorkers are moto's: the run's own, else its job's.
    status = described["JobRunState"] = run.status  # read once: every time below is of this state
    described["StartedOn"] = run.started_on
    described["ExecutionTime"] = run.execution_seconds(status)
    described["LastModifiedOn"] = run.last_modified_on(status)
    described["LogGroupName"] = JOB_RUN_LOG_GROUP
    described["GlueVersion"] = run.glue_version
    completed_on = run.completed_on(status)
    if completed_on is not None:
        described["CompletedOn"] = completed_on
    else:
        described.pop("CompletedOn", None)
    if run.error_message:
        described["ErrorMessage"] = run.error_message
    # moto's runs have no ExecutionClass: a run takes its job's (the pipeline's runs do not set their own).
    described["ExecutionClass"] = run.execution_class
    dpu_seconds = _dpu_seconds(described, completed_on is not None)
    if dpu_seconds is not None:
        described["DPUSeconds"] = dpu_seconds
    return described


def _dpu_seconds(described: dict[str, Any], ended: bool) -> float | None:
    """DPUSeconds "can be set for either job runs with execution class FLEX or when Auto Scaling is
    enabled": "the total time each executor ran ... multiplied by a DPU factor"
    (https://docs.aws.amazon.com/glue/latest/webapi/API_JobRun.html). An emulated run keeps all its
    workers for its whole ExecutionTime, so it reports ExecutionTime x its DPUs, once it has ended."""
    auto_scaling = (described.get("Arguments") or {}).get("--enable-auto-scaling") == "true"
    if not ended or not (described["ExecutionClass"] == "FLEX" or auto_scaling):
        return None
    per_worker = DPUS_PER_WORKER.get(str(described.get("WorkerType") or "").removesuffix(".GRAVITON"))
    if per_worker is None or not described.get("NumberOfWorkers"):
        return None
    return float(described["ExecutionTime"] * per_worker * described["NumberOfWorkers"])


JOB_RUN_BEHAVIOUR: list[tuple[type, str, Any]] = [
    (FakeJob, "__init__", _job_init),
    (FakeJob, "start_job_run", _start_job_run),
    (FakeJobRun, "status", property(_job_run_status)),
    (FakeJobRun, "as_dict", _job_run_as_dict),
    *job_bookmarks.JOB_BOOKMARK_API,
]


def emulate_job_runs() -> None:
    """Replace moto's job run behaviour with JOB_RUN_BEHAVIOUR, and add the job bookmarks runs commit;
    call once in the emulator process."""
    for owner, attribute, replacement in JOB_RUN_BEHAVIOUR:
        setattr(owner, attribute, replacement)
