"""Glue job bookmarks, kept in the emulator process per job as Glue keeps them, with the Glue API
to read and reset them (`aws glue get-job-bookmark`, `aws glue reset-job-bookmark`).

A job run's script (through the Glue stand-in, `local_aws/executors/glue_standin/`) reads its job's committed
state and hands `Job.commit()`'s new state to the emulator; that state is staged and becomes the
job's bookmark only when the run ends SUCCEEDED, so a failed run commits nothing. The state itself
(`JobBookmark`) is the stand-in's own JSON, keyed by transformation context; Glue's is opaque too.

https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html: bookmarks are kept by job,
deleted with the job, and carry a run number "incremented for every successful run" and a version
that "tracks the updates to a job bookmark".
"""

import json
import threading
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from moto.core.responses import ActionResult
from moto.glue.exceptions import EntityNotFoundException, InvalidInputException
from moto.glue.models import FakeJob, glue_backends
from moto.glue.responses import GlueResponse

States = dict[str, Any]


@dataclass
class JobBookmark:
    job_name: str
    version: int = 0
    run: int = 0
    run_id: str | None = None
    previous_run_id: str | None = None
    states: States = field(default_factory=dict)

    def committed(self, run_id: str, states: States) -> None:
        self.version += 1
        self.run += 1
        self.previous_run_id, self.run_id = self.run_id, run_id
        self.states = states

    def entry(self) -> dict[str, Any]:
        """The API's JobBookmarkEntry."""
        entry: dict[str, Any] = {
            "JobName": self.job_name,
            "Version": self.version,
            "Run": self.run,
            "Attempt": 0,
            "JobBookmark": json.dumps(self.states),
        }
        entry.update({key: value for key, value in (("RunId", self.run_id), ("PreviousRunId", self.previous_run_id)) if value})
        return entry


# Kept beside moto's job objects, so a deleted (or reset) job loses its bookmark as on Glue.
_bookmarks: "WeakKeyDictionary[FakeJob, JobBookmark]" = WeakKeyDictionary()
_staged: dict[str, tuple[FakeJob, States]] = {}
_lock = threading.Lock()


class UnknownJobRun(KeyError):
    """No job in the emulator has a run with this ID."""


def _job_of_run(run_id: str) -> FakeJob:
    for regions in list(glue_backends.values()):
        for backend in list(regions.values()):
            for job in list(backend.jobs.values()):
                if any(run.job_run_id == run_id for run in job.job_runs):
                    return job
    raise UnknownJobRun(f"no Glue job has a run {run_id}")


def committed_states(run_id: str) -> States:
    """What the job of run `run_id` committed last (nothing after a reset or before a first success)."""
    bookmark = _bookmarks.get(_job_of_run(run_id))
    return bookmark.states if bookmark else {}


def stage(run_id: str, states: States) -> None:
    """`Job.commit()` of run `run_id`: its states become the bookmark if the run succeeds."""
    job = _job_of_run(run_id)
    with _lock:
        _staged[run_id] = (job, states)


def settle(run_id: str, succeeded: bool) -> None:
    """The run has ended: commit what it staged if it succeeded, drop it otherwise."""
    with _lock:
        staged = _staged.pop(run_id, None)
        if staged and succeeded:
            job, states = staged
            _bookmarks.setdefault(job, JobBookmark(job.name)).committed(run_id, states)


def _no_continuation(job_name: str) -> EntityNotFoundException:
    return EntityNotFoundException(f"Continuation for job {job_name} not found")


def _refuse_run_id(self: GlueResponse, operation: str) -> None:
    if self._get_param("RunId"):
        raise InvalidInputException(operation, f"{operation} with a RunId (a bookmark of an earlier run) is not emulated locally.")


def _get_job_bookmark(self: GlueResponse) -> ActionResult:
    _refuse_run_id(self, "GetJobBookmark")
    job = self.glue_backend.get_job(self._get_param("JobName"))
    bookmark = _bookmarks.get(job)
    if bookmark is None:
        raise _no_continuation(job.name)
    return ActionResult({"JobBookmarkEntry": bookmark.entry()})


def _reset_job_bookmark(self: GlueResponse) -> ActionResult:
    _refuse_run_id(self, "ResetJobBookmark")
    job = self.glue_backend.get_job(self._get_param("JobName"))
    with _lock:
        bookmark = _bookmarks.pop(job, None)
    if bookmark is None:
        raise _no_continuation(job.name)
    return ActionResult({"JobBookmarkEntry": bookmark.entry()})


JOB_BOOKMARK_API: list[tuple[type, str, Any]] = [
    (GlueResponse, "get_job_bookmark", _get_job_bookmark),
    (GlueResponse, "reset_job_bookmark", _reset_job_bookmark),
]
