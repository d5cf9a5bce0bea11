"""A local job run gives its script what Glue gives it, and the script's Glue branch runs: `awsglue`
is the local stand-in, `getResolvedOptions` is Glue's own, and the arguments are Glue's."""

from collections.abc import Iterator
from importlib.metadata import distribution
from typing import Any

import pytest

from local_aws.control import run_jobs_locally
from local_aws.executors.glue_jobs import GLUE_STANDIN
from tests.local_aws.local_job_runs import BUCKET, PROBE_SCRIPT, create_job, deploy_lake, read_json, run_job

JOB = "probe"

pytestmark = pytest.mark.spark


@pytest.fixture
def probe_run(clean_emulator: str) -> Iterator[dict[str, Any]]:
    deploy_lake()
    run_jobs_locally()
    create_job(
        JOB,
        PROBE_SCRIPT,
        {
            "--output_path": f"s3://{BUCKET}/probe/",
            "--TempDir": f"s3://{BUCKET}/temporary/",
            "--enable-metrics": "true",
            "--set_by_the_job": "job",
            "--set_by_both": "job",
        },
    )
    run = run_job(JOB, {"--set_by_both": "run"})
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    yield {"run": run, **read_json("probe/run.json")}


def pairs(argv: list[str]) -> dict[str, str]:
    return dict(zip(argv[::2], argv[1::2], strict=True))


def test_the_script_gets_the_job_name_the_run_id_and_the_bookmark_option(probe_run: dict[str, Any]) -> None:
    arguments = pairs(probe_run["argv"])
    assert arguments["--JOB_NAME"] == JOB
    assert arguments["--JOB_RUN_ID"] == probe_run["run"]["Id"]
    assert arguments["--job-bookmark-option"] == "job-bookmark-disable"


def test_the_jobs_default_arguments_reach_the_script_and_the_runs_win(probe_run: dict[str, Any]) -> None:
    arguments = pairs(probe_run["argv"])
    assert arguments["--set_by_the_job"] == "job"
    assert arguments["--set_by_both"] == "run"


def test_glue_only_arguments_are_passed_unchanged_and_the_scripts_locations_are_local(probe_run: dict[str, Any]) -> None:
    arguments = pairs(probe_run["argv"])
    assert arguments["--TempDir"] == f"s3://{BUCKET}/temporary/"
    assert arguments["--enable-metrics"] == "true"
    assert not arguments["--output_path"].startswith("s3://")


def test_awsglue_is_the_stand_in_and_getresolvedoptions_is_glues_own(probe_run: dict[str, Any]) -> None:
    assert probe_run["GlueContext"].startswith(str(GLUE_STANDIN))
    assert probe_run["getResolvedOptions"] == str(distribution("awsgluedataplanepython").locate_file("awsglue/utils.py"))
    assert probe_run["resolved"]["job_bookmark_option"] == "job-bookmark-disable"
    assert probe_run["resolved"]["JOB_RUN_ID"] == probe_run["run"]["Id"]
