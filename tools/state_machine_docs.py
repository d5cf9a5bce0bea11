"""`make docs`: each state machine mode's definition, as the module deploys it, and its picture, in
docs/state_machine/ (run as `python -m tools.state_machine_docs`, `--check` to only compare).

Terraform renders state_machine.asl.json itself, offline, in the runs of tests/state_machine_docs.tftest.hcl;
their plans give the definitions. For each mode this writes <mode>.asl.json, <mode>.dot (tools/asl_graph.py)
and, when Graphviz is installed, <mode>.svg. An SVG's second line is the hash of the DOT text it was drawn
from: SVG bytes vary with the Graphviz version, so the check compares the hash, and needs no Graphviz.
"""

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tools.asl_graph import to_dot
from tools.terraform_test_plans import ROOT, TerraformTestError, plans_of_runs

TEST_FILE = "tests/state_machine_docs.tftest.hcl"
DOCS = ROOT / "docs" / "state_machine"
DATA_DIR = ROOT / ".local" / "docs" / ".terraform"
# Each run of TEST_FILE and the mode it renders: crawler_wait (or "jobs", catalog_updates = "jobs",
# which has no crawl to wait for), then cleansed_format.
MODES = {
    "docs_poll_parquet": "poll-parquet",
    "docs_event_parquet": "event-parquet",
    "docs_poll_iceberg": "poll-iceberg",
    "docs_event_iceberg": "event-iceberg",
    "docs_jobs_parquet": "jobs-parquet",
    "docs_jobs_iceberg": "jobs-iceberg",
}


def definition_text(definition: dict[str, Any]) -> str:
    return json.dumps(definition, indent=2, ensure_ascii=False) + "\n"


def svg_stamp(dot: str) -> str:
    return f"<!-- from its .dot sha256={hashlib.sha256(dot.encode()).hexdigest()} -->"


def stamped_svg(dot: str, dot_binary: str) -> str:
    svg = subprocess.run([dot_binary, "-Tsvg"], input=dot, capture_output=True, text=True, check=True).stdout
    first, rest = svg.split("\n", 1)
    return f"{first}\n{svg_stamp(dot)}\n{rest}"


def rendered_definitions() -> dict[str, dict[str, Any]]:
    runs = plans_of_runs(DATA_DIR, test_file=TEST_FILE)
    if runs.errors:
        raise TerraformTestError("\n".join(runs.errors))
    # A failed assertion is a definition that differs from docs/: what this tool is run to write.
    return {mode: json.loads(runs.plans[run]["output_changes"]["state_machine_definition"]["after"]) for run, mode in MODES.items()}


def expected_files(definitions: dict[str, dict[str, Any]]) -> dict[Path, str]:
    return {
        path: text
        for mode, definition in definitions.items()
        for path, text in ((DOCS / f"{mode}.asl.json", definition_text(definition)), (DOCS / f"{mode}.dot", to_dot(definition, mode)))
    }


def stale_pictures() -> list[str]:
    """The SVGs whose stamp is not the hash of the .dot beside them."""
    stale = []
    for mode in MODES.values():
        dot, svg = DOCS / f"{mode}.dot", DOCS / f"{mode}.svg"
        lines = svg.read_text().splitlines()[:2] if svg.exists() else []
        if not dot.exists() or lines[1:] != [svg_stamp(dot.read_text())]:
            stale.append(str(svg.relative_to(ROOT)))
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if docs/state_machine/ differs from what would be written")
    arguments = parser.parse_args(argv)
    files = expected_files(rendered_definitions())
    if arguments.check:
        differing = [str(path.relative_to(ROOT)) for path, text in files.items() if not path.exists() or path.read_text() != text]
        differing += stale_pictures()
        if differing:
            print("Not current, run `make docs`: " + ", ".join(differing), file=sys.stderr)
            return 1
        return 0
    DOCS.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text)
    dot_binary = shutil.which("dot")
    if dot_binary is None:
        print("Graphviz (dot) is not installed: the .svg pictures were not redrawn (`make docs` installs it).", file=sys.stderr)
        return 0 if not stale_pictures() else 1
    for mode in MODES.values():
        (DOCS / f"{mode}.svg").write_text(stamped_svg((DOCS / f"{mode}.dot").read_text(), dot_binary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
