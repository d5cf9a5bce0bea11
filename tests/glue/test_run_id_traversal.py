"""A Glue workflow run whose run property run_id would lead the extract job's paths out of the run's folder
(`run_id=x/../../../../cleansed/<prefix>/customers/`, which Hadoop resolves to the cleansed table)
fails the extract job naming the property, on real local Spark, and leaves every object of the bucket as it
was; the same job writes its run's folder when the run id is a good one. The local executor
mirrors back whatever a run writes wherever its path leads, so a write the check let through would
show here."""

import time
from collections.abc import Iterator
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.control import run_jobs_locally
from tests.local_aws.local_job_runs import BUCKET, PROJECT_SCRIPTS, create_job, csv_rows
from tests.roles import create_service_role

pytestmark = pytest.mark.spark

PREFIX = "sales"
WORKFLOW = "pipeline"
EXTRACT_JOB = "extract_customers"
# Each stage's folder of this pipeline and of another one sharing the bucket, as the module lays
# them out (<stage>/<name_prefix>/<table>/), with an earlier run's files in each.
EXISTING_OBJECTS = {
    f"{stage}/{prefix}/customers/run_id=earlier/part-00000.{extension}": f"{stage} of {prefix}\n".encode()
    for stage, extension in {"raw": "csv", "cleansed": "parquet", "quarantine": "parquet", "reports": "json"}.items()
    for prefix in (PREFIX, "other")
} | {"landing/customers.csv": b"customer_id,email\n1,ada@example.com\n2,alan@example.com\n", "scripts/unrelated.py": b"print()\n"}
TRAVERSALS = [
    f"x/../../../../cleansed/{PREFIX}/customers",
    f"x/../../../cleansed/{PREFIX}/customers",
    "..",
    "/",
    "%2e%2e",
    "",
]


@pytest.fixture
def workflow(clean_emulator: str) -> Iterator[Any]:
    """The extract job as the module deploys it for table customers, started by the workflow's ON_DEMAND
    trigger, under a role that may do anything in the bucket."""
    s3, glue = client("s3"), client("glue")
    s3.create_bucket(Bucket=BUCKET)
    for key, body in EXISTING_OBJECTS.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    role = create_service_role(
        "extract-job",
        "glue.amazonaws.com",
        [
            {"Action": "s3:*", "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]},
            {"Action": "glue:GetWorkflowRunProperties", "Resource": f"arn:aws:glue:*:123456789012:workflow/{WORKFLOW}"},
        ],
    )
    run_jobs_locally()
    libraries = tuple(path for path in sorted(PROJECT_SCRIPTS.glob("*.py")) if path.name != "extract_job.py")
    reports = f"s3://{BUCKET}/reports/{PREFIX}/customers/run_id={{run_id}}/"
    arguments = {
        "--source_database": "landing",
        "--source_table": "customers",
        "--source_path": f"s3://{BUCKET}/landing/customers.csv",
        "--output_path": f"s3://{BUCKET}/raw/{PREFIX}/customers/run_id={{run_id}}/",
        "--report_path": f"{reports}extract_job.json",
    }
    create_job(EXTRACT_JOB, PROJECT_SCRIPTS / "extract_job.py", arguments, libraries, role=role)
    glue.create_workflow(Name=WORKFLOW)
    glue.create_trigger(Name="start", WorkflowName=WORKFLOW, Type="ON_DEMAND", Actions=[{"JobName": EXTRACT_JOB}])
    yield glue


def bucket_state() -> dict[str, str]:
    """Every object of the bucket with its ETag."""
    listing = client("s3").get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return {item["Key"]: item["ETag"] for page in listing for item in page.get("Contents", [])}


def extract_job_run_of(glue: Any, run_id: str, timeout_seconds: float = 300) -> dict[str, Any]:
    """Start a workflow run with the run property run_id and return its extract job run once it has ended."""
    workflow_run_id = glue.start_workflow_run(Name=WORKFLOW, RunProperties={"run_id": run_id})["RunId"]
    deadline = time.monotonic() + timeout_seconds
    while True:
        runs = [
            run for run in glue.get_job_runs(JobName=EXTRACT_JOB)["JobRuns"] if run["Arguments"].get("--WORKFLOW_RUN_ID") == workflow_run_id
        ]
        if runs and runs[0]["JobRunState"] in ("SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "STOPPED"):
            ended: dict[str, Any] = runs[0]
            return ended
        assert time.monotonic() < deadline, f"the extract job of {workflow_run_id} has not ended after {timeout_seconds} s: {runs}"
        time.sleep(0.5)


@pytest.mark.parametrize("run_id", TRAVERSALS, ids=repr)
def test_a_run_property_leading_out_of_the_runs_folder_fails_the_extract_job_and_changes_nothing(workflow: Any, run_id: str) -> None:
    before = bucket_state()

    run = extract_job_run_of(workflow, run_id)

    assert run["JobRunState"] == "FAILED"
    assert f"extract_job: the workflow run property run_id: the run id {run_id!r} must be" in run["ErrorMessage"]
    assert bucket_state() == before


def test_a_good_run_property_names_the_folder_the_extract_job_writes(workflow: Any) -> None:
    before = bucket_state()

    run = extract_job_run_of(workflow, "2026-11-26")

    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert csv_rows(f"raw/{PREFIX}/customers/run_id=2026-11-26/") == [
        {"customer_id": "1", "email": "ada@example.com"},
        {"customer_id": "2", "email": "alan@example.com"},
    ]
    written = {key for key in bucket_state().keys() - before.keys() if not key.rsplit("/", 1)[-1].startswith(("_", "."))}
    assert {key.rsplit("/", 1)[0] for key in written} == {
        f"raw/{PREFIX}/customers/run_id=2026-11-26",
        f"reports/{PREFIX}/customers/run_id=2026-11-26",
    }
    assert {key: etag for key, etag in bucket_state().items() if key in before} == before
