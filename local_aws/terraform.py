"""Terraform runs for the tests and the demo: the project's CLI configuration (the offline
provider mirror where it exists), and working files kept out of the configuration's folder."""

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_aws import PROJECT_ROOT

PROVIDER_MIRROR = Path("/opt/tf-plugins")


class TerraformFailed(RuntimeError):
    def __init__(self, command: list[str], output: str) -> None:
        super().__init__(f"`terraform {' '.join(command)}` failed:\n{output}")
        self.output = output


def cli_config_file() -> str:
    """The project's CLI config where the offline mirror exists; Terraform's defaults elsewhere."""
    return str(PROJECT_ROOT / "terraform.rc") if PROVIDER_MIRROR.is_dir() else os.devnull


def _variable_arguments(variables: dict[str, Any]) -> list[str]:
    return [f"-var={name}={value if isinstance(value, str) else json.dumps(value)}" for name, value in variables.items()]


@dataclass
class TerraformWorkspace:
    """A configuration folder run with its state and plugins kept in `work_dir`."""

    config_dir: Path
    work_dir: Path

    @property
    def state_file(self) -> Path:
        return self.work_dir / "terraform.tfstate"

    def run(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        environment = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": cli_config_file(),
            "TF_DATA_DIR": str(self.work_dir / ".terraform"),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
        }
        command = ["terraform", f"-chdir={self.config_dir}", *arguments]
        result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise TerraformFailed(list(arguments), result.stdout + result.stderr)
        return result

    def init(self) -> None:
        self.run("init", "-no-color")

    def apply(self, variables: dict[str, Any]) -> None:
        self.run("apply", "-auto-approve", "-no-color", f"-state={self.state_file}", *_variable_arguments(variables))

    def plan(self, variables: dict[str, Any], check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run(
            "plan", "-no-color", "-detailed-exitcode", f"-state={self.state_file}", *_variable_arguments(variables), check=check
        )

    def saved_plan(self, variables: dict[str, Any], plan_file: Path) -> dict[str, list[str]]:
        """Plan `variables` into `plan_file`, for apply_plan to apply as planned: the planned actions
        (e.g. ["update"], ["delete", "create"] for a replacement) of each managed resource that changes."""
        self.run("plan", "-no-color", f"-state={self.state_file}", f"-out={plan_file}", *_variable_arguments(variables))
        shown = json.loads(self.run("show", "-json", str(plan_file)).stdout)
        return {
            change["address"]: change["change"]["actions"]
            for change in shown.get("resource_changes", [])
            if change["mode"] == "managed" and change["change"]["actions"] != ["no-op"]
        }

    def apply_plan(self, plan_file: Path) -> None:
        self.run("apply", "-no-color", f"-state={self.state_file}", str(plan_file))

    def destroy(self, variables: dict[str, Any]) -> None:
        """Destroy what the state holds without reading every resource again first (-refresh=false):
        the tests destroy stacks they have just applied and checked, and skipping that read saves a
        third of the destroy (21 s to 14 s for the module's default stack on 2 cores)."""
        self.run("destroy", "-auto-approve", "-no-color", "-refresh=false", f"-state={self.state_file}", *_variable_arguments(variables))

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.run("output", "-json", f"-state={self.state_file}").stdout)
        return {name: output["value"] for name, output in raw.items()}

    def resources(self) -> list[str]:
        if not self.state_file.exists():
            return []
        listed = self.run("state", "list", f"-state={self.state_file}").stdout
        return [line for line in listed.splitlines() if line]
