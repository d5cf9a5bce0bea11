"""The demo's report page (local_aws/demo/report_page.py) as a browser shows it. The page is built from
the execution records of a real `make demo` (two runs of three tables, Iceberg, crawlers; its cleanse
jobs ran at once), kept in recorded_demo_runs.json beside this file: each record's status, report
and history, each state's input and output there cut down to the table it names, which is all the
page reads of them. No emulator, no Spark: the page is opened in headless Chromium (Debian's
package), whose DOM must hold the figures' titles and numbers and whose screenshot must show the
figures drawn."""

import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib import image

from local_aws.demo.report_page import STAGE_COLOURS, stage_spans, write_report_page
from local_aws.executions import ExecutionRecord

RECORDED_RUNS = Path(__file__).with_name("recorded_demo_runs.json")
CHROMIUM = Path("/usr/bin/chromium")
# A browser with nothing of its own to fetch, as the page must need nothing either.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,2400",
]


def recorded_runs() -> list[ExecutionRecord]:
    return [
        ExecutionRecord(
            **{key: run[key] for key in ("execution_arn", "status", "output", "error", "cause")},
            events=[{**event, "timestamp": datetime.fromisoformat(event["timestamp"])} for event in run["events"]],
        )
        for run in json.loads(RECORDED_RUNS.read_text())
    ]


def reports() -> list[dict[str, Any]]:
    return [record.report for record in recorded_runs() if record.report is not None]


@dataclass(frozen=True)
class FigureText:
    figure: str
    axes: str
    on_axis: bool
    text: str


class RenderedPage(HTMLParser):
    """What the page shows: each figure's text (its SVG text elements, with the plot they are on and
    whether they belong to an axis) and the rows of its HTML tables; and what it would load."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.texts: list[FigureText] = []
        self.table_rows: list[list[str]] = []
        self.loads: list[str] = []
        self._figure: str | None = None
        self._groups: list[str] = []
        self._cell: list[str] | None = None
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "figure":
            self._figure = attributes["id"]
        elif tag == "g":
            self._groups.append(attributes.get("id") or "")
        elif tag == "tr":
            self.table_rows.append([])
        elif tag == "td":
            self._cell = self.table_rows[-1]
            self._cell.append("")
        if tag in ("script", "link", "img", "iframe", "object", "embed"):
            self.loads.append(f"<{tag}>")
        self.loads += [
            f"{name}={value}" for name, value in attrs if name in ("src", "href", "xlink:href") and not (value or "").startswith("#")
        ]

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._figure = None
        elif tag == "g":
            self._groups.pop()
        elif tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._figure is not None and data.strip():
            axes = next((group for group in reversed(self._groups) if group.startswith("axes_")), "")
            on_axis = any(group.startswith("matplotlib.axis") for group in self._groups)
            self.texts.append(FigureText(self._figure, axes, on_axis, data.strip()))
        if self._cell is not None:
            self._cell[-1] += data

    def figure_text(self, figure: str) -> list[str]:
        return [text.text for text in self.texts if text.figure == figure]

    def plot_labels(self, figure: str) -> list[list[str]]:
        """Each plot's own text in the order drawn (its bars' labels, then its title), its axes' left out."""
        plots: dict[str, list[str]] = {}
        for text in self.texts:
            if text.figure == figure and text.axes and not text.on_axis:
                plots.setdefault(text.axes, []).append(text.text)
        return list(plots.values())

    def axis_labels(self, figure: str) -> list[str]:
        """The text of the figure's axes: their ticks' labels and their own."""
        return [text.text for text in self.texts if text.figure == figure and text.on_axis]


def chromium(profile: Path, *arguments: str) -> str:
    browser = subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert browser.returncode == 0, browser.stderr
    return browser.stdout


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report_page(recorded_runs(), tmp_path_factory.mktemp("report-page") / "report.html")


@pytest.fixture(scope="module")
def browser_profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not CHROMIUM.exists():
        pytest.skip(f"no browser to open the report page in: {CHROMIUM} is missing (Debian's package chromium; .ci/run installs it)")
    yield tmp_path_factory.mktemp("chromium-profile")


@pytest.fixture(scope="module")
def rendered(page: Path, browser_profile: Path) -> RenderedPage:
    """The page's DOM once Chromium has loaded it."""
    return RenderedPage(chromium(browser_profile, "--dump-dom", page.as_uri()))


@pytest.fixture(scope="module")
def screenshot(page: Path, browser_profile: Path) -> Any:
    """The page's first 1280 x 2400 pixels as Chromium draws them, as an RGB array of 0-255."""
    png = page.with_name("report.png")
    chromium(browser_profile, f"--screenshot={png}", page.as_uri())
    return np.round(image.imread(png)[:, :, :3] * 255).astype(int)


def test_the_recording_is_of_two_runs_of_three_tables_with_snapshots() -> None:
    runs = reports()

    assert [report["run_id"] for report in runs] == ["demo", "demo-2"]
    assert all(sorted(report["tables"]) == ["countries", "customers", "orders"] for report in runs)
    assert all(table.get("snapshot_id") for report in runs for table in report["tables"].values())


def test_the_timeline_follows_each_table_through_its_stages() -> None:
    for record in recorded_runs():
        report = record.report
        assert report is not None
        spans = {(span.stage, span.table): span for span in stage_spans(record.events)}
        tables = set(report["tables"])

        assert {table for stage, table in spans if stage == "extract"} == tables
        assert {table for stage, table in spans if stage == "cleanse"} == tables
        # The cleanse jobs ran at once, their Map iterations' events interleaved: each span is its table's.
        assert max(spans["cleanse", table].start_seconds for table in tables) < min(spans["cleanse", table].end_seconds for table in tables)
        extract_end = max(spans["extract", table].end_seconds for table in tables)
        cleanse_start = min(spans["cleanse", table].start_seconds for table in tables)
        raw_crawl = spans["raw crawl", None]
        # The crawl waits for every table's extract.
        assert extract_end <= raw_crawl.start_seconds < raw_crawl.end_seconds <= cleanse_start
        assert max(spans["cleanse", table].end_seconds for table in tables) <= spans["report", None].start_seconds
        # The report Lambda times the raw crawl from the same history.
        assert round(raw_crawl.end_seconds - raw_crawl.start_seconds, 1) == report["durations_seconds"]["RawCrawler"]
        # Within the extract Map's time, which the report gives to a tenth of a second.
        extract_seconds = extract_end - min(spans["extract", table].start_seconds for table in tables)
        assert extract_seconds <= report["durations_seconds"]["ExtractTables"] + 0.05


def test_the_page_loads_nothing_from_anywhere(page: Path) -> None:
    assert RenderedPage(page.read_text()).loads == []
    # The figures' clip paths and hatches are the page's own (url(#id)).
    assert re.findall(r"url\((?!#)[^)]*\)", page.read_text()) == []


def test_each_run_has_its_timeline_funnel_quarantine_and_cost_figures(rendered: RenderedPage) -> None:
    for index, report in enumerate(reports(), start=1):
        run = report["run_id"]
        timeline = rendered.figure_text(f"run{index}-timeline")
        assert f"Timeline of run {run}: each table's stages" in timeline
        assert {*report["tables"], "extract", "raw crawl", "cleanse", "report"} <= set(timeline)
        funnel = rendered.figure_text(f"run{index}-funnel")
        assert f"Rows of run {run} by stage: source → raw → cleansed / quarantined" in funnel
        assert f"Quarantined rows of run {run} by reason" in rendered.figure_text(f"run{index}-quarantine")
        cost = report["cost"]
        assert f"Estimated cost of run {run} on AWS: ${cost['estimated_usd']:.4f}" in rendered.figure_text(f"run{index}-cost")
        assert {f"${value:.6f}" for value in cost["usd_by_item"].values()} <= set(rendered.figure_text(f"run{index}-cost"))


def test_each_tables_rows_by_stage_are_on_its_funnel(rendered: RenderedPage) -> None:
    for index, report in enumerate(reports(), start=1):
        plots = {labels[-1]: labels[:-1] for labels in rendered.plot_labels(f"run{index}-funnel")}
        for name, table in report["tables"].items():
            rows = table["rows"]
            title = (
                f"{name}: cleansed {rows['cleansed']}, duplicates removed {rows['duplicates_removed']}, quarantined {rows['quarantined']}"
            )
            # Its bars, labelled in order: source rows read, raw rows, then where the raw rows went.
            went_to = [rows[key] for key in ("cleansed", "duplicates_removed", "quarantined") if rows[key]]
            assert plots[title] == [str(count) for count in [rows["source_read"], rows["raw"], *went_to]]


def test_every_quarantine_reason_is_on_the_page_with_its_count(rendered: RenderedPage) -> None:
    for index, report in enumerate(reports(), start=1):
        figure = f"run{index}-quarantine"
        counts = {
            f"{name}: {reason}": count
            for name, table in report["tables"].items()
            for reason, count in table["quarantined_by_reason"].items()
        }
        shown = [label for label, count in counts.items() if count]
        assert shown
        assert [label for label in rendered.axis_labels(figure) if label in counts] == shown
        [bar_labels] = rendered.plot_labels(figure)
        assert bar_labels == [*(str(counts[label]) for label in shown), f"Quarantined rows of run {report['run_id']} by reason"]


def test_the_snapshots_of_each_run_are_in_the_snapshot_table(rendered: RenderedPage) -> None:
    runs = reports()
    for report in runs:
        for name, table in report["tables"].items():
            row = [name, report["run_id"], table["previous_snapshot_id"] or "none", table["snapshot_id"]]
            assert row in [cells[:4] for cells in rendered.table_rows]
    first, second = runs
    # The second run's snapshot before the run is the one the first run made.
    assert all(second["tables"][name]["previous_snapshot_id"] == first["tables"][name]["snapshot_id"] for name in first["tables"])


def test_the_screenshot_shows_the_figures_drawn(screenshot: Any) -> None:
    colours = Counter(map(tuple, screenshot.reshape(-1, 3).tolist()))
    background, background_pixels = colours.most_common(1)[0]
    drawn = 1 - background_pixels / screenshot.shape[0] / screenshot.shape[1]

    assert background == (255, 255, 255)
    assert drawn > 0.05, f"only {drawn:.1%} of the page's pixels are not the background"
    # The funnel's bars, drawn in full colour: the extract's blue and the cleansed rows' green.
    for colour in (STAGE_COLOURS["extract"], STAGE_COLOURS["cleanse"]):
        rgb = tuple(int(colour[index : index + 2], 16) for index in (1, 3, 5))
        assert colours[rgb] > 1000, f"{colour} is on {colours[rgb]} pixels only"


def test_a_failed_table_shows_its_step_error_and_cause_and_has_no_funnel(tmp_path: Path) -> None:
    record = recorded_runs()[0]
    assert record.output is not None
    orders = record.output["tables"]["orders"]
    failure = {"status": "failed", "step": "RunCleanseJob", "error": "QualityGateFailed", "cause": "Job demo-cleanse published nothing"}
    record.output["tables"]["orders"] = {key: orders[key] for key in ("tables", "locations", "job_run_ids", "cost")} | failure
    record.output["failed_tables"] = ["orders"]

    shown = RenderedPage(write_report_page([record], tmp_path / "report.html").read_text())

    assert ["orders", "failed", "RunCleanseJob: QualityGateFailed", "Job demo-cleanse published nothing"] in shown.table_rows
    assert ["customers", "succeeded", "", ""] in shown.table_rows
    assert [labels[-1].split(":")[0] for labels in shown.plot_labels("run1-funnel")] == ["countries", "customers"]
