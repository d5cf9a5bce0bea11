"""The module as a user meets it: consumed from another folder with nothing but init and
apply, and bad variable values stopped at plan with a message that says what is expected."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_aws.clients import client
from local_aws.terraform import PROJECT_ROOT, TerraformFailed, TerraformWorkspace

pytestmark = pytest.mark.terraform

COMPLETE_EXAMPLE = PROJECT_ROOT / "examples" / "complete"
TEST_ROOT = Path(__file__).resolve().parent / "emulator_root"


# The source database's password the complete example is applied with.
SOURCE_PASSWORD = "pw-for-the-secret-only-4f9c"


@pytest.fixture(scope="module")
def complete_workspace(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TerraformWorkspace]:
    workspace = TerraformWorkspace(COMPLETE_EXAMPLE, tmp_path_factory.mktemp("complete-example"))
    variables = {"local_endpoint": emulator_endpoint, "source_database_password": SOURCE_PASSWORD}
    workspace.init()
    workspace.apply(variables)
    yield workspace
    workspace.destroy(variables)
    assert workspace.resources() == []


@pytest.fixture(scope="module")
def complete_example(complete_workspace: TerraformWorkspace) -> dict[str, str]:
    return complete_workspace.outputs()


def test_complete_example_applies_from_its_own_folder(complete_example: dict[str, str]) -> None:
    arn = complete_example["state_machine_arn"]
    assert client("stepfunctions").describe_state_machine(stateMachineArn=arn)["status"] == "ACTIVE"
    assert client("glue").get_crawler(Name=complete_example["source_crawler_name"])["Crawler"]["Targets"]["JdbcTargets"]
    assert client("s3").head_bucket(Bucket=complete_example["bucket_name"])["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_complete_example_writes_the_password_to_the_secret_and_keeps_it_out_of_the_state(
    complete_workspace: TerraformWorkspace,
) -> None:
    assert (
        json.loads(client("secretsmanager").get_secret_value(SecretId="etl-complete-source-database")["SecretString"])["password"]
        == SOURCE_PASSWORD
    )
    shown = complete_workspace.run("show", "-json", "-no-color", str(complete_workspace.state_file)).stdout
    (version,) = [
        resource["values"]
        for resource in json.loads(shown)["values"]["root_module"]["resources"]
        if resource["address"] == "aws_secretsmanager_secret_version.source_database"
    ]
    assert (version["has_secret_string_wo"], version["secret_string"], version["secret_string_wo"]) == (True, "", None)
    assert SOURCE_PASSWORD not in complete_workspace.state_file.read_text()
    assert SOURCE_PASSWORD not in shown


@pytest.fixture(scope="module")
def test_root(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> TerraformWorkspace:
    workspace = TerraformWorkspace(TEST_ROOT, tmp_path_factory.mktemp("validation"))
    workspace.init()
    return workspace


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"number_of_workers": 0}, "number_of_workers must be a whole number from 2 to 299"),
        (
            {"schedule_expression": "every day at 3"},
            "schedule_expression must be rate(1 minute|hour|day), rate(<n> minutes|hours|days) for n > 1, or cron(<six fields>)",
        ),
        ({"name_prefix": "ETL_Prod"}, "name_prefix must be 3-32 characters of lower-case letters"),
        ({"flex_execution": True, "worker_type": "G.4X"}, "flex_execution needs worker_type G.1X or G.2X"),
        (
            {"tables": {"customers": {"key_columns": ["id"]}, "orders": {"key_columns": []}}},
            "Every table needs key_columns: at least one column, each named once. Not so for: orders.",
        ),
        (
            {"tables": {"customers": {"key_columns": ["id"], "required_columns": ["Email"]}}},
            "Cleansing rules must name columns as the Glue catalog does, in lower case (letters, digits, underscores). "
            "Not so in: customers.",
        ),
    ],
)
def test_bad_variable_fails_plan_with_its_message(
    test_root: TerraformWorkspace, emulator_endpoint: str, variables: dict[str, object], message: str
) -> None:
    with pytest.raises(TerraformFailed) as failure:
        test_root.plan({"local_endpoint": emulator_endpoint, "name_prefix": "etl-invalid", **variables})
    assert message in " ".join(failure.value.output.split())
