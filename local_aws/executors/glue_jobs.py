"""Runs a Glue job's real script on local Spark when the emulator starts a job run.

The script gets the arguments Glue gives it: --JOB_NAME, --JOB_RUN_ID, --job-bookmark-option and the
job's default arguments merged with the run's (moto merges them as Glue does: run arguments over
default ones, non-overridable ones over both, as
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html says).
It imports `awsglue` from the local Glue stand-in (`local_aws/executors/glue_standin/`), so its Glue branch
(GlueContext, catalog reads, bookmarks, Job.commit) runs here as on Glue.

Spark cannot reach the emulator's S3 (`s3a://` needs jars no reachable registry has), so a run
works on a scratch copy: the script and its --extra-py-files are downloaded, every argument naming
an `s3://` location for the script is downloaded to a local copy of its bucket and rewritten to its
path there, the script runs on a warm Spark driver of the Spark line of the job's Glue version
(`spark_lines`: Spark 3.5 for 5.x, Spark 4.1 for 6.x; `warm_spark`: AWS SDK pointed at the emulator
with the job role's credentials, so a catalog read resolves there; JDBC driver jars on Spark's
classpath), and once it ends the whole copy is mirrored back (`ScratchCopyOfS3`): new and changed
files uploaded wherever the run wrote them, files the job deleted removed — after a failed run too,
as on Glue what a run wrote before it failed stays. A location in the copy that the script gives
the Glue catalog (a table's or partition's) reaches Glue as its S3 URI (`spark_worker`), as a
script on Glue, whose paths are S3 URIs, gives it.
Locations in the warehouse of an Iceberg GlueCatalog are not mirrored: Iceberg's S3FileIO reaches
the emulator's S3 itself (`spark_configuration`).
"""

import contextlib
import hashlib
import os
import re
import shlex
import shutil
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
from local_aws.executors.spark_lines import NoLocalSpark, line_for
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
# Tells the warm driver where the run's scratch copy of S3 is (spark_worker.py reads the same name):
# a location there that the script gives the Glue catalog is given as its S3 URI.
S3_COPY_ROOT_VARIABLE = "LOCAL_AWS_S3_COPY_ROOT"
ERROR_LINE = re.compile(r"^\S.*(Error|Exception)\b.*")
# A part of an argument's path its script fills in at run time, such as `{run_id}`.
PLACEHOLDER = re.compile(r"\{[^/{}]*\}")


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


class ScratchCopyOfS3:
    """The part of the emulator's S3 a run works on, at `<root>/<bucket>/<key>`, mirrored back whole.

    Each `s3://` argument is fetched (downloaded) and named by its path in this copy; after the run
    the whole copy is compared with what was fetched: every new or changed file is uploaded, every
    fetched file the run deleted is deleted. Mirroring the whole copy, not the folders the
    arguments name, is what makes a write land however its path was built: a script resolves
    placeholders itself (`{run_id}` in a Glue workflow run, from its run properties), or derives a
    path from an argument (a partition under an output folder, a sibling folder), and all of them
    are paths in this copy. The other designs need more and know less: mirroring every prefix the
    role may write means reading the role's policies (and downloading every table's data for each
    run), and intercepting the file system means a FUSE mount or a Hadoop FileSystem of our own.

    What a run can delete is what it could see: a location is fetched from its last fixed folder,
    the folder above a path segment holding a `{...}` placeholder, so a rerun that overwrites
    `run_id={run_id}/` finds that run's earlier files and their deletion is mirrored.
    Uploads and deletions go through S3 under the job's role, which IAM judges."""

    def __init__(self, s3: Any, root: Path, role_arn: str) -> None:
        self.s3 = s3
        self.root = root
        self.role_arn = role_arn
        # (bucket, key) -> MD5 of the file as fetched; not S3's ETag, which is no MD5 under SSE-KMS.
        self.fetched: dict[tuple[str, str], str] = {}

    def fetch(self, s3_path: str) -> str:
        """Download the location `s3_path` names (from its last fixed folder) and return its local path."""
        bucket, key = split_s3_path(s3_path)
        segments = key.split("/")
        placeholder = next((index for index, segment in enumerate(segments) if PLACEHOLDER.search(segment)), None)
        prefix = "/".join(segments[:placeholder]) if placeholder is not None else key.rstrip("/")
        self._check_exists_as_spark_does(bucket, prefix)
        listing = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in (item for page in listing for item in page.get("Contents", [])):
            covered = not prefix or item["Key"] == prefix or item["Key"].startswith(f"{prefix}/")
            if covered and (bucket, item["Key"]) not in self.fetched:
                target = self.root / bucket / item["Key"]
                download(self.s3, bucket, item["Key"], target)
                self.fetched[(bucket, item["Key"])] = _md5(target)
        if placeholder is not None or s3_path.endswith("/"):
            (self.root / bucket / prefix).mkdir(parents=True, exist_ok=True)
        local = self.root / bucket / key
        return f"{local}/" if s3_path.endswith("/") and key else str(local)

    def _check_exists_as_spark_does(self, bucket: str, key: str) -> None:
        """Spark asks its file system whether a path exists before it reads or overwrites it, which
        on S3 is a HeadObject of the path's key: for a missing key S3 answers 404 only to a caller
        allowed s3:ListBucket on the bucket, and 403 to any other, which fails the job."""
        if not key:
            return
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status != 404:
                raise StorageAccessRefused(
                    f"Checking whether s3://{bucket}/{key} exists (HeadObject, as Spark does) was refused with "
                    f"HTTP {status} under role {self.role_arn}: the role needs s3:GetObject on the key and s3:ListBucket on "
                    f"arn:aws:s3:::{bucket} without an s3:prefix condition (a HeadObject request carries no s3:prefix) "
                    "for S3 to answer 404 for a key that does not exist."
                ) from error

    def mirror_back(self) -> None:
        present: set[tuple[str, str]] = set()
        for bucket_root in (path for path in self.root.iterdir() if path.is_dir()) if self.root.exists() else []:
            for path in sorted(path for path in bucket_root.rglob("*") if path.is_file() and _is_data_file(path, bucket_root)):
                bucket, key = bucket_root.name, path.relative_to(bucket_root).as_posix()
                present.add((bucket, key))
                if self.fetched.get((bucket, key)) != _md5(path):
                    self.s3.upload_file(str(path), bucket, key)
        gone: dict[str, list[str]] = {}
        for bucket, key in self.fetched:
            if (bucket, key) not in present:
                gone.setdefault(bucket, []).append(key)
        for bucket, keys in gone.items():
            for start in range(0, len(keys), 1000):
                answer = self.s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys[start : start + 1000]]})
                if answer.get("Errors"):
                    first = answer["Errors"][0]
                    raise StorageAccessRefused(
                        f"Deleting s3://{bucket}/{first['Key']} failed with {first['Code']}: {first.get('Message', '')} "
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


def prewarm_driver_for(default_arguments: dict[str, str], glue_version: str) -> None:
    """Start the kind of driver a job of `glue_version` with these default arguments runs on, ahead of its first run."""
    with contextlib.suppress(UnsupportedSparkConfiguration, NoLocalSpark):  # the job's own runs report it
        line = line_for(glue_version)
        line.check_installed(glue_version)
        SPARK_DRIVERS.prewarm(run_spark_configuration(default_arguments, glue_version, line).driver)


class LocalGlueExecutor:
    """A `local_aws.emulator.glue.job_runs.JobExecutor` that runs the job's script on local Spark, in the job's
    region and under the job's role: what the run reads, writes and calls is judged against it."""

    def __call__(self, request: JobRunRequest) -> JobRunResult:
        try:
            credentials = assume_role_as_service(request.role_arn, "glue.amazonaws.com", request.region)
        except RoleNotAssumable as error:
            return JobRunResult("FAILED", f"Glue could not assume the job's role: {error}")
        try:
            line = line_for(request.glue_version)
            spark = run_spark_configuration(request.arguments, request.glue_version, line)
            line.check_installed(request.glue_version)
        except (NoLocalSpark, UnsupportedSparkConfiguration) as error:
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

            copy = ScratchCopyOfS3(s3, scratch / "s3", request.role_arn)
            argv: list[str] = []
            for name, value in script_arguments(request).items():
                if value.startswith("s3://") and name not in GLUE_CONSUMED_ARGUMENTS and not spark.manages(value):
                    value = copy.fetch(value)
                argv += [name, value]

            log = scratch / "output.log"
            job_run = SparkJobRun(
                script=script,
                argv=argv,
                environment={
                    **emulator_environment(credentials.region, own_port()),
                    **credentials.environment(),
                    S3_COPY_ROOT_VARIABLE: str(copy.root),
                },
                session_settings=spark.with_emulator_endpoints(endpoint_url(own_port()), credentials.region),
                jvm_properties=credentials.java_system_properties(),
                cwd=scratch,
                log=log,
                driver=spark.driver,
            )
            returncode = SPARK_DRIVERS.run(job_run, RUN_TIMEOUT_SECONDS)
            if returncode != 0:
                # On Glue, what a run wrote to S3 before it failed stays there (e.g. the cleanse job's quarantine).
                with contextlib.suppress(StorageAccessRefused, ClientError):  # the run's own error is the one to report
                    copy.mirror_back()
                return JobRunResult("FAILED", error_message(returncode, log.read_text(errors="replace")))
            copy.mirror_back()
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
        "PYSPARK_PYTHON": str(kind.spark_line.python),
        "PYSPARK_SUBMIT_ARGS": spark_submit_arguments(kind),
    }


SPARK_DRIVERS = WarmSparkDrivers(driver_environment)
