"""A local job run works on a copy of its S3 locations; what it leaves anywhere in that copy is
mirrored back: new and changed files uploaded (also under paths its arguments do not name as
given), files it deleted removed, its own scratch files left out."""

from pathlib import Path
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.executors.glue_jobs import ScratchCopyOfS3

JOB_ROLE = "arn:aws:iam::123456789012:role/job"
BUCKET = "mirror-lake"
# What a rerun of r2 leaves as it was: the earlier run's files and another table's.
UNTOUCHED = {
    "cleansed/customers/run_id=r1/part-0.parquet": b"run 1",
    "cleansed/orders/run_id=r1/part-0.parquet": b"another table",
}


@pytest.fixture
def s3(clean_emulator: str) -> Any:
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    for key, body in {**UNTOUCHED, "cleansed/customers/run_id=r2/part-0.parquet": b"run 2, old"}.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    return s3


def keys_and_bodies(s3: Any) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {item["Key"]: s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listed}


def test_a_folder_is_downloaded_and_what_the_job_changed_is_mirrored_back(s3: Any, tmp_path: Path) -> None:
    copy = ScratchCopyOfS3(s3, tmp_path, JOB_ROLE)
    local = Path(copy.fetch(f"s3://{BUCKET}/cleansed/customers/"))
    assert sorted(path.relative_to(local).as_posix() for path in local.rglob("*") if path.is_file()) == [
        "run_id=r1/part-0.parquet",
        "run_id=r2/part-0.parquet",
    ]

    # What the cleanse job does on a rerun of r2: delete the run's folder, write new part files (and Hadoop's own).
    (local / "run_id=r2" / "part-0.parquet").unlink()
    (local / "run_id=r2" / "part-7.parquet").write_bytes(b"run 2, new")
    (local / "run_id=r2" / ".part-7.parquet.crc").write_bytes(b"checksum")
    (local / "_SUCCESS").write_bytes(b"")
    copy.mirror_back()

    assert keys_and_bodies(s3) == {**UNTOUCHED, "cleansed/customers/run_id=r2/part-7.parquet": b"run 2, new"}


def test_a_location_that_does_not_exist_yet_is_created_by_the_run(s3: Any, tmp_path: Path) -> None:
    copy = ScratchCopyOfS3(s3, tmp_path, JOB_ROLE)
    (Path(copy.fetch(f"s3://{BUCKET}/raw/customers/run_id=r3/")) / "part-0.csv").write_bytes(b"customer_id\n1\n")
    copy.mirror_back()

    assert keys_and_bodies(s3)["raw/customers/run_id=r3/part-0.csv"] == b"customer_id\n1\n"


def test_what_a_run_writes_under_a_path_it_resolves_itself_lands_and_what_it_replaces_goes(s3: Any, tmp_path: Path) -> None:
    # A Glue workflow's cleanse job: its arguments carry {run_id}, which the script resolves (here r2, a rerun).
    copy = ScratchCopyOfS3(s3, tmp_path, JOB_ROLE)
    given = copy.fetch(f"s3://{BUCKET}/cleansed/customers/run_id={{run_id}}/")
    resolved = Path(given.replace("{run_id}", "r2"))

    # Spark's overwrite of the run's folder: the earlier part file goes, a new one comes.
    (resolved / "part-0.parquet").unlink()
    (resolved / "part-3.parquet").write_bytes(b"run 2, rerun")
    copy.mirror_back()

    assert keys_and_bodies(s3) == {**UNTOUCHED, "cleansed/customers/run_id=r2/part-3.parquet": b"run 2, rerun"}
    assert not Path(given).exists(), "the placeholder's own folder is not made"


def test_what_a_run_writes_beside_its_locations_lands_too(s3: Any, tmp_path: Path) -> None:
    copy = ScratchCopyOfS3(s3, tmp_path, JOB_ROLE)
    output = Path(copy.fetch(f"s3://{BUCKET}/cleansed/customers/"))
    # A path the script derives from its argument, outside the folder the argument names.
    report = output.parent.parent / "reports" / "customers" / "figures.json"
    report.parent.mkdir(parents=True)
    report.write_bytes(b"{}")
    copy.mirror_back()

    assert keys_and_bodies(s3)["reports/customers/figures.json"] == b"{}"
