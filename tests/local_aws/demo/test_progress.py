"""The demo's progress of a run, from real execution histories of the deployed state machine
(histories/, recorded by record_histories.py: three tables, planned job runs and crawls): each
table's stages and their seconds, the plain lines off a terminal, the live table on one."""

import gzip
import io
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from local_aws.demo.progress import LiveProgress, PlainProgress, RunProgress, progress_table, progress_view

HISTORIES = Path(__file__).parent / "histories"
TABLES = ["countries", "customers", "orders"]


def history(scenario: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(gzip.decompress((HISTORIES / f"{scenario}.json.gz").read_bytes()))
    for event in events:
        event["timestamp"] = datetime.fromisoformat(event["timestamp"])
    return events


def states(progress: RunProgress) -> dict[str, list[str]]:
    return {table: [stage.state for stage in stages.values()] for table, stages in progress.tables.items()}


def seconds(progress: RunProgress, stage: str) -> dict[str, float | None]:
    """Each table's seconds of `stage`, to a tenth."""
    return {table: None if (value := stages[stage].seconds()) is None else round(value, 1) for table, stages in progress.tables.items()}


def polls(events: list[dict[str, Any]], size: int = 7) -> list[list[dict[str, Any]]]:
    """The history as a poll sees it growing: `size` more events each time."""
    return [events[:end] for end in [*range(size, len(events), size), len(events)]]


def first_task(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The first RunExtractJob state entered."""
    return next(event for event in events if event.get("stateEnteredEventDetails", {}).get("name") == "RunExtractJob")


# The recorded runs' seconds are the emulator's: the state machine sees a planned job run end at
# its next .sync poll, 50 emulated seconds apart at the tests' time scale (tests/stacks.py TIME_SCALE).


def test_each_table_has_its_own_extract_and_cleanse_and_shares_the_crawls_and_the_report() -> None:
    progress = RunProgress.from_history(history("orders_extract_fails"), TABLES)

    assert progress.status == "FAILED"
    assert states(progress) == {
        "countries": ["succeeded", "succeeded", "succeeded", "succeeded"],
        "customers": ["succeeded", "succeeded", "succeeded", "succeeded"],
        # Its extract job failed: nothing of it to crawl or cleanse; the report says why.
        "orders": ["failed", "skipped", "skipped", "succeeded"],
    }
    # One extract at a time: countries' (planned 30 s), customers' (60 s), orders' (10 s, failed).
    assert seconds(progress, "extract") == {"countries": 50.2, "customers": 100.2, "orders": 50.1}
    # The raw crawl (66.6 s) and the cleansed crawl (65.8 s, Parquet) of the tables they crawl.
    assert seconds(progress, "crawl") == {"countries": 132.4, "customers": 132.4, "orders": None}
    assert seconds(progress, "cleanse") == {"countries": 50.1, "customers": 50.1, "orders": None}
    assert seconds(progress, "report") == dict.fromkeys(TABLES, 1.5)


def test_a_failed_crawl_fails_every_table_it_crawls_and_nothing_follows_it() -> None:
    progress = RunProgress.from_history(history("raw_crawl_fails"), TABLES)

    assert progress.status == "FAILED"
    assert states(progress) == {table: ["succeeded", "failed", "skipped", "skipped"] for table in TABLES}
    assert seconds(progress, "crawl") == dict.fromkeys(TABLES, 35.3)


def test_with_the_jobs_cataloging_nothing_is_crawled_and_a_table_not_in_the_run_is_skipped() -> None:
    events = history("jobs_catalog_two_of_three")
    # The two tables' extract jobs ran side by side: their iterations' events interleave.
    starts = [index for index, event in enumerate(events) if event.get("stateEnteredEventDetails", {}).get("name") == "RunExtractJob"]
    first_end = next(index for index, event in enumerate(events) if event.get("stateExitedEventDetails", {}).get("name") == "RunExtractJob")
    assert len(starts) == 2 and max(starts) < first_end

    progress = RunProgress.from_history(events, TABLES)

    assert progress.status == "SUCCEEDED"
    assert states(progress) == {
        "countries": ["skipped", "skipped", "skipped", "skipped"],
        "customers": ["succeeded", "skipped", "succeeded", "succeeded"],
        "orders": ["succeeded", "skipped", "succeeded", "succeeded"],
    }
    assert seconds(progress, "extract") == {"countries": None, "customers": 99.7, "orders": 99.7}
    assert seconds(progress, "cleanse") == {"countries": None, "customers": 50.2, "orders": 99.7}


def test_the_tables_come_from_the_history_when_not_given() -> None:
    progress = RunProgress.from_history(history("orders_extract_fails"))

    assert list(progress.tables) == TABLES


def test_a_running_stage_counts_its_seconds_until_now() -> None:
    events = history("orders_extract_fails")
    started = first_task(events)
    progress = RunProgress.from_history(events[: events.index(started) + 1], TABLES)

    assert states(progress)["countries"] == ["running", "waiting", "waiting", "waiting"]
    assert progress.tables["countries"]["extract"].seconds(started["timestamp"] + timedelta(seconds=12)) == 12
    assert states(progress)["orders"] == ["waiting"] * 4


# The plain lines of orders_extract_fails: seconds since the execution started, the table, the stage,
# its state (and its seconds, and which crawl).
PLAIN_LINES = """\
     0.3 s  countries  extract  running
    50.4 s  countries  extract  succeeded in 50.2 s
    50.4 s  customers  extract  running
   150.6 s  customers  extract  succeeded in 100.2 s
   150.6 s  orders     extract  running
   200.7 s  orders     extract  failed in 50.1 s
   200.7 s  countries  crawl    running (raw)
   200.7 s  customers  crawl    running (raw)
   200.7 s  orders     crawl    skipped
   267.3 s  countries  crawl    succeeded in 66.6 s (raw)
   267.3 s  customers  crawl    succeeded in 66.6 s (raw)
   267.3 s  countries  cleanse  running
   317.4 s  countries  cleanse  succeeded in 50.1 s
   317.5 s  customers  cleanse  running
   367.5 s  customers  cleanse  succeeded in 50.1 s
   367.5 s  orders     cleanse  skipped
   367.5 s  countries  crawl    running (cleansed)
   367.5 s  customers  crawl    running (cleansed)
   433.3 s  countries  crawl    succeeded in 65.8 s (cleansed)
   433.3 s  customers  crawl    succeeded in 65.8 s (cleansed)
   433.3 s  countries  report   running
   433.3 s  customers  report   running
   433.3 s  orders     report   running
   434.9 s  countries  report   succeeded in 1.5 s
   434.9 s  customers  report   succeeded in 1.5 s
   434.9 s  orders     report   succeeded in 1.5 s
"""


def test_off_a_terminal_each_change_of_a_tables_stage_is_a_line_naming_the_table() -> None:
    events = history("orders_extract_fails")
    out = io.StringIO()

    with progress_view(Console(file=out), TABLES) as view:
        assert isinstance(view, PlainProgress)
        for seen in polls(events):
            view.update(seen)

    assert out.getvalue() == PLAIN_LINES
    # However the polls cut the history, the same lines.
    at_once = io.StringIO()
    PlainProgress(at_once, TABLES).update(events)
    assert at_once.getvalue() == out.getvalue()


def rows(rendered: str) -> dict[str, list[str]]:
    """A rendered table's rows: each cell's text by the row's first cell."""
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in rendered.splitlines() if line.startswith("│")]
    return {row[0]: row[1:] for row in cells}


def test_on_a_terminal_the_progress_is_a_live_table_a_row_per_table_a_column_per_stage() -> None:
    events = history("orders_extract_fails")
    console = Console(record=True, force_terminal=True, width=120, file=io.StringIO())

    with progress_view(console, TABLES, title="Run orders-fail") as view:
        assert isinstance(view, LiveProgress)
        for seen in polls(events):
            view.update(seen)

    # Redrawn in place as it changed; its last drawing stays on the screen.
    last = console.export_text().split("Run orders-fail")[-1]
    assert re.search(r"┃ table +┃ extract +┃ crawl +┃ cleanse +┃ report +┃", last), last
    assert rows(last) == {
        "countries": ["succeeded 50.2 s", "succeeded 132.4 s", "succeeded 50.1 s", "succeeded 1.5 s"],
        "customers": ["succeeded 100.2 s", "succeeded 132.4 s", "succeeded 50.1 s", "succeeded 1.5 s"],
        "orders": ["failed 50.1 s", "skipped", "skipped", "succeeded 1.5 s"],
    }
    assert "execution FAILED, 434.9 s" in last


def test_the_live_table_shows_what_runs_and_for_how_long() -> None:
    events = history("orders_extract_fails")
    started = first_task(events)
    progress = RunProgress.from_history(events[: events.index(started) + 1], TABLES)
    console = Console(record=True, force_terminal=True, width=120, file=io.StringIO())

    console.print(progress_table(progress, now=started["timestamp"] + timedelta(seconds=7)))

    assert rows(console.export_text(clear=False))["countries"] == ["running 7.0 s", "waiting", "waiting", "waiting"]
    assert "execution RUNNING, 7.3 s" in console.export_text(clear=False)
    # Colours tell the states apart: running in bold yellow, waiting dim.
    styled = console.export_text(styles=True)
    assert "\x1b[1;33mrunning 7.0 s" in styled and "\x1b[2mwaiting" in styled
