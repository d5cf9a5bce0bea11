"""A job run started by a Glue workflow names its run by the workflow run: {run_id} in its arguments
is the run property run_id the run was started with, else the workflow run's id."""

import pytest

from glue_runtime import resolve_arguments
from local_aws.clients import client

ARGUMENTS = ["--output_path", "s3://lake/raw/customers/run_id={run_id}/", "--source_table", "customers"]


def started_run(properties: dict[str, str]) -> str:
    glue = client("glue")
    glue.create_workflow(Name="pipeline")
    run_id: str = glue.start_workflow_run(Name="pipeline", RunProperties=properties)["RunId"]
    return run_id


@pytest.mark.parametrize("properties", [{}, {"run_id": "2026-11-26"}], ids=["workflow-run-id", "run-property"])
def test_run_id_in_the_arguments_is_the_workflow_runs(clean_emulator: str, properties: dict[str, str]) -> None:
    workflow_run_id = started_run(properties)
    argv = ["extract_job.py", *ARGUMENTS, "--WORKFLOW_NAME", "pipeline", "--WORKFLOW_RUN_ID", workflow_run_id]

    arguments = resolve_arguments(argv, ["output_path", "source_table"])

    run_id = properties.get("run_id", workflow_run_id)
    assert (arguments["output_path"], arguments["source_table"]) == (f"s3://lake/raw/customers/run_id={run_id}/", "customers")


def test_outside_a_workflow_the_arguments_are_as_given(clean_emulator: str) -> None:
    assert resolve_arguments(["extract_job.py", *ARGUMENTS], ["output_path"])["output_path"] == "s3://lake/raw/customers/run_id={run_id}/"
