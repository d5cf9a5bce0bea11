"""Runs a Glue job's real script on local Spark when the emulator starts a job run.

The script gets the arguments Glue gives it: --JOB_NAME, --JOB_RUN_ID, --job-bookmark-option and the
job's default arguments merged with the run's (moto merges them as Glue does: run arguments over
default ones, non-overridable ones over both, as
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html says).
It imports `awsglue` from the local Glue stand-in (`local_aws/executors/glue_standin/`), so its Glue branch
(GlueContext, catalog reads, bookmarks, Job.commit) runs here as on Glue.

Spark cannot reach the emulator's S3 (`s3a://` needs jars no reachable registry has), so a run
works on a scratch copy: the script and its --extra-py-files are downloaded, every argument naming
an `s3://` location for the script is downloaded to a local folder and rewritten to it, the script
runs on a warm Spark driver (`warm_spark`: AWS SDK pointed at the emulator with the job role's
credentials, so a catalog read resolves there; JDBC driver jars on Spark's classpath), and once it
ends each of those folders is mirrored back: new and changed files uploaded, files the job
deleted removed — after a failed run too, as on Glue what a run wrote before it failed stays.
Locations in the warehouse of an Iceberg GlueCatalog are not mirrored: Iceberg's S3FileIO reaches
the emulator's S3 itself (`spark_configuration`).
"""

import contextlib
import hashlib
import os
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from local_aws.clients import client, emulator_environment, endpoint_url, own_port
from local_aws.emulator.glue.job_runs import JobRunRequest, JobRunResult
from local_aws.emulator.iam.service_roles import RoleNotAssumable, assume_role_as_service
from local_aws.executors.spark_configuration import (
    DriverKind,
    UnsupportedSparkConfiguration,
    run_spark_configuration,
)
from local_aws.executors.warm_spark import RunTimedOut, SparkJobRun, WarmSparkDrivers

JDBC_DRIVER_JARS = (Path("/usr/share/java/postgresql.jar"),)
GLUE_STANDIN = Path(__file__).resolve().parent / "glue_standin"
# Arguments Glue itself consumes, passed to the script as Glue passes them; their S3 locations are
# Glue's to use, not the script's (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html).
GLUE_CONSUMED_ARGUMENTS = ("--extra-py-files", "--extra-jars", "--extra-files", "--TempDir", "--scriptLocation", "--spark-event-logs-path")
# "Disable ... This is the default" (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html).
DEFAULT_BOOKMARK_OPTION = "job-bookmark-disable"
SPARK_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # A warm driver serves run after run: a Python worker must not keep a previous run's modules.
    "spark.python.worker.reuse": "false",
}
RUN_TIMEOUT_SECONDS = 1800
ERROR_LINE = re.compile(r"^\S.*(Error|Exception)\b.*")


def split_s3_path(path: str) -> tuple[str, str]:
    bucket, _, key = path.removeprefix("s3://").partition("/")
    return bucket, key


def download(s3: Any, bucket: str, key: str, target: Path) -> None:
    """GetObject to a file. Not boto3's download_file, whose HeadObject turns a refusal into a bare
    "403 Forbidden": GetObject's error names the action, the resource and the role, as the job sees it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as file:
        shutil.copyfileobj(s3.get_object(Bucket=bucket, Key=key)["Body"], file)


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def _is_data_file(path: Path, root: Path) -> bool:
    # Local Hadoop writes .crc checksums and _SUCCESS markers that Glue on S3 would not leave, and a
    # failed write leaves its uncommitted task output under _temporary/ (hidden to Hadoop, as is
    # every path with a part starting with "_" or ".").
    return not any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


class StorageAccessRefused(RuntimeError):
    """S3 refused a request the job's file system makes, under the job's role."""


class MirroredLocation:
    """An `s3://` file or folder downloaded to a local path, to be mirrored back after the run."""

    def __init__(self, s3: Any, s3_path: str, local_root: Path, role_arn: str) -> None:
        self.s3 = s3
        self.role_arn = role_arn
        self.bucket, key = split_s3_path(s3_path)
        self.prefix = key.rstrip("/")
        self.bucket_root = local_root / self.bucket
        self.local = self.bucket_root / self.prefix
        self.trailing_slash = s3_path.endswith("/")
        self.snapshot: dict[str, str] = {}
        self._check_exists_as_spark_does()
        listing = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for item in (item for page in listing for item in page.get("Contents", [])):
            if self._covers(item["Key"]):
                download(self.s3, self.bucket, item["Key"], self.bucket_root / item["Key"])
                self.snapshot[item["Key"]] = item["ETag"].strip('"')
        if self.trailing_slash:
            self.local.mkdir(parents=True, exist_ok=True)

    def _check_exists_as_spark_does(self) -> None:
        """Spark asks its file system whether a path exists before it reads or overwrites it, which
        on S3 is a HeadObject of the path's key: for a missing key S3 answers 404 only to a caller
        allowed s3:ListBucket on the bucket, and 403 to any other, which fails the job."""
        if not self.prefix:
            return
        try:
            self.s3.head_object(Bucket=self.bucket, Key=self.prefix)
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status != 404:
                raise StorageAccessRefused(
                    f"Checking whether s3://{self.bucket}/{self.prefix} exists (HeadObject, as Spark does) was refused with "
                    f"HTTP {status} under role {self.role_arn}: the role needs s3:GetObject on the key and s3:ListBucket on "
                    f"arn:aws:s3:::{self.bucket} without an s3:prefix condition (a HeadObject request carries no s3:prefix) "
                    "for S3 to answer 404 for a key that does not exist."
                ) from error

    def _covers(self, key: str) -> bool:
        return not self.prefix or key == self.prefix or key.startswith(f"{self.prefix}/")

    @property
    def local_argument(self) -> str:
        return f"{self.local}/" if self.trailing_slash else str(self.local)

    def mirror_back(self) -> None:
        if self.local.is_file():
            local_files = [self.local]
        else:
            local_files = [path for path in self.local.rglob("*") if path.is_file()] if self.local.exists() else []
        present = set()
        for path in (path for path in local_files if _is_data_file(path, self.bucket_root)):
            key = path.relative_to(self.bucket_root).as_posix()
            present.add(key)
            if self.snapshot.get(key) != _md5(path):
                self.s3.upload_file(str(path), self.bucket, key)
        gone = [key for key in self.snapshot if key not in present]
        for start in range(0, len(gone), 1000):
            answer = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in gone[start : start + 1000]]})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise StorageAccessRefused(
                    f"Deleting s3://{self.bucket}/{first['Key']} failed with {first['Code']}: {first.get('Message', '')} "
                    f"({len(answer['Errors'])} keys not deleted)"
                )


def error_message(returncode: int, stderr: str) -> str:
    """What went wrong, in one line: the Java exception behind a Py4JJavaError (the one that names
    the cause, not the root `Caused by`), else the Python exception, else the job's last line (its
    own argument errors)."""
    lines = [line for line in stderr.splitlines() if line.strip()] or ["no output"]
    last_traceback = max((index for index, line in enumerate(lines) if line.startswith("Traceback")), default=-1)
    tail = lines[last_traceback + 1 :]
    java_errors = [line[2:] for line in tail if line.startswith(": ") and ERROR_LINE.match(line[2:])]
    python_errors = [line for line in tail if ERROR_LINE.match(line) and not line.startswith(("Caused by", ": "))]
    detail = java_errors[0] if java_errors else python_errors[-1] if python_errors else lines[-1]
    return f"exited with status {returncode}: {detail[:1500]}"


def script_arguments(request: JobRunRequest) -> dict[str, str]:
    """The arguments Glue passes the job's script."""
    return {
        "--job-bookmark-option": DEFAULT_BOOKMARK_OPTION,
        **request.arguments,
        "--JOB_NAME": request.job_name,
        "--JOB_RUN_ID": request.run_id,
    }


def spark_submit_arguments(kind: DriverKind) -> str:
    """How pyspark launches a driver's Spark (PYSPARK_SUBMIT_ARGS): local, with the JDBC drivers
    and what `kind` adds (a data lake format's jars, static settings from the job's --conf)."""
    jars = ",".join(str(jar) for jar in [*JDBC_DRIVER_JARS, *kind.jars] if jar.exists())
    settings = [argument for name, value in [*SPARK_SETTINGS.items(), *kind.settings] for argument in ("--conf", f"{name}={value}")]
    return shlex.join(["--master", "local[*]", *(["--jars", jars] if jars else []), *settings, "pyspark-shell"])


def prewarm_driver_for(default_arguments: dict[str, str]) -> None:
    """Start the kind of driver a job with these default arguments runs on, ahead of its first run."""
    with contextlib.suppress(UnsupportedSparkConfiguration):  # the job's own runs report it
        SPARK_DRIVERS.prewarm(run_spark_configuration(default_arguments).driver)


class LocalGlueExecutor:
    """A `local_aws.emulator.glue.job_runs.JobExecutor` that runs the job's script on local Spark, in the job's
    region and under the job's role: what the run reads, writes and calls is judged against it."""

    def __call__(self, request: JobRunRequest) -> JobRunResult:
        try:
            credentials = assume_role_as_service(request.role_arn, "glue.amazonaws.com", request.region)
        except RoleNotAssumable as error:
            return JobRunResult("FAILED", f"Glue could not assume the job's role: {error}")
        try:
            spark = run_spark_configuration(request.arguments)
        except UnsupportedSparkConfiguration as error:
            return JobRunResult("FAILED", str(error))
        s3 = client("s3", own_port(), credentials=credentials.client_arguments())
        scratch = Path(tempfile.mkdtemp(prefix=f"local-glue-{request.job_name}-"))
        try:
            scripts = scratch / "scripts"
            scripts.mkdir()
            script = scripts / request.script_location.rsplit("/", 1)[-1]
            download(s3, *split_s3_path(request.script_location), script)
            for library in filter(None, request.arguments.get("--extra-py-files", "").split(",")):
                download(s3, *split_s3_path(library), scripts / library.rsplit("/", 1)[-1])

            locations: list[MirroredLocation] = []
            argv: list[str] = []
            for name, value in script_arguments(request).items():
                if value.startswith("s3://") and name not in GLUE_CONSUMED_ARGUMENTS and not spark.manages(value):
                    location = MirroredLocation(s3, value, scratch / "s3", request.role_arn)
                    locations.append(location)
                    value = location.local_argument
                argv += [name, value]

            log = scratch / "output.log"
            job_run = SparkJobRun(
                script=script,
                argv=argv,
                environment={**emulator_environment(credentials.region, own_port()), **credentials.environment()},
                session_settings=spark.with_emulator_endpoints(endpoint_url(own_port()), credentials.region),
                jvm_properties=credentials.java_system_properties(),
                cwd=scratch,
                log=log,
                driver=spark.driver,
            )
            returncode = SPARK_DRIVERS.run(job_run, RUN_TIMEOUT_SECONDS)
            if returncode != 0:
                # On Glue, what a run wrote to S3 before it failed stays there (e.g. job2's quarantine).
                with contextlib.suppress(StorageAccessRefused, ClientError):  # the run's own error is the one to report
                    for location in locations:
                        location.mirror_back()
                return JobRunResult("FAILED", error_message(returncode, log.read_text(errors="replace")))
            for location in locations:
                location.mirror_back()
            return JobRunResult("SUCCEEDED")
        except RunTimedOut:
            return JobRunResult("TIMEOUT", f"the local run took longer than {RUN_TIMEOUT_SECONDS} s")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def driver_environment(kind: DriverKind) -> dict[str, str]:
    """What a warm Spark driver of `kind` starts with; each run adds its region and role credentials."""
    return {
        **{name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "JAVA_HOME", "LANG", "TMPDIR")},
        # The stand-in first, so that `import awsglue` finds it before the installed package.
        "PYTHONPATH": str(GLUE_STANDIN),
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_SUBMIT_ARGS": spark_submit_arguments(kind),
    }


SPARK_DRIVERS = WarmSparkDrivers(driver_environment)
