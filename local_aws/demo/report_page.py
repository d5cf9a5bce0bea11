"""`demo-output/report.html`: the demo's runs on one page, readable offline. For each run, from its
report (the execution's output) and its execution history: the timeline of each table's stages, each
table's funnel (source -> raw -> cleansed, duplicates removed, quarantined), the quarantined rows by
reason and the run's estimated cost; then the Iceberg snapshots of the current state, run by run.

The figures are matplotlib's, written as SVG into the page itself with their text kept as text (so
the numbers can be read, searched and copied): no script, no stylesheet or font fetched, nothing
else to ship with the file.

    write_report_page([record, second_record], Path("demo-output/report.html"))
"""

import html
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.typing import RcKeyType

from local_aws.executions import ExecutionRecord

# The stages of a run in their order, with their colours (matplotlib's default cycle, so that a
# stage keeps its colour in every figure).
STAGE_COLOURS = {
    "extract": "#1f77b4",
    "raw crawl": "#ff7f0e",
    "cleanse": "#2ca02c",
    "cleansed crawl": "#9467bd",
    "report": "#8c564b",
}
# The Map states whose iterations run one table each, by stage.
TABLE_STAGES = {"extract": "ExtractTables", "cleanse": "CleanseTables"}
# The stages the whole run shares, each from the first state entered whose name holds its marker to
# the last one exited (the markers of lambdas/report_run.py's STEP_STATES).
RUN_STAGES = {"raw crawl": "RawCrawl", "cleansed crawl": "CleansedCrawl", "report": "ReportRun"}

# The funnel's bars: rows in, then where the raw rows went.
FUNNEL_INPUTS = {"source_read": "source rows read", "raw": "raw rows"}
FUNNEL_OUTCOMES = {
    "cleansed": ("cleansed", "#2ca02c"),
    "duplicates_removed": ("duplicates removed", "#bcbd22"),
    "quarantined": ("quarantined", "#d62728"),
}

FIGURE_SETTINGS: dict[RcKeyType, Any] = {
    # Text as SVG text, not glyph outlines: the page's numbers stay readable by a browser's search,
    # a screen reader and a test.
    "svg.fonttype": "none",
    # Table names and quarantine reasons are data: a "$" in them is not the start of a formula.
    "text.parse_math": False,
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.5em 0; } th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }
td.failed { color: #b00; }
"""


@dataclass(frozen=True)
class StageSpan:
    """One stage of a run: a table's own (extract, cleanse), or the whole run's (`table` None)."""

    stage: str
    table: str | None
    start_seconds: float
    end_seconds: float


def _table_named(details: Mapping[str, Any]) -> str | None:
    """The table a state's input or output is about, in the Map iterations: `table` in the extract's,
    `extract.table` in the cleanse's."""
    for key in ("input", "output"):
        try:
            data = json.loads(details.get(key) or "null")
        except ValueError:
            continue
        if isinstance(data, dict):
            table = data.get("table") or (data.get("extract") or {}).get("table")
            if isinstance(table, dict) and isinstance(table.get("name"), str):
                return table["name"]
    return None


def _state_details(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    details: Mapping[str, Any] | None = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails")
    return details


def stage_spans(events: Sequence[Mapping[str, Any]]) -> list[StageSpan]:
    """The run's stages from its execution history, in seconds since the execution started. A table's
    stage runs from its job's task entered to the last state of its iteration (tables run at once,
    their events interleaved, so each is told by the table its state's input or output names)."""
    started = events[0]["timestamp"]
    spans: list[StageSpan] = []
    for stage, map_state in TABLE_STAGES.items():
        inside = False
        first: dict[str, datetime] = {}
        last: dict[str, datetime] = {}
        for event in events:
            details = _state_details(event)
            if details is None:
                continue
            if details["name"] == map_state:
                inside = "stateEnteredEventDetails" in event
                continue
            table = _table_named(details) if inside else None
            if table is None:
                continue
            if event["type"] == "TaskStateEntered":
                first.setdefault(table, event["timestamp"])
            if table in first:
                last[table] = event["timestamp"]
        spans += [
            StageSpan(stage, table, (first[table] - started).total_seconds(), (last[table] - started).total_seconds()) for table in first
        ]
    for stage, marker in RUN_STAGES.items():
        entered = [event["timestamp"] for event in events if "stateEnteredEventDetails" in event and marker in _name(event)]
        exited = [event["timestamp"] for event in events if "stateExitedEventDetails" in event and marker in _name(event)]
        if entered and exited:
            spans.append(StageSpan(stage, None, (entered[0] - started).total_seconds(), (exited[-1] - started).total_seconds()))
    return sorted(spans, key=lambda span: (span.start_seconds, list(STAGE_COLOURS).index(span.stage)))


def _name(event: Mapping[str, Any]) -> str:
    details = _state_details(event)
    return "" if details is None else str(details["name"])


def _svg(figure: Figure, figure_id: str) -> str:
    """The figure as an `<svg>` element for the page. Its ids (clip paths) are salted with the
    figure's own id: unique in the page, and the same page for the same runs."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": figure_id}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def timeline_figure(report: Mapping[str, Any], spans: Sequence[StageSpan]) -> Figure:
    """One row per table of the run, a bar per stage; a stage the run shares (a crawl, the report)
    is hatched on every row."""
    tables = [name for name, table in report["tables"].items() if table["status"] != "skipped"]
    figure = Figure(figsize=(10, 1.6 + 0.55 * len(tables)), layout="constrained")
    axes = figure.subplots()
    end = max((span.end_seconds for span in spans), default=1.0) or 1.0
    for row, table in enumerate(tables):
        for span in spans:
            if span.table not in (None, table):
                continue
            width = max(span.end_seconds - span.start_seconds, end / 400)
            shared = span.table is None
            axes.broken_barh(
                [(span.start_seconds, width)],
                (row - 0.35, 0.7),
                facecolors=STAGE_COLOURS[span.stage],
                alpha=0.45 if shared else 0.9,
                hatch="//" if shared else None,
                edgecolor="white",
            )
            if not shared and width > end / 25:
                axes.text(span.start_seconds + width / 2, row, f"{width:.1f} s", ha="center", va="center", color="white", fontsize=8)
    axes.set_yticks(range(len(tables)), tables)
    axes.invert_yaxis()
    axes.set_xlim(0, end * 1.02)
    axes.set_xlabel("seconds since the execution started (hatched: a stage all tables share)")
    stages = [stage for stage in STAGE_COLOURS if any(span.stage == stage for span in spans)]
    handles = [Patch(color=STAGE_COLOURS[stage], label=stage) for stage in stages]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(stages), frameon=False)
    axes.set_title(f"Timeline of run {report['run_id']}: each table's stages")
    return figure


def funnel_figure(report: Mapping[str, Any]) -> Figure | None:
    """Per table: the rows read from the source, landed raw, and where the raw rows went (cleansed,
    duplicates removed, quarantined), each bar with its number."""
    tables = {name: table["rows"] for name, table in report["tables"].items() if table.get("rows")}
    if not tables:
        return None
    figure = Figure(figsize=(10, 0.8 + 1.6 * len(tables)), layout="constrained")
    axes_list = figure.subplots(len(tables), 1, squeeze=False)[:, 0]
    for axes, (name, rows) in zip(axes_list, tables.items(), strict=True):
        inputs = [(label, rows[key]) for key, label in FUNNEL_INPUTS.items() if rows.get(key) is not None]
        for position, (_, count) in enumerate(inputs):
            axes.bar_label(axes.barh(position, count, color="#1f77b4"), labels=[str(count)], label_type="center", color="white")
        left = 0
        for key, (label, colour) in FUNNEL_OUTCOMES.items():
            count = rows.get(key)
            if count:
                bar = axes.barh(len(inputs), count, left=left, color=colour, label=label)
                axes.bar_label(bar, labels=[str(count)], label_type="center", color="white")
                left += count
        axes.set_yticks(range(len(inputs) + 1), [label for label, _ in inputs] + ["raw rows went to"])
        axes.invert_yaxis()
        outcomes = ", ".join(f"{label} {rows[key]}" for key, (label, _) in FUNNEL_OUTCOMES.items() if rows.get(key) is not None)
        axes.set_title(f"{name}: {outcomes}", loc="left", fontsize=10)
    handles = [Patch(color=colour, label=label) for label, colour in FUNNEL_OUTCOMES.values()]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
    figure.suptitle(f"Rows of run {report['run_id']} by stage: source → raw → cleansed / quarantined")
    return figure


def quarantine_figure(report: Mapping[str, Any]) -> Figure | None:
    """Each reason a row was quarantined for, by table, with its count (reasons that quarantined
    nothing are left out)."""
    bars = [
        (f"{name}: {reason}", count)
        for name, table in report["tables"].items()
        for reason, count in table.get("quarantined_by_reason", {}).items()
        if count
    ]
    if not bars:
        return None
    figure = Figure(figsize=(10, 1.0 + 0.4 * len(bars)))
    axes = figure.subplots()
    bar = axes.barh([label for label, _ in bars], [count for _, count in bars], color="#d62728")
    axes.bar_label(bar, padding=3)
    axes.invert_yaxis()
    axes.set_xlabel("rows quarantined")
    axes.set_title(f"Quarantined rows of run {report['run_id']} by reason")
    return figure


def cost_figure(report: Mapping[str, Any]) -> Figure:
    cost = report["cost"]
    items = list(cost["usd_by_item"].items())
    figure = Figure(figsize=(10, 1.0 + 0.35 * len(items)))
    axes = figure.subplots()
    bar = axes.barh([item.replace("_", " ") for item, _ in items], [value for _, value in items], color="#7f7f7f")
    axes.bar_label(bar, labels=[f"${value:.6f}" for _, value in items], padding=3)
    axes.invert_yaxis()
    axes.set_xlabel("USD at the module's prices, for the emulator's durations")
    axes.set_title(f"Estimated cost of run {report['run_id']} on AWS: ${cost['estimated_usd']:.4f}")
    return figure


def _cell(value: Any, css_class: str = "") -> str:
    text = "" if value is None else html.escape(str(value))
    return f'<td class="{css_class}">{text}</td>' if css_class else f"<td>{text}</td>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(header)}</th>" for header in headers)
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(figure: Figure | None, figure_id: str, absent: str = "") -> str:
    if figure is None:
        return f"<p>{html.escape(absent)}</p>"
    return f'<figure id="{figure_id}">{_svg(figure, figure_id)}</figure>'


def _outcome(name: str, table: Mapping[str, Any], with_failure: bool) -> list[str]:
    """A table's row of a run's outcomes; with the step, error and cause where a table failed."""
    failed = table["status"] == "failed"
    cells = [_cell(name), _cell(table["status"], "failed" if failed else "")]
    if with_failure:
        cells += [_cell(f"{table['step']}: {table['error']}" if failed else None), _cell(table.get("cause"))]
    return cells


def run_section(index: int, record: ExecutionRecord) -> str:
    report = record.report
    if report is None:
        return f"<section><h2>Execution {html.escape(record.execution_arn)}: {html.escape(record.status)}, no run report</h2></section>"
    tables = report["tables"]
    failed = bool(report["failed_tables"])
    outcomes = [_outcome(name, table, failed) for name, table in tables.items()]
    not_included = "".join(f"<li>{html.escape(item)}</li>" for item in report["cost"]["not_included"])
    parts = [
        f'<section id="run-{index}"><h2>Run {html.escape(report["run_id"])}: {html.escape(report["status"])}</h2>',
        _table(["table", "outcome", *(["failed at", "cause"] if failed else [])], outcomes),
        _figure(timeline_figure(report, stage_spans(record.events)), f"run{index}-timeline"),
        _figure(funnel_figure(report), f"run{index}-funnel", "No table of this run has row counts."),
        _figure(quarantine_figure(report), f"run{index}-quarantine", "This run quarantined no row."),
        _figure(cost_figure(report), f"run{index}-cost"),
        f"<p>Not in the estimate:</p><ul>{not_included}</ul>" if not_included else "",
        "</section>",
    ]
    return "\n".join(parts)


def snapshots_section(records: Sequence[ExecutionRecord]) -> str:
    """The Iceberg snapshot each run made of each table's current state and the one before it, which
    still holds what the run replaced or deleted (`SELECT ... VERSION AS OF <snapshot>`)."""
    rows = [
        [
            _cell(value)
            for value in (
                name,
                report["run_id"],
                table.get("previous_snapshot_id") or "none",
                table["snapshot_id"],
                table.get("deletes_skipped"),
            )
        ]
        for report in (record.report for record in records)
        if report is not None
        for name, table in report["tables"].items()
        if "snapshot_id" in table
    ]
    if not rows:
        return "<section><h2>Snapshots of the current state</h2><p>No run wrote an Iceberg table.</p></section>"
    headers = ["table", "run", "snapshot before the run", "snapshot the run made", "deletes skipped"]
    return f'<section id="snapshots"><h2>Snapshots of the current state (Iceberg)</h2>{_table(headers, rows)}</section>'


def report_page(records: Sequence[ExecutionRecord], generated_at: datetime) -> str:
    """The page's HTML: a section per run, then the snapshots."""
    pipelines = sorted({record.report["pipeline"] for record in records if record.report is not None})
    title = f"Pipeline {', '.join(pipelines)}: {len(records)} runs" if len(records) != 1 else f"Pipeline {', '.join(pipelines)}: one run"
    with matplotlib.rc_context(FIGURE_SETTINGS):
        sections = [run_section(index, record) for index, record in enumerate(records, start=1)]
    return "\n".join(
        [
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
            f"<h1>{html.escape(title)}</h1><p>Written by <code>make demo</code> at {generated_at:%Y-%m-%d %H:%M:%S} UTC from each run's "
            "report (the execution's output) and its execution history.</p>",
            *sections,
            snapshots_section(records),
            "</body></html>\n",
        ]
    )


def write_report_page(records: Sequence[ExecutionRecord], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_page(records, datetime.now(UTC)), encoding="utf-8")
    return path
