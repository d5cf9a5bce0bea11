"""Glue workflow runs that run: moto records a run and never starts anything. Here StartWorkflowRun
fires the workflow's ON_DEMAND trigger, each action starting a job run (with the arguments
--WORKFLOW_NAME and --WORKFLOW_RUN_ID Glue adds) or a crawl, and each activated CONDITIONAL
trigger of the workflow fires once in the run when its predicate holds, as runs and crawls of the
run end (`run_ends`). The run is COMPLETED once nothing it started is running and no trigger is left
to fire, whatever its actions ended in: failures show in its Statistics only
(https://docs.aws.amazon.com/glue/latest/dg/workflows_overview.html, API_WorkflowRunStatistics).

A condition on a job (or crawler) holds when a run of it (a crawl) in this workflow run ended in the
state the condition names: Glue does not document a job run several times in one workflow run, so
the module gives each table its own jobs in this mode. Scheduled and event triggers are not fired
by the emulation (the module starts its workflow on demand).
"""

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from moto.glue.models import FakeTrigger, FakeWorkflowRun, GlueBackend

from local_aws.emulator.core.clock import CLOCK
from local_aws.emulator.glue.run_ends import JobRunEnded, RunEnded

# Statistics counters of each way an action can end (API_WorkflowRunStatistics).
ENDED_AS = {
    "SUCCEEDED": "SucceededActions",
    "FAILED": "FailedActions",
    "TIMEOUT": "TimeoutActions",
    "STOPPED": "StoppedActions",
    "CANCELLED": "StoppedActions",
    "ERROR": "ErroredActions",
}


@dataclass
class RunProgress:
    """What a workflow run started and how each of its actions ended."""

    backend: GlueBackend
    workflow_name: str
    fired: set[str] = field(default_factory=set)
    running_jobs: set[str] = field(default_factory=set)
    running_crawls: set[str] = field(default_factory=set)
    job_states: dict[str, set[str]] = field(default_factory=dict)
    crawl_states: dict[str, set[str]] = field(default_factory=dict)
    ended: Counter[str] = field(default_factory=Counter)
    started_actions: int = 0
    completed: bool = False


_progress: dict[str, RunProgress] = {}
_lock = threading.RLock()


def _triggers(progress: RunProgress) -> list[FakeTrigger]:
    return [trigger for trigger in progress.backend.triggers.values() if trigger.workflow_name == progress.workflow_name]


def _fire(run_id: str, progress: RunProgress, trigger: FakeTrigger) -> None:
    progress.fired.add(trigger.name)
    for action in trigger.actions:
        described: dict[str, Any] = dict(action.as_dict())
        progress.started_actions += 1
        try:
            if described.get("JobName"):
                arguments = {**(described.get("Arguments") or {}), "--WORKFLOW_NAME": progress.workflow_name, "--WORKFLOW_RUN_ID": run_id}
                job = progress.backend.get_job(described["JobName"])
                job_run_id = job.start_job_run(
                    allocated_capacity=None,
                    max_capacity=None,
                    timeout=None,
                    worker_type=None,
                    security_configuration=None,
                    number_of_workers=None,
                    notification_property=None,
                    previous_run_id=None,
                    arguments=arguments,
                )
                progress.running_jobs.add(job_run_id)
            else:
                progress.backend.get_crawler(described["CrawlerName"]).start_crawler()
                progress.running_crawls.add(described["CrawlerName"])
        except Exception:  # an action that cannot start (concurrent runs, a crawl running) is ERROR
            progress.ended["ErroredActions"] += 1


def _condition_holds(progress: RunProgress, condition: dict[str, Any]) -> bool:
    if condition.get("JobName"):
        return condition.get("State") in progress.job_states.get(condition["JobName"], set())
    return condition.get("CrawlState") in progress.crawl_states.get(condition.get("CrawlerName", ""), set())


def _due(progress: RunProgress, trigger: FakeTrigger) -> bool:
    if trigger.name in progress.fired or trigger.trigger_type != "CONDITIONAL" or trigger.state != "ACTIVATED" or trigger.predicate is None:
        return False
    predicate: dict[str, Any] = dict(trigger.predicate.as_dict())
    holds = [_condition_holds(progress, condition) for condition in predicate.get("Conditions", [])]
    return bool(holds) and (any(holds) if predicate.get("Logical") == "ANY" else all(holds))


def _advance(run_id: str, progress: RunProgress) -> None:
    """Fire what is due; complete the run once nothing runs and nothing is due."""
    while due := [trigger for trigger in _triggers(progress) if _due(progress, trigger)]:
        for trigger in due:
            _fire(run_id, progress, trigger)
    if not progress.running_jobs and not progress.running_crawls:
        run: FakeWorkflowRun = progress.backend.workflows[progress.workflow_name].runs[run_id]
        run.status, run.completed_on = "COMPLETED", CLOCK.utcnow()
        progress.completed = True


def start(backend: GlueBackend, workflow_name: str, run_id: str) -> None:
    progress = RunProgress(backend, workflow_name)
    with _lock:
        _progress[run_id] = progress
        for trigger in _triggers(progress):
            if trigger.trigger_type == "ON_DEMAND":
                _fire(run_id, progress, trigger)
        _advance(run_id, progress)


def _record(progress: RunProgress, ended: RunEnded) -> bool:
    """Record the end of a job run or crawl this workflow run started; False if it did not start it."""
    if isinstance(ended, JobRunEnded):
        running, states = progress.running_jobs, progress.job_states
        started, node, state = ended.run_id, ended.job_name, ended.state
    else:
        running, states = progress.running_crawls, progress.crawl_states
        started, node, state = ended.crawler_name, ended.crawler_name, ended.outcome
    if started not in running:
        return False
    running.discard(started)
    states.setdefault(node, set()).add(state)
    progress.ended[ENDED_AS.get(state, "ErroredActions")] += 1
    return True


def on_run_ended(ended: RunEnded) -> None:
    """A `run_ends` listener: the workflow run the job run or crawl belongs to moves on."""
    with _lock:
        if isinstance(ended, JobRunEnded):
            run_ids = [ended.arguments.get("--WORKFLOW_RUN_ID", "")]
        else:
            run_ids = [run_id for run_id, progress in _progress.items() if ended.crawler_name in progress.running_crawls]
        for run_id in run_ids:
            progress = _progress.get(run_id)
            if progress is not None and not progress.completed and _record(progress, ended):
                _advance(run_id, progress)


def statistics(run_id: str) -> dict[str, int]:
    """GetWorkflowRun's Statistics of run `run_id`."""
    with _lock:
        progress = _progress.get(run_id)
        if progress is None:
            return {}
        running = len(progress.running_jobs) + len(progress.running_crawls)
        counts = {name: progress.ended[name] for name in sorted(set(ENDED_AS.values()))}
        return {"TotalActions": progress.started_actions, "RunningActions": running, "WaitingActions": 0, **counts}


def forget_runs() -> None:
    with _lock:
        _progress.clear()


_moto_start_workflow_run = GlueBackend.start_workflow_run
_moto_run_as_dict = FakeWorkflowRun.as_dict


def _start_workflow_run(self: GlueBackend, workflow_name: str, properties: dict[str, str] | None) -> str:
    run_id: str = _moto_start_workflow_run(self, workflow_name, properties)
    start(self, workflow_name, run_id)
    return run_id


def _run_as_dict(self: FakeWorkflowRun) -> dict[str, Any]:
    described: dict[str, Any] = dict(_moto_run_as_dict(self))
    described["Statistics"] = statistics(self.run_id)
    return described


WORKFLOW_RUN_BEHAVIOUR: list[tuple[type, str, Any]] = [
    (GlueBackend, "start_workflow_run", _start_workflow_run),
    (FakeWorkflowRun, "as_dict", _run_as_dict),
]


def emulate_workflow_runs() -> None:
    """Replace moto's workflow runs with WORKFLOW_RUN_BEHAVIOUR; call once in the emulator process."""
    for owner, attribute, replacement in WORKFLOW_RUN_BEHAVIOUR:
        setattr(owner, attribute, replacement)
