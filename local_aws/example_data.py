"""What an example reads, put in place in the local emulator from `sample_data/`, and the switch that
points the example at that emulator: `make example-data EXAMPLE=minimal` after `make emulator-up`,
before `terraform apply`.

An example over a landing zone of the caller's own (minimal, event_driven, glue_workflow) gets it as
its `main.tf` names it: the bucket of `source_s3_arns` holding each table's sample CSV under
`<table>/`, and the catalog database `source_database_name` with a table per entry of `tables` over
that CSV (OpenCSVSerde, header skipped, every column a string), as a crawler with a CSV classifier
would have cataloged it. Running it again puts the same data back.

It writes `examples/<example>/emulator_override.tf` (git-ignored), which points the example's plain
`provider "aws"` at the emulator; `make emulator-down` deletes it. Nothing else in the example is
emulator-specific.

    python -m local_aws.example_data minimal [--region <region>]
"""

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from botocore.exceptions import EndpointConnectionError

from local_aws import PROJECT_ROOT
from local_aws.clients import DEFAULT_REGION, client, endpoint_url
from local_aws.terraform import OVERRIDE_FILE, emulator_override

EXAMPLES = PROJECT_ROOT / "examples"
SAMPLE_DATA = PROJECT_ROOT / "sample_data"
# The sample CSV each table name of the examples is given.
SAMPLE_FILES = {"orders": "orders_dirty.csv", "customers": "customers_dirty.csv", "countries": "countries.csv"}
JDBC_SOURCE_NEEDS = (
    "examples/{example} reads its tables from a PostgreSQL database over JDBC, not from a landing zone. "
    "`make demo` starts one seeded from sample_data/ (customers, orders, countries), applies this example "
    "to a local emulator and runs it. Against a PostgreSQL of your own, load those three CSV files as tables "
    "of its `public` schema, serve TLS, put its CA certificate in the emulator's S3, apply with "
    "-var source_jdbc_url=jdbc:postgresql://<host>:<port>/sales -var source_database_username=<user> "
    "-var source_tls_certificate_s3_path=s3://<bucket>/<key> and TF_VAR_source_database_password, then run the source crawler "
    '(`aws glue start-crawler --name "$(terraform output -raw source_crawler_name)"`) before the first run.'
)


# S3's one region where CreateBucket takes no LocationConstraint.
S3_REGION_WITHOUT_LOCATION = "us-east-1"


class ExampleDataError(RuntimeError):
    """The example names no landing zone this module can put in place."""


@dataclass(frozen=True)
class LandingZone:
    bucket: str
    database: str
    tables: tuple[str, ...]


def _unquoted(value: str) -> str:
    return value.strip('"')


def landing_zone(example: str) -> LandingZone:
    """The landing zone `examples/<example>/main.tf` gives its module "etl"."""
    main_tf = EXAMPLES / example / "main.tf"
    if not main_tf.is_file():
        known = sorted(path.name for path in EXAMPLES.iterdir() if (path / "main.tf").is_file())
        raise ExampleDataError(f"No example {example!r}: one of {', '.join(known)}.")
    with main_tf.open() as handle:
        module: dict[str, Any] = next(block['"etl"'] for block in hcl2.load(handle)["module"] if '"etl"' in block)
    if "jdbc_source" in module:
        raise ExampleDataError(JDBC_SOURCE_NEEDS.format(example=example))
    bucket_arn = _unquoted(module["source_s3_arns"][0])
    return LandingZone(bucket_arn.removeprefix("arn:aws:s3:::"), _unquoted(module["source_database_name"]), tuple(module["tables"]))


def _table_input(name: str, location: str, columns: list[str]) -> dict[str, Any]:
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Location": location,
            "Columns": [{"Name": column, "Type": "string"} for column in columns],
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde", "Parameters": {"separatorChar": ","}},
        },
    }


def put_landing_zone(zone: LandingZone, region: str) -> list[str]:
    """Create the bucket, the CSV objects, the database and its tables (or put them back); return the S3 paths written."""
    s3, glue = client("s3", region=region), client("glue", region=region)
    if zone.bucket not in {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}:
        # S3 wants the bucket's region named (CreateBucketConfiguration) everywhere but in us-east-1,
        # which refuses it: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
        location = {} if region == S3_REGION_WITHOUT_LOCATION else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=zone.bucket, **location)
    if zone.database not in {database["Name"] for database in glue.get_databases()["DatabaseList"]}:
        glue.create_database(DatabaseInput={"Name": zone.database, "Description": "Sample landing zone (local_aws.example_data)"})
    written = []
    for table in zone.tables:
        if table not in SAMPLE_FILES:
            raise ExampleDataError(f"No sample data for a table {table!r}: sample_data/ has {', '.join(SAMPLE_FILES)}.")
        sample = SAMPLE_DATA / SAMPLE_FILES[table]
        with sample.open(newline="") as handle:
            columns = next(csv.reader(handle))
        key = f"{table}/{sample.name}"
        s3.put_object(Bucket=zone.bucket, Key=key, Body=sample.read_bytes())
        table_input = _table_input(table, f"s3://{zone.bucket}/{table}/", columns)
        if table in {existing["Name"] for existing in glue.get_tables(DatabaseName=zone.database)["TableList"]}:
            glue.update_table(DatabaseName=zone.database, TableInput=table_input)
        else:
            glue.create_table(DatabaseName=zone.database, TableInput=table_input)
        written.append(f"s3://{zone.bucket}/{key}")
    return written


def write_emulator_override(example: str) -> Path:
    """examples/<example>/emulator_override.tf: the example's provider pointed at the emulator."""
    override = EXAMPLES / example / OVERRIDE_FILE
    override.write_text(emulator_override(endpoint_url()))
    return override


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m local_aws.example_data", description=__doc__.splitlines()[0])
    parser.add_argument("example", help="an example's folder name under examples/, e.g. minimal")
    parser.add_argument(
        "--region", default=DEFAULT_REGION, help=f"the region the example is applied to, its var.region (default {DEFAULT_REGION})"
    )
    arguments = parser.parse_args()
    try:
        zone = landing_zone(arguments.example)
        written = put_landing_zone(zone, arguments.region)
        override = write_emulator_override(arguments.example)
    except ExampleDataError as error:
        print(error, file=sys.stderr)
        return 1
    except EndpointConnectionError:
        print(f"No emulator answers on {endpoint_url()}: start one with `make emulator-up`.", file=sys.stderr)
        return 1
    print(f"Landing zone of examples/{arguments.example} in the emulator on {endpoint_url()} ({arguments.region}):")
    for table, path in zip(zone.tables, written, strict=True):
        print(f"  {zone.database}.{table} over {path}")
    print(f"{override.relative_to(PROJECT_ROOT)} points the example's provider at the emulator: delete it before applying to AWS.")
    if arguments.region != DEFAULT_REGION:
        print(f"Apply the example with -var region={arguments.region}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
