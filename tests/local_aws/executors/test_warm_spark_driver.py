"""Local job runs share a warm Spark driver, and each run still starts as a new Glue run does: it
finds nothing an earlier run left in the driver, and acts under its own job's role."""

from pathlib import Path
from typing import Any

import pytest

from local_aws import emulator
from local_aws.control import run_jobs_locally
from tests.local_aws.local_job_runs import BUCKET, DATABASE, create_job, deploy_lake, read_json, run_job
from tests.roles import create_service_role

PROBE = Path(__file__).resolve().parent / "warm_driver_probe_job.py"
LIBRARY = Path(__file__).resolve().parent / "warm_driver_probe_library.py"
ROLE_WITHOUT_CATALOG = "glue-job-without-catalog"

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def two_runs(emulator_endpoint: str) -> dict[str, Any]:
    """Job `first` (the lake's job role) runs, then job `second` (a role that may use S3 only)."""
    emulator.reset()
    deploy_lake()
    create_service_role(
        ROLE_WITHOUT_CATALOG, "glue.amazonaws.com", [{"Action": "s3:*", "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]}]
    )
    run_jobs_locally()
    arguments = {"--output_path": f"s3://{BUCKET}/warm/", "--database": DATABASE}
    create_job("first", PROBE, {**arguments, "--label": "first"}, libraries=(LIBRARY,))
    create_job("second", PROBE, {**arguments, "--label": "second"}, libraries=(LIBRARY,), role=ROLE_WITHOUT_CATALOG)
    for job in ("first", "second"):
        run = run_job(job)
        assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    return {"first": read_json("warm/first.json"), "second": read_json("warm/second.json")}


def test_both_runs_ran_on_the_same_warm_driver(two_runs: dict[str, Any]) -> None:
    assert two_runs["second"]["application_id"] == two_runs["first"]["application_id"]


def test_a_run_finds_no_module_state_of_an_earlier_run(two_runs: dict[str, Any]) -> None:
    assert two_runs["second"]["module_runs_seen"] == ["second"]


def test_a_run_finds_no_views_conf_or_environment_of_an_earlier_run(two_runs: dict[str, Any]) -> None:
    second = two_runs["second"]
    assert second["temporary_views"] == []
    assert second["global_temporary_views"] == []
    assert second["shuffle_partitions"] == two_runs["first"]["shuffle_partitions"] != "7"
    assert second["environment_left"] is None


def test_each_run_calls_aws_under_its_own_jobs_role(two_runs: dict[str, Any]) -> None:
    assert ":assumed-role/glue-job/" in two_runs["first"]["caller"]
    assert f":assumed-role/{ROLE_WITHOUT_CATALOG}/" in two_runs["second"]["caller"]
    assert two_runs["first"]["catalog_read"] == "allowed"
    assert two_runs["second"]["catalog_read"] == "AccessDeniedException"


def test_python_udfs_import_the_runs_own_library_on_every_run(two_runs: dict[str, Any]) -> None:
    assert two_runs["first"]["python_udf"] == two_runs["second"]["python_udf"] == ["0!", "1!", "2!"]
