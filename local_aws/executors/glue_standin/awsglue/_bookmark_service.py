"""What Glue's bookmark service does for one job run, with the state kept by the local emulator
(`local_aws.emulator.glue.job_bookmarks`, reached on AWS_ENDPOINT_URL as the executor sets it).

https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html: with
`job-bookmark-enable` a run processes what is new since the last checkpoint and updates the state;
`job-bookmark-disable` (the default) processes everything and leaves the state alone;
`job-bookmark-pause` processes what is new since the last successful run "without updating the
state". Only sources read with a `transformation_ctx` are tracked, and `job.commit()` saves the
states of the run atomically.
"""

import json
import os
import urllib.request
from typing import Any

ENABLE, PAUSE, DISABLE = "job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"
States = dict[str, Any]


class BookmarkNotEmulated(RuntimeError):
    """The job asked for bookmark behaviour the local stand-in does not have."""


def _emulator(action: str, body: dict[str, Any]) -> dict[str, Any]:
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        raise BookmarkNotEmulated("job bookmarks are kept by the local emulator: AWS_ENDPOINT_URL must point at it")
    request = urllib.request.Request(
        f"{endpoint}/moto-api/local-aws/job-bookmarks/{action}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


class BookmarkService:
    def __init__(self, option: str = DISABLE, run_id: str | None = None, committed: States | None = None) -> None:
        self.option = option
        self.run_id = run_id
        self.committed = committed or {}
        self.pending: States = {}

    @classmethod
    def for_run(cls, resolved_arguments: dict[str, Any]) -> "BookmarkService":
        """The service `Job.init` starts, from the arguments `getResolvedOptions` resolved."""
        option = resolved_arguments.get("job_bookmark_option") or DISABLE
        if option == DISABLE:
            return cls()
        if option == PAUSE and resolved_arguments.get("job_bookmark_from"):
            raise BookmarkNotEmulated("job-bookmark-pause with --job-bookmark-from/--job-bookmark-to is not emulated locally")
        run_id = resolved_arguments.get("JOB_RUN_ID")
        if not run_id:
            raise BookmarkNotEmulated(f"{option} needs the job run's --JOB_RUN_ID, which Glue passes to every run")
        return cls(option, run_id, _emulator("states", {"run_id": run_id})["states"])

    def tracks(self, transformation_ctx: str) -> bool:
        return self.option != DISABLE and bool(transformation_ctx)

    def last_state(self, transformation_ctx: str) -> Any:
        return self.committed.get(transformation_ctx)

    def record(self, transformation_ctx: str, state: Any) -> None:
        if self.option == ENABLE:
            self.pending[transformation_ctx] = state

    def commit(self) -> None:
        """Hand the run's states to the emulator, which keeps them if the run succeeds."""
        if self.option == ENABLE:
            _emulator("commit", {"run_id": self.run_id, "states": {**self.committed, **self.pending}})
