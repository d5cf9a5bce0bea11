"""GetJobBookmark and ResetJobBookmark answer as Glue does for jobs that have no bookmark, and
refuse, naming it, what the emulator does not keep (a bookmark per earlier run)."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client

JOB = "extract"


@pytest.fixture
def glue(clean_emulator: str) -> Any:
    glue = client("glue")
    glue.create_job(Name=JOB, Role="arn:aws:iam::123456789012:role/glue", Command={"Name": "glueetl", "ScriptLocation": "s3://b/s.py"})
    return glue


def error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as refused:
        call(**kwargs)
    return refused.value.response["Error"]["Code"], refused.value.response["Error"]["Message"]


def test_a_job_that_never_committed_has_no_bookmark_to_get_or_reset(glue: Any) -> None:
    expected = ("EntityNotFoundException", f"Continuation for job {JOB} not found")
    assert error(glue.get_job_bookmark, JobName=JOB) == expected
    assert error(glue.reset_job_bookmark, JobName=JOB) == expected


def test_an_unknown_job_is_not_found(glue: Any) -> None:
    assert error(glue.get_job_bookmark, JobName="nope")[0] == "EntityNotFoundException"


def test_a_bookmark_of_an_earlier_run_is_refused_as_not_emulated(glue: Any) -> None:
    code, message = error(glue.reset_job_bookmark, JobName=JOB, RunId="jr_1")
    assert code == "InvalidInputException"
    assert "RunId" in message and "not emulated" in message
