"""Two pipelines in one bucket (create_bucket = false, two name_prefixes, one prefix the start of the
other), each with a table named customers whose source rows differ: both run (Step Functions, real
local Spark), each one's cleansed files and catalog hold exactly its own rows, and every role of each
is refused, by the emulator's IAM, reading, writing or deleting the other's objects."""

import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError

from local_aws import emulator, executions
from local_aws.clients import client
from local_aws.control import run_jobs_locally, set_time_scale
from tests.stacks import applied

pytestmark = [pytest.mark.terraform, pytest.mark.spark]

ROOT = Path(__file__).resolve().parents[1] / "terraform" / "shared_bucket_root"
SHARED_BUCKET = "shared-lake"
LANDING_BUCKET = "shared-landing"
ACCOUNT = "123456789012"
# What each S3 action of the refusal checks calls: boto3's operation and its arguments beside the key.
S3_OPERATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "s3:GetObject": ("get_object", {}),
    "s3:PutObject": ("put_object", {"Body": b"x"}),
    "s3:DeleteObject": ("delete_object", {}),
}
# Each pipeline's source rows; a malformed e-mail in each, so that each writes a quarantine too.
SOURCE_ROWS = {
    "etl-iso": [("1", "ada@alpha.example"), ("2", "alan@alpha.example"), ("3", "not-an-e-mail")],
    "etl-iso-b": [("11", "grace@beta.example"), ("12", "no-at-sign"), ("13", "edsger@beta.example"), ("14", "kurt@beta.example")],
}


@dataclass
class Pipeline:
    name_prefix: str
    outputs: dict[str, Any]

    @property
    def prefixes(self) -> dict[str, str]:
        prefixes: dict[str, str] = self.outputs["lake_prefixes"]
        return prefixes

    def expected_cleansed(self) -> list[tuple[str, str]]:
        return sorted((key, email) for key, email in SOURCE_ROWS[self.name_prefix] if "@" in email)


def create_landing_zone(name_prefix: str) -> dict[str, Any]:
    """The pipeline's source: customers over CSV in a landing database of its own; its variables."""
    database = name_prefix.replace("-", "_") + "_landing"
    body = io.StringIO()
    csv.writer(body, lineterminator="\n").writerows([("customer_id", "email"), *SOURCE_ROWS[name_prefix]])
    client("s3").put_object(Bucket=LANDING_BUCKET, Key=f"{name_prefix}/customers/customers.csv", Body=body.getvalue().encode())
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": database})
    glue.create_table(
        DatabaseName=database,
        TableInput={
            "Name": "customers",
            "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
            "StorageDescriptor": {
                "Location": f"s3://{LANDING_BUCKET}/{name_prefix}/customers/",
                "Columns": [{"Name": "customer_id", "Type": "string"}, {"Name": "email", "Type": "string"}],
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde", "Parameters": {"separatorChar": ","}},
            },
        },
    )
    return {
        "name_prefix": name_prefix,
        "bucket_name": SHARED_BUCKET,
        "source_database_name": database,
        "source_s3_arns": [f"arn:aws:s3:::{LANDING_BUCKET}", f"arn:aws:s3:::{LANDING_BUCKET}/{name_prefix}/*"],
    }


@pytest.fixture(scope="module")
def pipelines(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Pipeline]]:
    """Both pipelines applied into the shared bucket, each from its own state, and both runs ended."""
    emulator.reset()
    client("s3").create_bucket(Bucket=SHARED_BUCKET)
    client("s3").create_bucket(Bucket=LANDING_BUCKET)
    run_jobs_locally()  # before the applies: the Spark driver starts while Terraform works
    deployed = {}
    for name_prefix in SOURCE_ROWS:
        workspace = applied(ROOT, tmp_path_factory.mktemp(name_prefix), emulator_endpoint, create_landing_zone(name_prefix))
        deployed[name_prefix] = Pipeline(name_prefix, workspace.outputs()["etl"])
    set_time_scale(0.1)
    started = {
        name_prefix: executions.start(pipeline.outputs["state_machine_arn"], {"run_id": "shared-1"}, "shared-1")
        for name_prefix, pipeline in deployed.items()
    }
    for name_prefix, execution_arn in started.items():
        for _ in executions.follow(execution_arn, 900):
            pass
        record = executions.result(execution_arn)
        assert (record.status, record.error, record.cause) == ("SUCCEEDED", None, None), name_prefix
    yield deployed
    emulator.reset()


def objects_under(prefix: str) -> dict[str, str]:
    """The shared bucket's objects under `prefix`, with their ETags."""
    listing = client("s3").get_paginator("list_objects_v2").paginate(Bucket=SHARED_BUCKET, Prefix=prefix)
    return {item["Key"]: item["ETag"] for page in listing for item in page.get("Contents", [])}


def parquet_rows(location: str) -> list[tuple[str, str]]:
    s3, prefix = client("s3"), location.removeprefix(f"s3://{SHARED_BUCKET}/")
    rows = []
    for key in (key for key in objects_under(prefix) if key.endswith(".parquet")):
        table = pq.read_table(io.BytesIO(s3.get_object(Bucket=SHARED_BUCKET, Key=key)["Body"].read()))
        rows += [(row["customer_id"], row["email"]) for row in table.to_pylist()]
    return sorted(rows)


@pytest.mark.parametrize("name_prefix", list(SOURCE_ROWS))
def test_each_pipelines_cleansed_table_holds_exactly_its_own_rows(pipelines: dict[str, Pipeline], name_prefix: str) -> None:
    pipeline = pipelines[name_prefix]
    glue, database = client("glue"), pipeline.outputs["database_name"]
    own_folders = {stage: f"s3://{SHARED_BUCKET}/{pipeline.prefixes[stage]}customers/" for stage in ("raw", "cleansed")}

    for stage, folder in own_folders.items():
        table = glue.get_table(DatabaseName=database, Name=f"{stage}_customers")["Table"]
        assert table["StorageDescriptor"]["Location"].rstrip("/") + "/" == folder
        partitions = glue.get_partitions(DatabaseName=database, TableName=f"{stage}_customers")["Partitions"]
        assert partitions and all(partition["StorageDescriptor"]["Location"].startswith(folder) for partition in partitions)
    assert parquet_rows(own_folders["cleansed"]) == pipeline.expected_cleansed()


@pytest.mark.parametrize(("name_prefix", "other_prefix"), [tuple(SOURCE_ROWS), tuple(reversed(SOURCE_ROWS))])
def test_every_role_of_a_pipeline_is_refused_the_other_pipelines_objects(
    pipelines: dict[str, Pipeline], name_prefix: str, other_prefix: str
) -> None:
    """Each role named in the role_arns output (the job roles among them, however they are split)."""
    pipeline, other = pipelines[name_prefix], pipelines[other_prefix]
    others_objects = {stage: objects_under(prefix) for stage, prefix in other.prefixes.items()}
    assert all(others_objects[stage] for stage in ("raw", "cleansed", "quarantine", "reports", "scripts")), others_objects
    own_cleansed_file = next(key for key in objects_under(pipeline.prefixes["cleansed"]) if key.endswith(".parquet"))
    own_readers = []
    sts = client("sts")

    for role_arn in pipeline.outputs["role_arns"].values():
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="probe")["Credentials"]
        s3 = client(
            "s3",
            credentials={
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            },
            retries={"total_max_attempts": 1},
        )
        with contextlib.suppress(ClientError):
            s3.get_object(Bucket=SHARED_BUCKET, Key=own_cleansed_file)
            own_readers.append(role_arn)
        principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_arn.rsplit('/', 1)[-1]}/probe"
        for stage, prefix in other.prefixes.items():
            existing = next(iter(others_objects[stage]), None)
            keys = {"s3:PutObject": f"{prefix}customers/intruder.csv"} | (
                {"s3:GetObject": existing, "s3:DeleteObject": existing} if existing else {}
            )
            for action, key in keys.items():
                operation, extra = S3_OPERATIONS[action]
                with pytest.raises(ClientError) as refused:
                    getattr(s3, operation)(Bucket=SHARED_BUCKET, Key=key, **extra)
                error = refused.value.response["Error"]
                assert (error["Code"], error["Message"].split(" because ")[0]) == (
                    "AccessDenied",
                    f"User: {principal} is not authorized to perform: {action} on resource: arn:aws:s3:::{SHARED_BUCKET}/{key}",
                ), (role_arn, stage)

    assert own_readers, "no role of the pipeline may read its own cleansed files: the refusals above would prove nothing"
    assert {stage: objects_under(prefix) for stage, prefix in other.prefixes.items()} == others_objects
