"""CreateJob and UpdateJob refuse a Graviton worker type on a Glue version before 6.1, as Glue does
(local_aws/emulator/glue/worker_types.py); moto accepts it."""

import re
from typing import Any

import pytest

from local_aws.clients import client
from tests.local_aws.moto_gaps import plain_moto, still_lacking

ROLE = "arn:aws:iam::123456789012:role/glue"
COMMAND = {"Name": "glueetl", "ScriptLocation": "s3://lake/scripts/cleanse_job.py"}


@pytest.fixture
def glue(clean_emulator: str) -> Any:
    return client("glue")


def refusal(worker_type: str, glue_version: str) -> str:
    """The end of the InvalidInputException's message, as a pattern for pytest.raises."""
    return re.escape(f": Worker type {worker_type} is not supported for Glue Version {glue_version}") + "$"


@pytest.mark.parametrize("glue_version", ["5.0", "5.1", "6.0"])
def test_create_job_refuses_a_graviton_worker_type_before_glue_6_1(glue: Any, glue_version: str) -> None:
    with pytest.raises(glue.exceptions.InvalidInputException, match=refusal("G.1X.GRAVITON", glue_version)):
        glue.create_job(Name="job", Role=ROLE, Command=COMMAND, GlueVersion=glue_version, WorkerType="G.1X.GRAVITON", NumberOfWorkers=2)

    assert glue.get_jobs()["Jobs"] == []


def test_create_job_judges_a_job_without_a_glue_version_as_the_apis_default_6_0(glue: Any) -> None:
    with pytest.raises(glue.exceptions.InvalidInputException, match=refusal("R.2X.GRAVITON", "6.0")):
        glue.create_job(Name="job", Role=ROLE, Command=COMMAND, WorkerType="R.2X.GRAVITON", NumberOfWorkers=2)


def test_a_glue_6_1_job_runs_on_graviton_workers(glue: Any) -> None:
    glue.create_job(Name="job", Role=ROLE, Command=COMMAND, GlueVersion="6.1", WorkerType="G.2X.GRAVITON", NumberOfWorkers=2)

    job = glue.get_job(JobName="job")["Job"]
    assert (job["GlueVersion"], job["WorkerType"]) == ("6.1", "G.2X.GRAVITON")


def test_update_job_refuses_moving_a_graviton_job_to_an_earlier_glue_version(glue: Any) -> None:
    glue.create_job(Name="job", Role=ROLE, Command=COMMAND, GlueVersion="6.1", WorkerType="G.1X.GRAVITON", NumberOfWorkers=2)
    update = {"Role": ROLE, "Command": COMMAND, "GlueVersion": "5.1", "WorkerType": "G.1X.GRAVITON", "NumberOfWorkers": 2}

    with pytest.raises(glue.exceptions.InvalidInputException, match=refusal("G.1X.GRAVITON", "5.1")):
        glue.update_job(JobName="job", JobUpdate=update)

    assert glue.get_job(JobName="job")["Job"]["GlueVersion"] == "6.1"
    glue.update_job(JobName="job", JobUpdate={**update, "WorkerType": "G.1X"})
    assert glue.get_job(JobName="job")["Job"]["WorkerType"] == "G.1X"


def test_moto_still_accepts_a_graviton_worker_type_on_any_glue_version(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        glue = moto_client("glue")
        glue.create_job(Name="job", Role=ROLE, Command=COMMAND, GlueVersion="5.1", WorkerType="G.1X.GRAVITON", NumberOfWorkers=2)
        still_lacking(glue.get_job(JobName="job")["Job"]["WorkerType"] == "G.1X.GRAVITON", "glue.worker_types")
