"""The plan of each run of `terraform test`, read from `terraform test -json -verbose`: how tools see
what a configuration would deploy without deploying it (tools/state_machine_docs.py,
tools/lint_iam_policies.py)."""

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROVIDER_MIRROR = Path("/opt/tf-plugins")


def terraform(*arguments: str, data_dir: Path, chdir: Path = ROOT) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(ROOT / "terraform.rc") if PROVIDER_MIRROR.is_dir() else os.devnull,
        "TF_DATA_DIR": str(data_dir),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
    }
    return subprocess.run(["terraform", f"-chdir={chdir}", *arguments], env=environment, capture_output=True, text=True, check=False)


@dataclass
class TestRuns:
    plans: dict[str, dict[str, Any]]  # each run's plan, by run name
    failed_assertions: list[str]  # each failed assert's run and message
    errors: list[str]  # any other error diagnostic


class TerraformTestError(Exception):
    pass


def plans_of_runs(data_dir: Path, test_directory: str = "tests", test_file: str | None = None) -> TestRuns:
    """Each run of the test files in `test_directory` (only `test_file`, a path from the root, when
    given), with a Terraform data dir of its own."""
    selection = [f"-test-directory={test_directory}"]
    init = terraform("init", "-backend=false", "-no-color", *selection, data_dir=data_dir)
    if init.returncode != 0:
        raise TerraformTestError(f"terraform init failed:\n{init.stdout}{init.stderr}")
    if test_file is not None:
        selection.append(f"-filter={test_file}")
    result = terraform("test", "-no-color", *selection, "-json", "-verbose", data_dir=data_dir)
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    failed: list[str] = []
    errors: list[str] = []
    for message in messages:
        if message["type"] == "diagnostic" and message["diagnostic"]["severity"] == "error":
            diagnostic = message["diagnostic"]
            text = f"{message.get('@testrun', message.get('@testfile', ''))}: {diagnostic['summary']}: {diagnostic.get('detail', '')}"
            (failed if diagnostic["summary"] == "Test assertion failed" else errors).append(text)
    if result.returncode != 0 and not failed and not errors:
        errors.append(result.stderr or result.stdout)
    plans = {message["@testrun"]: message["test_plan"] for message in messages if message["type"] == "test_plan"}
    return TestRuns(plans, failed, errors)
