"""The whole pipeline on this machine, as `make demo` and the end-to-end test run it: a real
PostgreSQL source seeded with the tables of `examples/complete` (customers, orders, countries), the
emulator, `examples/complete` applied to it (JDBC source on, its password in Secrets Manager, TLS
required and verified against the server's CA certificate, kept in the emulated S3), Glue jobs run
with their real scripts on local Spark.

    with LocalPipeline({"customers": customers_csv, "orders": orders_csv, "countries": countries_csv}, work_dir) as pipeline:
        pipeline.catalog_source()
        record = pipeline.run("demo-1", on_state_entered=print)
        print(record.output)  # the run report
"""

import contextlib
import csv
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from pyiceberg.table import Table

from local_aws import PROJECT_ROOT, emulator, executions
from local_aws.clients import DEFAULT_REGION, client, region_of
from local_aws.control import run_jobs_locally, set_time_scale
from local_aws.demo.postgres import PostgresServer, running_postgres, seed_table
from local_aws.iceberg_tables import load_table, table_rows
from local_aws.terraform import TerraformWorkspace

EXAMPLE = PROJECT_ROOT / "examples" / "complete"
# The source tables examples/complete lands, with their integer columns (the others are text, so that
# the dirty rows' values fit).
SOURCE_TABLES = {"customers": ("customer_id",), "orders": ("order_id",), "countries": ()}
SAMPLE_DATA = PROJECT_ROOT / "sample_data"
# examples/complete's default region, where the demo applies it.
EXAMPLE_REGION = DEFAULT_REGION


class PipelineStepFailed(RuntimeError):
    def __init__(self, step: str, error: str) -> None:
        super().__init__(f"{step}: {error}")
        self.step = step
        self.error = error


@dataclass(frozen=True)
class CatalogTable:
    name: str
    location: str
    columns: list[tuple[str, str]]


class LocalPipeline:
    def __init__(
        self,
        sources: dict[str, Path],
        work_dir: Path,
        name_prefix: str = "demo",
        time_scale: float = 0.1,
        emulator_endpoint: str | None = None,
        example_variables: dict[str, Any] | None = None,
    ) -> None:
        """`sources`: a CSV (with a header) for each of SOURCE_TABLES. `emulator_endpoint`: an emulator the
        caller started and owns; by default one of its own. `example_variables`: more of examples/complete's
        variables to apply it with (e.g. glue_version, cleansed_format); the source's are set here."""
        if set(sources) != set(SOURCE_TABLES):
            raise ValueError(f"LocalPipeline needs a CSV for each of {sorted(SOURCE_TABLES)}, got {sorted(sources)}")
        self._given_emulator = emulator_endpoint
        self.sources = sources
        self.work_dir = work_dir
        self.name_prefix = name_prefix
        self.time_scale = time_scale
        self.example_variables = dict(example_variables or {})
        self.outputs: dict[str, Any] = {}
        self.postgres: PostgresServer | None = None
        self._stack = contextlib.ExitStack()

    # ------------------------------------------------------------------ start and stop

    def __enter__(self) -> "LocalPipeline":
        with self._stack as stack:
            self.start()
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def start(self) -> None:
        """Start PostgreSQL (seeded) and the emulator; `apply` comes next."""
        self.postgres = self._stack.enter_context(running_postgres())
        for table, integer_columns in SOURCE_TABLES.items():
            seed_table(self.postgres, table, self.sources[table], integer_columns)
        self.endpoint = self._given_emulator or self._stack.enter_context(emulator.running_emulator())

    def apply(self) -> None:
        assert self.postgres is not None
        self.workspace = TerraformWorkspace(EXAMPLE, self.work_dir / "terraform", emulator_endpoint=self.endpoint)
        variables = {
            "name_prefix": self.name_prefix,
            "source_jdbc_url": self.postgres.jdbc_url,
            "source_database_username": self.postgres.user,
            "source_database_password": self.postgres.password,
            "source_tls_certificate_s3_path": self._source_certificate_in_s3(),
            **self.example_variables,
        }
        run_jobs_locally()  # first: the emulator's Spark driver warms up while Terraform applies
        self.workspace.init()
        self.workspace.apply(variables)
        self.outputs = self.workspace.outputs()
        set_time_scale(self.time_scale)

    def _source_certificate_in_s3(self) -> str:
        """The source server's CA certificate in a bucket of its own, as an RDS user keeps the RDS CA
        certificate: where the connection's CUSTOM_JDBC_CERT points, so that the extract job and the source
        crawler verify the server they reach over TLS."""
        assert self.postgres is not None and self.postgres.ca_certificate is not None
        bucket, key = f"{self.name_prefix}-source-certificates", "source-ca.pem"
        s3 = client("s3", region=EXAMPLE_REGION)
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key=key, Body=self.postgres.ca_certificate)
        return f"s3://{bucket}/{key}"

    def client(self, service: str) -> Any:
        """A client in the region the example was applied to (its resources' ARNs say which)."""
        return client(service, region=region_of(self.outputs["state_machine_arn"]))

    # ------------------------------------------------------------------ the pipeline

    def catalog_source(self, timeout_seconds: float = 60) -> list[CatalogTable]:
        """Run the source crawler once, as a user does before the first run; return the tables it cataloged."""
        glue, crawler = self.client("glue"), self.outputs["source_crawler_name"]
        glue.start_crawler(Name=crawler)
        deadline = time.monotonic() + timeout_seconds
        while (state := glue.get_crawler(Name=crawler)["Crawler"])["State"] != "READY":
            if time.monotonic() > deadline:
                raise PipelineStepFailed("SourceCrawler", f"{crawler} still {state['State']} after {timeout_seconds} s")
            time.sleep(0.2)
        last_crawl = state.get("LastCrawl", {})
        if last_crawl.get("Status") != "SUCCEEDED":
            raise PipelineStepFailed("SourceCrawler", f"{crawler}: {last_crawl.get('Status')}: {last_crawl.get('ErrorMessage')}")
        return [table for table in self.tables() if table.name.startswith("source_")]

    def run(
        self,
        run_id: str,
        on_state_entered: Callable[[executions.StateEntered], None] | None = None,
        timeout_seconds: float = 600,
        tables: list[str] | None = None,
        on_history: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> executions.ExecutionRecord:
        """Run the pipeline: every table, or only `tables`; `on_history` gets the execution's history as it grows."""
        name = f"{run_id}-{int(time.time() * 1000)}"
        execution_input: dict[str, Any] = {"run_id": run_id} if tables is None else {"run_id": run_id, "tables": tables}
        return executions.run(self.outputs["state_machine_arn"], execution_input, name, timeout_seconds, on_state_entered, on_history)

    def kill_source(self) -> None:
        assert self.postgres is not None
        self.postgres.kill()

    # ------------------------------------------------------------------ what it produced

    def tables(self) -> list[CatalogTable]:
        glue = self.client("glue")
        tables = [
            table
            for page in glue.get_paginator("get_tables").paginate(DatabaseName=self.outputs["database_name"])
            for table in page["TableList"]
        ]
        return [
            CatalogTable(
                table["Name"],
                table["StorageDescriptor"]["Location"],
                [(column["Name"], column["Type"]) for column in table["StorageDescriptor"]["Columns"] + table.get("PartitionKeys", [])],
            )
            for table in sorted(tables, key=lambda table: table["Name"])
        ]

    def keys_under(self, s3_path: str) -> Iterator[str]:
        """The keys of the files under `s3_path` but markers (_SUCCESS, .crc)."""
        bucket = self.outputs["bucket_name"]
        prefix = s3_path.removeprefix(f"s3://{bucket}/")
        for page in self.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                if not item["Key"].rsplit("/", 1)[-1].startswith(("_", ".")):
                    yield item["Key"]

    def run_keys(self, s3_path: str, run_id: str) -> Iterator[str]:
        """The keys of the data files `run_id` wrote under `s3_path`."""
        return (key for key in self.keys_under(s3_path) if f"/run_id={run_id}/" in key)

    def _objects(self, s3_path: str, run_id: str) -> Iterator[bytes]:
        s3, bucket = self.client("s3"), self.outputs["bucket_name"]
        for key in self.run_keys(s3_path, run_id):
            yield s3.get_object(Bucket=bucket, Key=key)["Body"].read()

    def location(self, table: str, stage: str) -> str:
        """The S3 location of `table`'s `stage` (raw, cleansed or quarantine), from the module's outputs."""
        location: str = self.outputs["tables"][table][f"{stage}_path"]
        return location

    def raw_rows(self, run_id: str, table: str = "customers") -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        for content in self._objects(self.location(table, "raw"), run_id):
            rows += list(csv.DictReader(io.StringIO(content.decode())))
        return rows

    def parquet_rows(self, s3_path: str, run_id: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for content in self._objects(s3_path, run_id):
            rows += pq.read_table(io.BytesIO(content)).to_pylist()
        return rows

    def current_state_table(self, table: str = "customers") -> Table:
        """The Iceberg table cleansed_<table> (cleansed_format "iceberg"), loaded as a consumer loads it."""
        cleansed_table = self.outputs["tables"][table]["cleansed_table"]
        return load_table(self.outputs["database_name"], cleansed_table, region_of(self.outputs["state_machine_arn"]))

    def current_state_rows(self, table: str = "customers", snapshot_id: int | None = None) -> list[dict[str, Any]]:
        """The rows of cleansed_<table>: its current snapshot, or `snapshot_id` (time travel)."""
        cleansed_table = self.outputs["tables"][table]["cleansed_table"]
        return table_rows(
            self.outputs["database_name"], cleansed_table, region_of(self.outputs["state_machine_arn"]), snapshot_id=snapshot_id
        )

    def update_source(self, statement: str, **parameters: Any) -> None:
        """Run a SQL statement on the source database (e.g. to change rows between two runs)."""
        assert self.postgres is not None
        connection = self.postgres.connect()
        try:
            connection.run(statement, **parameters)
        finally:
            connection.close()

    def source_rows(self, table: str = "customers") -> int:
        return self.source_count(table, "true")

    def source_count(self, table: str, condition: str) -> int:
        """The rows of the source `table` that meet the SQL `condition`."""
        assert self.postgres is not None and table in SOURCE_TABLES
        connection = self.postgres.connect()
        try:
            return int(connection.run(f"SELECT count(*) FROM {table} WHERE {condition}")[0][0])
        finally:
            connection.close()
