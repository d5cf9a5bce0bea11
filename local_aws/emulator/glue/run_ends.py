"""Who hears, inside the emulator, that a Glue job run or crawl ended: the events Glue sends to
EventBridge (`state_change_events`) and the workflow runs waiting on it (`workflow_runs`). A run's end is
announced once, when it happens on the emulated clock, whether or not anyone reads its state.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class JobRunEnded:
    job_name: str
    run_id: str
    state: str
    error_message: str | None
    arguments: dict[str, str]
    account: str
    region: str


@dataclass(frozen=True)
class CrawlEnded:
    crawler_name: str
    outcome: str
    error_message: str | None
    started: datetime
    ended: datetime
    account: str
    region: str


RunEnded = JobRunEnded | CrawlEnded
_listeners: list[Callable[[RunEnded], None]] = []


def listen(listener: Callable[[RunEnded], None]) -> None:
    """Call `listener` with every run end from now on; call once per listener, in the emulator process."""
    _listeners.append(listener)


def announce(ended: RunEnded) -> None:
    for listener in list(_listeners):
        listener(ended)
