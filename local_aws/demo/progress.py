"""A run's progress as the demo shows it: for each table, its stages (extract, crawl, cleanse,
report), each waiting, running, succeeded, failed or skipped, with its seconds; read from the
execution's history (GetExecutionHistory) as it grows. On a terminal a live table (rich), elsewhere
(CI, logs) plain lines, one for each change of a table's stage, naming the table.

How the history maps onto tables and stages (state_machine.asl.json):
- extract and cleanse run in a Map iteration per table (ExtractTables, CleanseTables). An event
  belongs to the iteration its previousEventId chain leads back to (MapIterationStarted), and the
  iteration's first state's input names its table. The stage runs from the iteration's first Task
  state to the iteration's end: failed when the iteration's output says so, skipped when no Task
  state ran (a table not in the run, or not extracted).
- crawl is shared by the tables: the states of the raw crawl, for each table extracted, and of the
  cleansed crawl (Parquet), for each table cleansed, named as the report Lambda's step_durations
  finds them. With catalog_updates = "jobs" there are none, and the stage is skipped.
- report is shared too: the ReportRun state, for each table of the run.
A stage still waiting when a later stage of its table moves, or when the execution ends, was skipped.
"""

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import IO, Any

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

STAGES = ("extract", "crawl", "cleanse", "report")
# The Map states whose iterations are a table's stage.
ITERATED_STAGES = {"ExtractTables": "extract", "CleanseTables": "cleanse"}
# What the names of a crawl's states carry, and which crawl they are (lambdas/report_run.py STEP_STATES).
CRAWLS = {"RawCrawl": "raw", "CleansedCrawl": "cleansed"}
REPORT_STATE, REPORT_FAILURE_STATE = "ReportRun", "RecordReportFailure"
EXECUTION_ENDS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionAborted": "ABORTED",
    "ExecutionTimedOut": "TIMED_OUT",
}
ITERATION_ENDS = ("MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted")
STYLES = {"waiting": "dim", "running": "bold yellow", "succeeded": "green", "failed": "bold red", "skipped": "dim"}

IterationKey = tuple[str, int]


@dataclass
class StageProgress:
    state: str = "waiting"
    started: datetime | None = None
    ended: datetime | None = None
    # The seconds of an earlier crawl (raw) when the cleansed crawl runs: a table's crawl is both.
    earlier_seconds: float = 0.0

    def seconds(self, now: datetime | None = None) -> float | None:
        """The stage's seconds: until it ended, or until `now` while it runs."""
        end = self.ended or now
        if self.started is None or end is None:
            return None
        return self.earlier_seconds + (end - self.started).total_seconds()


@dataclass(frozen=True)
class Change:
    elapsed_seconds: float
    table: str
    stage: str
    state: str
    # Once it succeeded or failed, the seconds it ran since it started (a crawl: this crawl's).
    seconds: float | None = None
    # Which crawl (raw, cleansed) a crawl's change is.
    crawl: str = ""


def table_named_in(state_input: Any) -> str | None:
    """The table an iteration works on, as its input names it: as `table` in ExtractTables, as
    `extract.table` in CleanseTables (their ItemSelectors)."""
    if not isinstance(state_input, dict):
        return None
    table = state_input.get("table") or state_input.get("extract", {}).get("table") or {}
    name = table.get("name")
    return name if isinstance(name, str) else None


class RunProgress:
    """Each table's stages, from the history's events added in order (`add`)."""

    def __init__(self, tables: Iterable[str] = ()) -> None:
        self.tables: dict[str, dict[str, StageProgress]] = {}
        self.changes: list[Change] = []
        self.started_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.status = "RUNNING"
        for table in tables:
            self._table(table)
        self._iteration_of_event: dict[int, IterationKey | None] = {}
        self._iteration_tables: dict[IterationKey, str] = {}
        self._iteration_outputs: dict[IterationKey, dict[str, Any]] = {}
        self._crawl = ""

    @classmethod
    def from_history(cls, events: Iterable[dict[str, Any]], tables: Iterable[str] = ()) -> "RunProgress":
        progress = cls(tables)
        for event in events:
            progress.add(event)
        return progress

    def elapsed_seconds(self, now: datetime | None = None) -> float:
        """Seconds since the execution started: until it ended, or until `now`."""
        end = self.ended_at or now
        return 0.0 if self.started_at is None or end is None else (end - self.started_at).total_seconds()

    def add(self, event: dict[str, Any]) -> None:
        kind, at = event["type"], event["timestamp"]
        if self.started_at is None:
            self.started_at = at
        iteration = self._iteration(event)
        entered, exited = event.get("stateEnteredEventDetails"), event.get("stateExitedEventDetails")
        if kind in EXECUTION_ENDS:
            self._execution_ended(EXECUTION_ENDS[kind], at)
        elif iteration is not None:
            self._iteration_event(iteration, event)
        elif entered:
            self._state_entered(entered["name"], at)
        elif exited and exited["name"] == REPORT_STATE:
            self._move_all("report", "running", "succeeded", at)

    def _table(self, name: str) -> dict[str, StageProgress]:
        return self.tables.setdefault(name, {stage: StageProgress() for stage in STAGES})

    def _iteration(self, event: dict[str, Any]) -> IterationKey | None:
        """The Map iteration `event` belongs to: the one its chain of previous events starts. A Map
        state's own events are outside its iterations, though their previous event is an iteration's."""
        kind = event["type"]
        key: IterationKey | None
        if kind == "MapIterationStarted":
            details = event["mapIterationStartedEventDetails"]
            key = (details["name"], int(details["index"]))
        elif kind.startswith("MapState"):
            key = None
        else:
            key = self._iteration_of_event.get(int(event.get("previousEventId", 0)))
        self._iteration_of_event[int(event["id"])] = key
        return key

    def _iteration_event(self, key: IterationKey, event: dict[str, Any]) -> None:
        stage = ITERATED_STAGES.get(key[0])
        entered = event.get("stateEnteredEventDetails")
        if stage is None:
            return
        if key not in self._iteration_tables and entered:
            table = table_named_in(json.loads(entered.get("input") or "{}"))
            if table is not None:
                self._iteration_tables[key] = table
        table = self._iteration_tables.get(key)
        if table is None:
            return
        kind, at, progress = event["type"], event["timestamp"], self._table(table)[stage]
        exited = event.get("stateExitedEventDetails")
        if kind == "TaskStateEntered" and progress.state == "waiting":
            self._set(table, stage, "running", at)
        elif exited:
            self._iteration_outputs[key] = json.loads(exited.get("output") or "{}")
        elif kind in ITERATION_ENDS:
            if progress.state == "waiting":
                self._set(table, stage, "skipped", at)
            elif kind != "MapIterationSucceeded" or self._iteration_outputs.get(key, {}).get("status") == "failed":
                self._set(table, stage, "failed", at)
            else:
                self._set(table, stage, "succeeded", at)

    def _state_entered(self, name: str, at: datetime) -> None:
        crawl = next((crawl for marker, crawl in CRAWLS.items() if marker in name), "")
        if crawl and name.startswith("Record"):
            self._move_all("crawl", "running", "failed", at)
            self._crawl = ""
        elif crawl and crawl != self._crawl:
            self._crawl = crawl
            crawled_stage = "extract" if crawl == "raw" else "cleanse"
            for table, stages in self.tables.items():
                if stages[crawled_stage].state == "succeeded":
                    self._set(table, "crawl", "running", at, crawl)
                elif stages["crawl"].state == "waiting":
                    self._set(table, "crawl", "skipped", at)
        elif not crawl and self._crawl:
            self._move_all("crawl", "running", "succeeded", at)
            self._crawl = ""
        if name == REPORT_STATE:
            for table, stages in self.tables.items():
                if stages["report"].state == "waiting":
                    self._set(table, "report", "skipped" if stages["extract"].state == "skipped" else "running", at)
        elif name == REPORT_FAILURE_STATE:
            self._move_all("report", "running", "failed", at)

    def _execution_ended(self, status: str, at: datetime) -> None:
        self.status, self.ended_at = status, at
        for table, stages in self.tables.items():
            for stage, progress in stages.items():
                if progress.state == "waiting":
                    self._set(table, stage, "skipped", at)
                elif progress.state == "running":
                    self._set(table, stage, "succeeded" if status == "SUCCEEDED" else "failed", at, self._crawl if stage == "crawl" else "")

    def _move_all(self, stage: str, state: str, new_state: str, at: datetime) -> None:
        for table, stages in self.tables.items():
            if stages[stage].state == state:
                self._set(table, stage, new_state, at, self._crawl if stage == "crawl" else "")

    def _set(self, table: str, stage: str, state: str, at: datetime, crawl: str = "") -> None:
        stages = self._table(table)
        for earlier in STAGES[: STAGES.index(stage)]:
            if stages[earlier].state == "waiting":
                self._set(table, earlier, "skipped", at)
        progress = stages[stage]
        if state == "running":
            progress.earlier_seconds = progress.seconds() or 0.0
            progress.started, progress.ended = at, None
        elif state in ("succeeded", "failed"):
            progress.started, progress.ended = progress.started or at, at
        progress.state = state
        seconds = (at - progress.started).total_seconds() if progress.started and state in ("succeeded", "failed") else None
        self.changes.append(Change(self.elapsed_seconds(at), table, stage, state, seconds, crawl))


def plain_line(change: Change, table_width: int = 0) -> str:
    """A change as a line: seconds since the execution started, the table, the stage and its state."""
    seconds = "" if change.seconds is None else f" in {change.seconds:.1f} s"
    crawl = f" ({change.crawl})" if change.crawl else ""
    return f"  {change.elapsed_seconds:6.1f} s  {change.table:<{table_width}}  {change.stage:<7}  {change.state}{seconds}{crawl}"


def progress_table(progress: RunProgress, now: datetime | None = None, title: str = "Pipeline run") -> Table:
    """The live table: a row per table, a column per stage, each cell its state and seconds."""
    caption = f"execution {progress.status}, {progress.elapsed_seconds(now):.1f} s"
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
    table.add_column("table", style="bold")
    for stage in STAGES:
        table.add_column(stage, min_width=16)
    for name, stages in progress.tables.items():
        table.add_row(name, *(stage_cell(stages[stage], now) for stage in STAGES))
    return table


def stage_cell(progress: StageProgress, now: datetime | None) -> Text:
    seconds = progress.seconds(now)
    text = progress.state if seconds is None else f"{progress.state} {seconds:.1f} s"
    return Text(text, style=STYLES[progress.state])


class PlainProgress:
    """Lines on `out`, one for each change of a table's stage, as the history shows them."""

    def __init__(self, out: IO[str], tables: Sequence[str] = ()) -> None:
        self.out = out
        self.progress = RunProgress(tables)
        self._events_seen = 0
        self._changes_shown = 0

    def __enter__(self) -> "PlainProgress":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        return None

    def update(self, events: list[dict[str, Any]]) -> None:
        """Take the execution's history so far (the events seen before come first, as they were)."""
        for event in events[self._events_seen :]:
            self.progress.add(event)
        self._events_seen = len(events)
        width = max((len(table) for table in self.progress.tables), default=0)
        for change in self.progress.changes[self._changes_shown :]:
            print(plain_line(change, width), file=self.out, flush=True)
        self._changes_shown = len(self.progress.changes)


class LiveProgress:
    """The progress table on a terminal, redrawn as the history grows and as the seconds pass."""

    def __init__(self, console: Console, tables: Sequence[str] = (), title: str = "Pipeline run") -> None:
        self.progress = RunProgress(tables)
        self.title = title
        self._events_seen = 0
        # Live redraws from a thread of its own, while `update` adds events.
        self._lock = threading.Lock()
        # The emulated clock runs ahead of real time once it skips a wait (local_aws/emulator/core/clock.py):
        # the history's timestamps are on it, so a running stage's seconds are counted on it too, by the
        # largest gap yet seen between the newest event and the real time it was read at.
        self._clock_ahead = timedelta(0)
        self._live = Live(console=console, get_renderable=self._render, refresh_per_second=4)

    def __enter__(self) -> "LiveProgress":
        self._live.start(refresh=True)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._live.stop()

    def update(self, events: list[dict[str, Any]]) -> None:
        """Take the execution's history so far (the events seen before come first, as they were)."""
        with self._lock:
            for event in events[self._events_seen :]:
                self.progress.add(event)
            self._events_seen = len(events)
            if events:
                self._clock_ahead = max(self._clock_ahead, events[-1]["timestamp"] - datetime.now(UTC))
        self._live.refresh()

    def _render(self) -> Table:
        with self._lock:
            return progress_table(self.progress, datetime.now(UTC) + self._clock_ahead, self.title)


def progress_view(console: Console, tables: Sequence[str] = (), title: str = "Pipeline run") -> LiveProgress | PlainProgress:
    """A live table titled `title` when `console` is a terminal; plain lines on its file otherwise (CI, logs)."""
    return LiveProgress(console, tables, title) if console.is_terminal else PlainProgress(console.file, tables)
