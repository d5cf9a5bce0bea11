"""A warm Spark driver: one Python process whose JVM stays up across Glue job runs, each run isolated
as a fresh Glue run is. Started by `local_aws.executors.warm_spark` as `python spark_worker.py`, with
the Glue stand-in first on PYTHONPATH and Spark's launch settings in PYSPARK_SUBMIT_ARGS.

Protocol: one JSON request a line on stdin — {"script", "argv", "environment", "session_settings",
"jvm_properties", "cwd", "log"} — and
one JSON reply a line on the descriptor the parent names in argv[1] — {"returncode", "driver_alive"}.
EOF on stdin ends the worker.

What a run gets of its own, as on Glue where each run is a new process:
- module state: every module imported from outside the Python installation (the script, its
  --extra-py-files, the `awsglue` stand-in) is forgotten after the run;
- Spark: a new SparkSession (own SQL conf with the run's `--conf` settings, catalogs, temporary
  views, UDFs) as the default and active one; the table cache and global temporary views are
  cleared after the run;
- the JVM's system properties the run is given (its role's credentials, which the AWS SDK for Java
  reads first, for Iceberg's catalog and file IO) are removed after it;
- Spark's Python workers: not reused across tasks, so each imports the run's own modules;
- the S3 locations it names in the Glue catalog: a location in the run's scratch copy of S3 (named by
  LOCAL_AWS_S3_COPY_ROOT, see local_aws.executors.glue_jobs) is given to Glue as the S3 URI it is
  mirrored back to, as a script on Glue, whose paths are S3 URIs, gives it;
- process state: its environment (role credentials, region), argv, working folder, the AWS SDK's
  default session and the root logger's handlers are put back as they were.
Shared, as between Glue runs: nothing but S3 and the catalog, reached through the emulator.
"""

import contextlib
import importlib
import json
import logging
import os
import runpy
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# The script's folder, not this one, is what a run's imports start from.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import boto3  # noqa: E402
import pyspark.sql.functions  # noqa: E402 (warmed: imported by every job script)
import pyspark.sql.types  # noqa: E402
import pyspark.sql.window  # noqa: E402,F401
from pyspark.sql import SparkSession  # noqa: E402

# Where local_aws.executors.glue_jobs puts the run's scratch copy of S3 (<root>/<bucket>/<key>).
S3_COPY_ROOT_VARIABLE = "LOCAL_AWS_S3_COPY_ROOT"
INSTALLATION = tuple({str(Path(sys.prefix).resolve()), str(Path(sys.base_prefix).resolve())})


def make_default(session: SparkSession) -> None:
    """What `SparkSession.builder.getOrCreate()` and `getActiveSession()` return from now on."""
    SparkSession._instantiatedSession = session
    SparkSession._activeSession = session
    jvm_sessions = session._jvm.SparkSession  # type: ignore[union-attr]
    jvm_sessions.setDefaultSession(session._jsparkSession)
    jvm_sessions.setActiveSession(session._jsparkSession)


def exit_status(code: Any) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message") prints it and exits 1, as Python does
    return 1


def installed(module: Any) -> bool:
    location: str | None = getattr(module, "__file__", None)
    return location is not None and str(Path(location).resolve()).startswith(INSTALLATION)


def forget_run_modules(before: set[str]) -> None:
    for name in set(sys.modules) - before:
        if not installed(sys.modules[name]):
            del sys.modules[name]


def clear_shared_spark_state(base: SparkSession) -> None:
    base.catalog.clearCache()
    for view in base.catalog.listTables("global_temp"):
        if view.isTemporary:
            base.catalog.dropGlobalTempView(view.name)


def new_session(base: SparkSession, settings: dict[str, str]) -> SparkSession:
    """A new session with the run's settings; one Spark refuses to set per session (a core
    setting that Glue would give the driver) is said in the run's log, not silently dropped."""
    session = base.newSession()
    for name, value in settings.items():
        try:
            session.conf.set(name, value)
        except Exception as error:  # Spark's AnalysisException: not modifiable in a session
            print(f"local run: --conf {name} is not applied (it needs a new driver): {error}", file=sys.stderr)
    return session


@contextlib.contextmanager
def jvm_system_properties(base: SparkSession, properties: dict[str, str]) -> Iterator[None]:
    system = base._jvm.java.lang.System  # type: ignore[union-attr]
    for name, value in properties.items():
        system.setProperty(name, value)
    try:
        yield
    finally:
        if base._sc._jsc is not None:  # a script that stopped Spark ends this driver anyway
            for name in properties:
                system.clearProperty(name)


def as_s3_uris(value: Any, copy_root: str) -> Any:
    """`value` (a Glue request's parameters) with every `Location` in the scratch copy of S3 as its S3 URI."""
    if isinstance(value, list):
        return [as_s3_uris(item, copy_root) for item in value]
    if not isinstance(value, dict):
        return value
    translated = {name: as_s3_uris(item, copy_root) for name, item in value.items()}
    location = translated.get("Location")
    if isinstance(location, str) and location.removeprefix("file:").startswith(f"{copy_root}/"):
        translated["Location"] = "s3://" + location.removeprefix("file:").removeprefix(f"{copy_root}/")
    return translated


def name_catalog_locations_in_s3(copy_root: str) -> None:
    """The AWS SDK's default session, from the run's environment, giving Glue S3 URIs for scratch copy locations."""

    def translate(params: dict[str, Any], **_: Any) -> None:
        params.update(as_s3_uris(params, copy_root))

    boto3.setup_default_session()
    boto3.DEFAULT_SESSION.events.register("provide-client-params.glue", translate)


def run(base: SparkSession, request: dict[str, Any]) -> int:
    environment, argv, cwd, path = dict(os.environ), list(sys.argv), os.getcwd(), list(sys.path)
    modules, root_handlers, root_level = set(sys.modules), list(logging.root.handlers), logging.root.level
    script = request["script"]
    try:
        os.environ.update(request["environment"])
        sys.argv = [script, *request["argv"]]
        sys.path.insert(0, str(Path(script).parent))
        importlib.invalidate_caches()  # the scripts folder is a link that now names another folder
        os.chdir(request["cwd"])
        boto3.DEFAULT_SESSION = None  # the previous run's credentials must not be reused
        if copy_root := os.environ.get(S3_COPY_ROOT_VARIABLE):
            name_catalog_locations_in_s3(copy_root.rstrip("/"))
        with (
            open(request["log"], "w") as log,
            contextlib.redirect_stdout(log),
            contextlib.redirect_stderr(log),
            jvm_system_properties(base, request["jvm_properties"]),
        ):
            make_default(new_session(base, request["session_settings"]))
            try:
                runpy.run_path(script, run_name="__main__")
                return 0
            except SystemExit as exit_:
                return exit_status(exit_.code)
            except BaseException:
                traceback.print_exc()
                return 1
    finally:
        os.environ.clear()
        os.environ.update(environment)
        sys.argv, sys.path[:] = argv, path
        os.chdir(cwd)
        boto3.DEFAULT_SESSION = None
        logging.root.handlers[:], logging.root.level = root_handlers, root_level
        forget_run_modules(modules)
        if base._sc._jsc is not None:
            clear_shared_spark_state(base)
            make_default(base)


def warm_up_iceberg(base: SparkSession) -> None:
    """A driver started for Iceberg runs a MERGE on a throw-away table first, so that a job run
    does not pay for loading and compiling Iceberg's write path (seconds on a cold JVM)."""
    # A driver for a job that configures Iceberg without asking Glue for it has the extensions named, not the jars.
    iceberg_loaded = "iceberg-spark-runtime" in (base.conf.get("spark.jars", "") or "")
    if not iceberg_loaded or "iceberg" not in (base.conf.get("spark.sql.extensions", "") or "").lower():
        return
    session = base.newSession()
    with tempfile.TemporaryDirectory(prefix="iceberg-warm-up-") as warehouse:
        session.conf.set("spark.sql.catalog.warm_up", "org.apache.iceberg.spark.SparkCatalog")
        session.conf.set("spark.sql.catalog.warm_up.type", "hadoop")
        session.conf.set("spark.sql.catalog.warm_up.warehouse", warehouse)
        session.sql("CREATE TABLE warm_up.db.t (id bigint, value string) USING iceberg")
        session.sql("INSERT INTO warm_up.db.t VALUES (1, 'a')")
        session.createDataFrame([(1, "b"), (2, "c")], "id bigint, value string").createOrReplaceTempView("incoming")
        session.sql(
            "MERGE INTO warm_up.db.t t USING incoming s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
        )
    base.catalog.clearCache()


def main() -> None:
    replies = os.fdopen(int(sys.argv[1]), "w", buffering=1)
    base = SparkSession.builder.getOrCreate()
    warm_up_iceberg(base)
    replies.write(json.dumps({"ready": True, "application_id": base.sparkContext.applicationId}) + "\n")
    for line in sys.stdin:
        returncode = run(base, json.loads(line))
        alive = base._sc._jsc is not None  # a script that stopped Spark ends this driver
        replies.write(json.dumps({"returncode": returncode, "driver_alive": alive}) + "\n")
        if not alive:
            return


if __name__ == "__main__":
    main()
