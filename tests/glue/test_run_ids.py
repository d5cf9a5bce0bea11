"""One run id rule (glue_scripts/run_ids.py), judged alike wherever a run id arrives: the state
machine's first step (resolve_run), the extract and cleanse jobs (--run_id), and a Glue workflow's run property.
Each place refuses before any path is built from the id."""

import string

import pytest

from glue_runtime import resolve_arguments
from local_aws.clients import client
from resolve_run import InvalidExecutionInput, lambda_handler

TABLE_NAMES = ["customers", "orders"]
# Run ids and whether they may name a run's folders.
RUN_IDS = {
    "2026-11-24": True,
    "demo": True,
    "Nightly_run.2": True,
    "0" * 80: True,
    "0" * 81: False,
    "": False,
    "2026/11/24": False,
    "..": False,
    "x/../../cleansed": False,
    "2026-11-24T03:00:00": False,
    "a b": False,
    ".hidden": False,
    "_tmp": False,
    "-x": False,
    "café": False,
    "rün": False,
    "tab\there": False,
    "new\nline": False,
    "a%3Ab": False,
    "key=value": False,
    # Every printable ASCII character, inside an id and starting one.
    **{f"a{character}b": character.isalnum() or character in "._-" for character in string.printable},
    **{f"{character}b": character.isalnum() for character in string.printable},
}


def first_step_accepts(run_id: object) -> bool:
    try:
        lambda_handler({"input": {"run_id": run_id}, "execution_name": "exec", "table_names": TABLE_NAMES}, None)
    except InvalidExecutionInput:
        return False
    return True


def job_accepts(script: str, argv: list[str]) -> bool:
    try:
        resolve_arguments([script, *argv], ["output_path"], ("run_id",))
    except SystemExit as exit_:
        assert exit_.code == 2
        return False
    return True


@pytest.mark.parametrize("run_id", RUN_IDS, ids=repr)
def test_the_first_step_and_both_jobs_judge_a_run_id_alike(run_id: str) -> None:
    verdicts = (
        first_step_accepts(run_id),
        job_accepts("extract_job.py", ["--output_path", "s3://lake/raw/", "--run_id", run_id]),
        job_accepts("cleanse_job.py", ["--output_path", "s3://lake/cleansed/", "--run_id", run_id]),
    )
    assert verdicts == (RUN_IDS[run_id],) * 3


def test_a_workflow_run_property_is_judged_alike_and_refused_before_any_path(
    clean_emulator: str, capsys: pytest.CaptureFixture[str]
) -> None:
    glue = client("glue")
    glue.create_workflow(Name="pipeline")
    for run_id, accepted in {"2026-11-26": True, "x/../../../cleansed/customers": False, "rün": False, "0" * 81: False}.items():
        workflow_run_id = glue.start_workflow_run(Name="pipeline", RunProperties={"run_id": run_id})["RunId"]
        argv = [
            "--output_path",
            "s3://lake/raw/customers/run_id={run_id}/",
            "--WORKFLOW_NAME",
            "pipeline",
            "--WORKFLOW_RUN_ID",
            workflow_run_id,
        ]
        assert job_accepts("extract_job.py", argv) is accepted, run_id
        if not accepted:
            assert "the workflow run property run_id: the run id" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("execution_input", "problem"),
    [
        ({"run_id": 42}, "The execution input's run_id cannot be used: the run id 42 must be 1-80 letters"),
        (["customers"], 'The execution input must be {} or {"run_id": "<id>", "tables": ["<name>", ...]}'),
        (
            {"tables": "customers"},
            "The execution input's tables must be a non-empty list of this pipeline's table names (customers, orders)",
        ),
        ({"tables": []}, "must be a non-empty list of this pipeline's table names"),
        ({"tables": ["customers", "invoices"]}, 'not so: ["invoices"].'),
        ({"tables": ["customers", 7]}, "not so: [7]."),
        ({"tables": ["orders", "orders"]}, "The execution input's tables name orders more than once: name each table once."),
    ],
)
def test_a_bad_execution_input_is_refused_naming_the_problem(execution_input: object, problem: str) -> None:
    with pytest.raises(InvalidExecutionInput) as refused:
        lambda_handler({"input": execution_input, "execution_name": "exec", "table_names": TABLE_NAMES}, None)
    assert problem in str(refused.value)


def test_the_run_id_defaults_to_the_execution_name_checked_alike() -> None:
    assert lambda_handler({"input": {}, "execution_name": "nightly-1", "table_names": TABLE_NAMES}, None) == {
        "run": {"run_id": "nightly-1"},
        "selection": {"tables": TABLE_NAMES, "all_tables": True},
    }
    with pytest.raises(InvalidExecutionInput, match=r"The execution name .* cannot be used"):
        lambda_handler({"input": {}, "execution_name": "2026:11:24", "table_names": TABLE_NAMES}, None)
