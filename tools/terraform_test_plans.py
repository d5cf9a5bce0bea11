"""The plan of each run of a `terraform test` file, read from `terraform test -json -verbose`: how tools
render what the module would deploy without deploying it (tools/state_machine_docs.py)."""

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


def plans_of_runs(test_file: str, data_dir: Path) -> TestRuns:
    """Each run of `test_file` (a path from the root, e.g. tests/x.tftest.hcl), run with its own data dir."""
    init = terraform("init", "-backend=false", "-no-color", data_dir=data_dir)
    if init.returncode != 0:
        raise TerraformTestError(f"terraform init failed:\n{init.stdout}{init.stderr}")
    result = terraform("test", "-no-color", f"-filter={test_file}", "-json", "-verbose", data_dir=data_dir)
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    failed: list[str] = []
    errors: list[str] = []
    for message in messages:
        if message["type"] == "diagnostic" and message["diagnostic"]["severity"] == "error":
            diagnostic = message["diagnostic"]
            text = f"{message.get('@testrun', test_file)}: {diagnostic['summary']}: {diagnostic.get('detail', '')}"
            (failed if diagnostic["summary"] == "Test assertion failed" else errors).append(text)
    if result.returncode != 0 and not failed and not errors:
        errors.append(result.stderr or result.stdout)
    plans = {message["@testrun"]: message["test_plan"] for message in messages if message["type"] == "test_plan"}
    return TestRuns(plans, failed, errors)
