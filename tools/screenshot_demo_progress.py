"""Makes docs/demo_progress.png, the README's picture of `make demo`'s live progress table: the table
local_aws/demo/progress.py draws on a terminal, at a moment of a recorded run of three tables whose
orders extract failed (tests/local_aws/demo/histories/orders_extract_fails.json.gz, the run the
progress tests read), while the customers cleanse job runs. rich draws it as SVG, headless Chromium
takes the PNG.

    .venv/bin/python -m tools.screenshot_demo_progress [--chromium /usr/bin/chromium]

Make it again when the progress table's look changes (its columns, states, colours)."""

import argparse
import gzip
import io
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from local_aws import PROJECT_ROOT
from local_aws.demo.progress import RunProgress, progress_table

HISTORY = PROJECT_ROOT / "tests" / "local_aws" / "demo" / "histories" / "orders_extract_fails.json.gz"
TABLES = ["countries", "customers", "orders"]
OUTPUT = PROJECT_ROOT / "docs" / "demo_progress.png"
# Seconds into the customers cleanse job (50 s in all in the recorded run) the picture is taken at.
SECONDS_INTO_CLEANSE = 22.0
# The terminal's columns: as wide as the table.
COLUMNS = 90


def recorded_events() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(gzip.decompress(HISTORY.read_bytes()))
    for event in events:
        event["timestamp"] = datetime.fromisoformat(event["timestamp"])
    return events


def mid_run_progress() -> tuple[RunProgress, datetime]:
    """The run as the demo shows it while customers is being cleansed: countries done, orders failed."""
    progress = RunProgress(TABLES)
    for event in recorded_events():
        progress.add(event)
        cleanse = progress.tables["customers"]["cleanse"]
        if cleanse.state == "running" and cleanse.started is not None:
            return progress, cleanse.started + timedelta(seconds=SECONDS_INTO_CLEANSE)
    raise SystemExit(f"{HISTORY.name} never starts the customers cleanse: record the histories again (record_histories.py)")


def progress_svg() -> str:
    progress, now = mid_run_progress()
    console = Console(record=True, force_terminal=True, color_system="truecolor", width=COLUMNS, file=io.StringIO())
    console.print(progress_table(progress, now, title="Run orders-fail"))
    return console.export_svg(title="make demo")


def svg_size(svg: str) -> tuple[int, int]:
    """The width and height of the SVG's viewBox, rounded up."""
    view_box = svg.split('viewBox="', 1)[1].split('"', 1)[0]
    _, _, width, height = (float(value) for value in view_box.split())
    return int(width + 0.999), int(height + 0.999)


def screenshot(svg: str, chromium: str, output: Path) -> None:
    width, height = svg_size(svg)
    with tempfile.TemporaryDirectory() as scratch:
        # The SVG at its own size, alone on a page the window fits exactly.
        page = Path(scratch) / "progress.html"
        page.write_text(
            "<!DOCTYPE html><html><head><style>html, body { margin: 0; background: #fff; } "
            f"svg {{ display: block; width: {width}px; height: {height}px; }}</style></head><body>{svg}</body></html>"
        )
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={scratch}/profile",
                f"--window-size={width},{height}",
                f"--screenshot={output}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium to take the screenshot with")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    screenshot(progress_svg(), arguments.chromium, arguments.output)
    print(f"{arguments.output}: {arguments.output.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
