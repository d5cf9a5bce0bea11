"""Checks on the committed files themselves: the Lambda zips, the README's generated reference, and the
module's plan-level `terraform test` suite."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from local_aws import PROJECT_ROOT
from local_aws.clients import endpoint_url, free_port
from local_aws.terraform import EMULATED_SERVICES, TerraformWorkspace, emulator_override
from tests.stacks import TEST_ROOT


def test_readme_stays_a_manual() -> None:
    # The user's manual: how the repository is tested and how the emulator works are in CONTRIBUTING.md
    # and local_aws/README.md.
    lines = (PROJECT_ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= 350
    assert [line for line in lines if "local_aws/emulator/" in line] == []


def test_lambda_zips_are_built_from_the_committed_sources() -> None:
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "tools" / "build_lambda_packages.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_readme_reference_matches_the_variables_and_outputs() -> None:
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "tools" / "terraform_docs.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def module_workspace(tmp_path_factory: pytest.TempPathFactory) -> TerraformWorkspace:
    workspace = TerraformWorkspace(PROJECT_ROOT, tmp_path_factory.mktemp("module"))
    workspace.run("init", "-backend=false", "-no-color")
    return workspace


@pytest.mark.terraform
def test_module_plan_suite_passes(module_workspace: TerraformWorkspace) -> None:
    result = module_workspace.run("test", "-no-color", "-filter=tests/module_plan.tftest.hcl", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout and "passed" in result.stdout, result.stdout


@pytest.mark.terraform
def test_catalog_updates_plan_suite_passes(module_workspace: TerraformWorkspace) -> None:
    result = module_workspace.run("test", "-no-color", "-filter=tests/catalog_updates.tftest.hcl", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout and "passed" in result.stdout, result.stdout


@pytest.mark.terraform
def test_operations_plan_suite_passes(module_workspace: TerraformWorkspace) -> None:
    result = module_workspace.run("test", "-no-color", "-filter=tests/operations.tftest.hcl", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout and "passed" in result.stdout, result.stdout


@pytest.mark.terraform
def test_state_machine_is_created_after_its_role_policy(module_workspace: TerraformWorkspace) -> None:
    # `terraform graph` draws an edge from each resource to what it waits for, transitively reduced.
    edges = re.findall(r'^\s*"([^"]+)" -> "([^"]+)"', module_workspace.run("graph").stdout, re.MULTILINE)
    waits_for: dict[str, set[str]] = {}
    for resource, dependency in edges:
        waits_for.setdefault(resource, set()).add(dependency)
    reached: set[str] = set()
    frontier = ["aws_sfn_state_machine.pipeline"]
    while frontier:
        for dependency in waits_for.get(frontier.pop(), set()) - reached:
            reached.add(dependency)
            frontier.append(dependency)
    assert "aws_iam_role_policy.state_machine" in reached


@pytest.mark.terraform
@pytest.mark.parametrize("example", ["minimal", "complete", "event_driven", "glue_workflow"])
def test_examples_are_valid_configurations(example: str, tmp_path: Path) -> None:
    workspace = TerraformWorkspace(PROJECT_ROOT / "examples" / example, tmp_path)
    workspace.run("init", "-backend=false", "-no-color")
    result = workspace.run("validate", "-no-color", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# The provider's endpoint of each service whose resources (by type prefix) the module and its
# examples create or read; data sources answered without a call (policy documents) need none.
ENDPOINT_OF_RESOURCE_PREFIX = {
    "aws_cloudwatch_event_": "eventbridge",
    "aws_cloudwatch_log_": "cloudwatchlogs",
    "aws_cloudwatch_dashboard": "cloudwatch",
    "aws_cloudwatch_metric_alarm": "cloudwatch",
    "aws_dynamodb_": "dynamodb",
    "aws_glue_": "glue",
    "aws_iam_role": "iam",
    "aws_kms_": "kms",
    "aws_lambda_": "lambda",
    "aws_s3_": "s3",
    "aws_secretsmanager_": "secretsmanager",
    "aws_sfn_": "sfn",
    "aws_sns_": "sns",
    "aws_caller_identity": "sts",
    "aws_subnet": "ec2",
}
NO_CALL_DATA_SOURCES = {"aws_iam_policy_document", "aws_partition", "aws_region"}


def test_the_emulator_override_reaches_every_service_the_module_uses() -> None:
    """Through `emulator_override.tf`, a service without its endpoint would be called on AWS itself."""
    sources = [*PROJECT_ROOT.glob("*.tf"), *(PROJECT_ROOT / "examples" / "complete").glob("*.tf")]
    types = {match for path in sources for match in re.findall(r'^(?:resource|data) "(aws_\w+)"', path.read_text(), re.MULTILINE)}
    endpoints = set(re.findall(r"^\s+(\w+)\s+= ", emulator_override("http://127.0.0.1:4566").split("endpoints {", 1)[1], re.MULTILINE))
    assert endpoints == set(EMULATED_SERVICES)
    needed = {
        type_name: next((endpoint for prefix, endpoint in ENDPOINT_OF_RESOURCE_PREFIX.items() if type_name.startswith(prefix)), None)
        for type_name in types - NO_CALL_DATA_SOURCES
    }
    assert {type_name: endpoint for type_name, endpoint in needed.items() if endpoint not in endpoints} == {}


# Seven bad values in one plan: Terraform reports every failed validation of a plan at once. That each
# is refused is proven by the plan suite (tests/module_plan.tftest.hcl); `terraform test` does not
# show a refusal's message, so the wording is checked here.
BAD_VALUES: dict[str, Any] = {
    "name_prefix": "ETL_Prod",
    "number_of_workers": 0,
    "schedule_expression": "every day at 3",
    "flex_execution": True,
    "worker_type": "G.4X",
    "catalog_updates": "job",
    "tables": {"customers": {"key_columns": ["id"], "required_columns": ["Email"]}, "orders": {"key_columns": []}},
}
VALIDATION_MESSAGES = [
    "name_prefix must be 3-32 characters of lower-case letters",
    "number_of_workers must be a whole number from 2 to 299",
    "schedule_expression must be rate(1 minute|hour|day), rate(<n> minutes|hours|days) for n > 1, or cron(<six fields>)",
    "flex_execution needs worker_type G.1X or G.2X",
    'catalog_updates must be "crawlers" (the raw and cleansed crawlers catalog each run\'s output) or "jobs"',
    "Every table needs key_columns: at least one column, each named once. Not so for: orders.",
    "Cleansing rules must name columns as the Glue catalog does, in lower case (letters, digits, underscores). Not so in: customers.",
]

# Terraform skips a validation that refers to a variable whose own validation failed (worker_type's
# refers to glue_version, flex_execution's to worker_type): these get a plan each.
DEPENDENT_BAD_VALUES: list[tuple[dict[str, Any], list[str]]] = [
    (
        {"name_prefix": "etl-static", "glue_version": "auto"},
        ['"auto" would let Glue move the jobs to a version this module has not been proven on'],
    ),
    (
        {"name_prefix": "etl-static", "glue_version": "5.1", "worker_type": "G.1X.GRAVITON"},
        ["worker_type G.1X.GRAVITON is a Graviton (arm64) worker type, which Glue has from version 6.1 on"],
    ),
]

# A table's deletes and bookmark settings: every refusal names the tables it refuses and the fix
# (tables of one plan each break one rule; a bookmarked mirror needs bookmarks on, so a plan of its own).
# bookmark_keys without jdbc_source is refused by jdbc_source's validation, which this offline plan
# never reaches (the test root's jdbc_source refers to a resource): the plan suite proves that one.
TABLE_SETTING_BAD_VALUES: list[tuple[dict[str, Any], list[str]]] = [
    (
        {
            "name_prefix": "etl-static",
            "tables": {
                "odd_deletes": {"key_columns": ["id"], "deletes": "purge"},
                "flag_parquet": {"key_columns": ["id"], "column_types": {"is_deleted": "boolean"}, "deleted_flag_column": "is_deleted"},
                "flag_untyped": {"key_columns": ["id"], "column_types": {"status": "string"}, "deleted_flag_column": "status"},
                "flag_is_order": {
                    "key_columns": ["id"],
                    "order_by_column": "updated_at",
                    "column_types": {"updated_at": "timestamp"},
                    "deleted_flag_column": "updated_at",
                },
                "upper_flag": {"key_columns": ["id"], "column_types": {"deleted": "boolean"}, "deleted_flag_column": "Deleted"},
                "keys_no_bookmarks": {"key_columns": ["id"], "bookmark_keys": ["updated_at"]},
                "desc_without_keys": {"key_columns": ["id"], "bookmark_keys_sort_order": "desc"},
                "bad_order": {
                    "key_columns": ["id"],
                    "job_bookmarks": True,
                    "bookmark_keys": ["updated_at"],
                    "bookmark_keys_sort_order": "up",
                },
                "empty_keys": {"key_columns": ["id"], "job_bookmarks": True, "bookmark_keys": []},
            },
        },
        [
            "deleted_flag_column and bookmark_keys must name columns as the Glue catalog does, in lower case",
            "(letters, digits, underscores). Not so in: upper_flag.",
            'A table\'s deletes must be "keep" (rows deleted at the source stay) or "mirror"',
            "(they leave the current state). Not so for: odd_deletes.",
            'set cleansed_format = "iceberg", or remove them from: flag_is_order, flag_parquet, flag_untyped, odd_deletes, upper_flag.',
            "A table's deleted_flag_column must be one of its column_types, typed boolean (true: deleted) or timestamp (set: deleted)",
            'e.g. column_types = { is_deleted = "boolean" }. Not so for: flag_untyped, upper_flag.',
            "not one of its key_columns or its order_by_column (set on every row, it would delete every row). Not so for: flag_is_order.",
            'A table\'s bookmark_keys_sort_order must be "asc" (the keys only grow) or "desc" (they only shrink). Not so for: bad_order.',
            "A table's bookmark_keys names at least one column, each once",
            "(or is left out: Glue then compares the primary key). Not so for: empty_keys.",
            "set bookmark_keys too, or remove bookmark_keys_sort_order from: desc_without_keys.",
            "set job_bookmarks = true (or job_bookmarks_enabled), or remove bookmark_keys from: keys_no_bookmarks.",
        ],
    ),
    (
        {
            "name_prefix": "etl-static",
            "cleansed_format": "iceberg",
            "job_bookmarks_enabled": True,
            "tables": {"mirrored": {"key_columns": ["id"], "deletes": "mirror"}, "bookmarked": {"key_columns": ["id"]}},
        },
        [
            'deletes = "mirror" needs the whole source table in each extract, and a bookmarked extract holds only the rows past',
            'the bookmark (every other key would be deleted): set job_bookmarks = false on, or remove deletes = "mirror" from: mirrored.',
        ],
    ),
]


# The alarms input: each refusal names the problem and the fix (refused at all: tests/operations.tftest.hcl).
ALARM_BAD_VALUES: list[tuple[dict[str, Any], list[str]]] = [
    (
        {
            "name_prefix": "etl-static",
            "max_quarantine_ratio": 0.05,
            "alarms": {"quarantine_ratio": {"threshold": 0.1}, "freshness": {"hours": 200}},
        },
        [
            "alarms.quarantine_ratio.threshold (0.1) must be below max_quarantine_ratio (0.05):",
            "a table that quarantines more than the gate fails and publishes no ratio, so this alarm could never fire.",
            "alarms.freshness.hours must be a whole number of hours from 1 to 168: CloudWatch evaluates an alarm over at most 7 days.",
        ],
    ),
    (
        {
            "name_prefix": "etl-static",
            "orchestration": "glue_workflow",
            "alarms": {"quarantine_ratio": {"threshold": 2}, "run_duration": {"enabled": True}},
        },
        [
            "alarms.quarantine_ratio.threshold is a share of a table's input rows: from 0 (any quarantined row alarms) to below 1",
            'alarms.run_duration needs orchestration = "step_functions": a Glue workflow run has no report and publishes no RunSeconds.',
        ],
    ),
]


@pytest.mark.terraform
def test_validation_messages_say_what_is_expected(tmp_path: Path) -> None:
    # Offline: the provider's endpoints are a loopback port nothing listens on, so its one read (the
    # account ID) fails beside the validations and nothing reaches AWS or an emulator.
    workspace = TerraformWorkspace(TEST_ROOT, tmp_path, emulator_endpoint=endpoint_url(free_port()))
    workspace.init()
    for bad_values, messages in [(BAD_VALUES, VALIDATION_MESSAGES), *DEPENDENT_BAD_VALUES, *TABLE_SETTING_BAD_VALUES, *ALARM_BAD_VALUES]:
        result = workspace.plan(bad_values, check=False)
        assert result.returncode == 1, result.stdout
        said = " ".join((result.stdout + result.stderr).split())
        assert [message for message in messages if message not in said] == [], said
