"""examples/minimal end to end: a caller's landing zone (its own bucket, and an `orders` table over
CSV in a catalog database of its own) read by the extract job under the module's job role, landed as raw CSV,
cleansed, and cataloged; the run succeeds and the cleansed rows are the landing zone's."""

import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from local_aws import emulator, executions
from local_aws.clients import client
from local_aws.control import run_jobs_locally, set_time_scale
from tests.stacks import deploy_example

pytestmark = [pytest.mark.terraform, pytest.mark.spark]

LANDING_BUCKET = "example-landing-zone"
ORDERS = b"order_id,customer_id,amount\n1,7,10.50\n2,7,3.20\n2,7,3.20\n3,9,8.00\n"


def create_landing_zone() -> None:
    """What the caller owns before applying the example: the bucket, the CSV and its catalog table."""
    client("s3").create_bucket(Bucket=LANDING_BUCKET)
    client("s3").put_object(Bucket=LANDING_BUCKET, Key="orders/2026-11-25.csv", Body=ORDERS)
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "landing"})
    glue.create_table(
        DatabaseName="landing",
        TableInput={
            "Name": "orders",
            "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
            "StorageDescriptor": {
                "Location": f"s3://{LANDING_BUCKET}/orders/",
                "Columns": [{"Name": name, "Type": "string"} for name in ("order_id", "customer_id", "amount")],
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde", "Parameters": {"separatorChar": ","}},
            },
        },
    )


def test_the_minimal_example_lands_and_cleanses_a_table_of_the_callers(emulator_endpoint: str, tmp_path: Path) -> None:
    emulator.reset()
    create_landing_zone()
    outputs = deploy_example("minimal", tmp_path, emulator_endpoint).outputs()
    run_jobs_locally()
    set_time_scale(0.1)

    record = executions.run(outputs["state_machine_arn"], {"run_id": "minimal-1"}, "minimal-1", timeout_seconds=600)

    assert (record.status, record.error, record.cause) == ("SUCCEEDED", None, None)
    s3, bucket = client("s3"), outputs["bucket_name"]
    cleansed_prefix = outputs["cleansed_path"].removeprefix(f"s3://{bucket}/")
    keys = [
        item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=cleansed_prefix)["Contents"] if item["Key"].endswith(".parquet")
    ]
    rows = [row for key in keys for row in pq.read_table(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read())).to_pylist()]
    assert sorted((row["order_id"], row["amount"]) for row in rows) == [("1", "10.50"), ("2", "3.20"), ("3", "8.00")]
    emulator.reset()
