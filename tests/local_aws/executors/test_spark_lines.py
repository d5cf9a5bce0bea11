"""A local job run runs on the Spark of its job's Glue version, as Glue runs it: 5.x on Spark 3.5,
6.x on Spark 4.1 (ANSI SQL mode on, as Spark 4 has it by default), side by side in one emulator; a
run the local Spark lines cannot run ends FAILED saying why."""

from pathlib import Path
from typing import Any

import pytest

from local_aws import emulator
from local_aws.control import run_jobs_locally
from local_aws.executors.spark_lines import SPARK41_VENV_VARIABLE
from tests.local_aws.local_job_runs import BUCKET, create_job, deploy_lake, read_json, run_job

PROBE = Path(__file__).resolve().parent / "spark_line_probe_job.py"
ARGUMENTS = {"--output_path": f"s3://{BUCKET}/lines/"}
ICEBERG_ARGUMENTS = {
    **ARGUMENTS,
    "--datalake-formats": "iceberg",
    "--conf": "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
}

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def lake(emulator_endpoint: str) -> None:
    emulator.reset()
    deploy_lake()
    run_jobs_locally()
    create_job("on-6-1", PROBE, {**ARGUMENTS, "--label": "6.1"}, glue_version="6.1")
    create_job("on-5-1", PROBE, {**ARGUMENTS, "--label": "5.1"}, glue_version="5.1")


@pytest.fixture(scope="module")
def probes(lake: None) -> dict[str, Any]:
    for job in ("on-6-1", "on-5-1"):
        run = run_job(job)
        assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    return {"6.1": read_json("lines/6.1.json"), "5.1": read_json("lines/5.1.json")}


def test_a_glue_6_1_run_runs_on_spark_4_1_with_ansi_mode_on(probes: dict[str, Any]) -> None:
    assert probes["6.1"]["pyspark"].startswith("4.1.")
    assert probes["6.1"]["spark"] == probes["6.1"]["pyspark"]
    assert (probes["6.1"]["ansi"], probes["6.1"]["bad_cast"]) == ("true", "NumberFormatException")


def test_a_glue_5_1_run_in_the_same_emulator_runs_on_spark_3_5_with_ansi_mode_off(probes: dict[str, Any]) -> None:
    assert probes["5.1"]["pyspark"].startswith("3.5.")
    assert (probes["5.1"]["ansi"], probes["5.1"]["bad_cast"]) == ("false", "None")


def test_a_spark_4_error_fails_the_run_with_its_error_class(lake: None) -> None:
    run = run_job("on-6-1", {"--label": "failing", "--fail_on_bad_cast": "true"})

    assert run["JobRunState"] == "FAILED"
    assert "[CAST_INVALID_INPUT]" in run["ErrorMessage"] and "'not a number'" in run["ErrorMessage"]


@pytest.mark.parametrize("glue_version", ["6.0", "6.1"])
def test_iceberg_on_glue_6_ends_failed_saying_it_is_proven_on_aws_only(lake: None, glue_version: str) -> None:
    create_job(f"iceberg-on-{glue_version}", PROBE, {**ICEBERG_ARGUMENTS, "--label": "iceberg"}, glue_version=glue_version)

    run = run_job(f"iceberg-on-{glue_version}")

    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"].startswith(f"--datalake-formats iceberg on Glue {glue_version} cannot run locally: ")
    assert "Iceberg's Spark 4 runtime" in run["ErrorMessage"] and "proven on AWS only" in run["ErrorMessage"]


def test_a_glue_version_without_a_local_spark_ends_failed_naming_the_local_lines(lake: None) -> None:
    create_job("on-4-0", PROBE, {**ARGUMENTS, "--label": "4.0"}, glue_version="4.0")

    run = run_job("on-4-0")

    assert (run["JobRunState"], run["ErrorMessage"]) == (
        "FAILED",
        "Glue 4.0 cannot run locally: the local Spark lines run Glue 5.0 and 5.1 on Spark 3.5; Glue 6.0 and 6.1 on Spark 4.1",
    )


def test_a_glue_6_run_without_the_spark_4_environment_ends_failed_with_the_make_hint(
    lake: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "no-venv-spark4"
    monkeypatch.setenv(SPARK41_VENV_VARIABLE, str(missing))
    with emulator.running_emulator(job_runs="planned"):
        deploy_lake()
        run_jobs_locally()
        create_job("on-6-1", PROBE, {**ARGUMENTS, "--label": "6.1"}, glue_version="6.1")

        run = run_job("on-6-1")

    assert (run["JobRunState"], run["ErrorMessage"]) == (
        "FAILED",
        f"Glue 6.1 runs on Spark 4.1 locally, whose environment {missing} is not built: "
        "run `make .venv-spark4/.installed` (make test, make demo and make emulator-up build it)",
    )
