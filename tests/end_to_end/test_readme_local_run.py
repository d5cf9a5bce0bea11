"""The README's local run, followed as a reader follows it: the commands between its LOCAL_RUN
markers run as they are, in bash, from a copy of the project — `make emulator-up` (Glue jobs on local
Spark, as a person's emulator runs them), `make example-data`, `terraform apply` of
`examples/minimal`, the AWS CLI starting the execution and waiting for it, `aws s3 sync` of the lake.
Only the emulator's port differs (4566 in the README, a free one here, so that test sessions run side
by side), and the environment says where Terraform finds its providers, as the Makefile does."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from local_aws import PROJECT_ROOT
from local_aws.clients import free_port
from local_aws.emulator import is_up
from local_aws.terraform import cli_config_file

pytestmark = [pytest.mark.terraform, pytest.mark.spark]

README = PROJECT_ROOT / "README.md"
BEGIN, END = "<!-- BEGIN_LOCAL_RUN", "<!-- END_LOCAL_RUN -->"
README_ENDPOINT = "127.0.0.1:4566"
# What a clone holds; the venv is the one running these tests.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", ".venv-checkov", ".local", ".terraform", ".terraform.lock.hcl", "*.tfstate*", "demo-output", "lake",
    "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "spark-warehouse", "metastore_db", "*_override.tf",
)  # fmt: skip
# What `make emulator-up` builds first: built already by `make test`, or this test would reinstall the venv.
EMULATOR_PREREQUISITES = [".venv/.installed", ".venv/share/iceberg-jars/.built", "/usr/share/java/postgresql.jar"]
SAMPLE_ORDERS = PROJECT_ROOT / "sample_data" / "orders_dirty.csv"


def readme_local_run() -> str:
    """The commands of the README's local run, as a reader copies them."""
    text = README.read_text()
    block = text[text.index(BEGIN) : text.index(END)]
    return block.split("```bash\n", 1)[1].split("```", 1)[0]


def project_copy(destination: Path) -> Path:
    """A clone's files (mtimes kept, so make judges them as in the project), with the project's venv."""
    shutil.copytree(PROJECT_ROOT, destination, symlinks=True, ignore=NOT_IN_A_CLONE)
    (destination / ".venv").symlink_to(Path(sys.prefix))
    return destination


def reader_environment(port: int) -> dict[str, str]:
    """A shell with no AWS settings of its own, the venv activated, and the emulator's port for make."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "TF_"))}
    environment.update(
        PATH=f"{Path(sys.prefix) / 'bin'}{os.pathsep}{os.environ['PATH']}",
        LOCAL_AWS_PORT=str(port),
        TF_CLI_CONFIG_FILE=cli_config_file(),
        TF_IN_AUTOMATION="1",
    )
    return environment


def test_the_readme_local_run_succeeds_with_rows_to_look_at(tmp_path: Path) -> None:
    commands = readme_local_run()
    assert README_ENDPOINT in commands, "the README's local run no longer names the emulator's endpoint"
    project = project_copy(tmp_path / "project")
    port = free_port()
    environment = reader_environment(port)
    stale = subprocess.run(["make", "--question", *EMULATOR_PREREQUISITES], cwd=project, env=environment, check=False)
    if stale.returncode != 0:
        pytest.fail("The venv, Iceberg's jars or the JDBC driver are not built: run `make unit` (this test runs `make emulator-up`).")

    try:
        completed = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", commands.replace(README_ENDPOINT, f"127.0.0.1:{port}")],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    finally:
        subprocess.run(["make", "emulator-down"], cwd=project, env=environment, capture_output=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert not is_up(port)

    status, output = _execution_line(completed.stdout)
    assert status == "SUCCEEDED", completed.stdout
    report = json.loads(output)
    assert report["tables"]["orders"]["status"] == "succeeded", report

    example = project / "examples" / "minimal"
    raw_files = sorted((example / "lake" / "raw" / "minimal-orders" / "orders").glob("*/*.csv"))
    raw_rows = [row for path in raw_files for row in csv.DictReader(io.StringIO(path.read_text()))]
    with SAMPLE_ORDERS.open(newline="") as handle:
        sample_rows = list(csv.DictReader(handle))
    assert sorted(tuple(row.items()) for row in raw_rows) == sorted(tuple(row.items()) for row in sample_rows)
    cleansed_files = sorted((example / "lake" / "cleansed" / "minimal-orders" / "orders").glob("**/*.parquet"))
    cleansed_rows = [row for path in cleansed_files for row in pq.read_table(path).to_pylist()]
    assert sorted(row["order_id"] for row in cleansed_rows) == sorted({row["order_id"] for row in sample_rows})
    # What the reader sees: the raw CSV as landed, then the cleansed rows as a table.
    assert SAMPLE_ORDERS.read_text().splitlines()[1] in completed.stdout.splitlines()
    assert "│ order_id │" in completed.stdout


def _execution_line(stdout: str) -> tuple[str, str]:
    """Status and run report of the README's `describe-execution --query '[status, output]' --output text`."""
    line = next((line for line in stdout.splitlines() if line.startswith(("SUCCEEDED\t", "FAILED\t", "TIMED_OUT\t", "ABORTED\t"))), None)
    assert line is not None, f"no execution status in the output:\n{stdout}"
    status, output = line.split("\t", 1)
    return status, output
