"""With --catalog_table (the module's catalog_updates = "jobs"), the extract and cleanse jobs register
what they wrote as the module's crawlers would: the same table and partitions as the emulator's
raw and cleansed crawlers write for the same files, a second run's partition and new column added,
a rerun's partition replaced, and the rows readable through the catalog. Real job runs on local
Spark, under roles allowed only the catalog calls the scripts make."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import cleanse_job
import extract_job
from local_aws.clients import client
from local_aws.control import advance_time, run_jobs_locally
from tests.local_aws.local_job_runs import BUCKET, PROJECT_SCRIPTS, create_job, csv_rows, run_job
from tests.roles import CRAWLER_CATALOG_ACTIONS, catalog_statement, create_service_role

pytestmark = pytest.mark.spark

DATABASE = "lake"  # what the jobs register
CRAWLED = "crawled"  # what the crawlers write for the same files
ACCOUNT_GLUE = "arn:aws:glue:*:123456789012"
# The only Glue calls each script makes (catalog_tables.py), on the table name patterns the module grants (iam.tf).
EXTRACT_CATALOG_ACTIONS = ["glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:UpdatePartition"]
CLEANSE_CATALOG_ACTIONS = [*EXTRACT_CATALOG_ACTIONS, "glue:GetPartitions", "glue:BatchDeletePartition"]
RAW = f"s3://{BUCKET}/raw/sales/customers/"
CLEANSED = f"s3://{BUCKET}/cleansed/sales/customers/"
SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
LANDING = b'customer_id,Email,name\n1,ada@example.com,"Lovelace, Ada"\n2,alan@example.com,Turing\n'
LANDING_WITH_SEGMENT = b'customer_id,Email,name,segment\n1,ada@example.com,"Lovelace, Ada",b2b\n3,grace@example.com,Hopper,b2c\n'


def job_role(name: str, actions: list[str]) -> str:
    return create_service_role(
        name,
        "glue.amazonaws.com",
        [
            {"Action": "s3:*", "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]},
            {
                "Action": actions,
                "Resource": [
                    f"{ACCOUNT_GLUE}:catalog",
                    f"{ACCOUNT_GLUE}:database/{DATABASE}",
                    f"{ACCOUNT_GLUE}:table/{DATABASE}/raw_*",
                    f"{ACCOUNT_GLUE}:table/{DATABASE}/cleansed_*",
                ],
            },
        ],
    )


def create_script_job(name: str, script: str, role: str) -> None:
    libraries = tuple(path for path in sorted(PROJECT_SCRIPTS.glob("*.py")) if path.name != script)
    create_job(name, PROJECT_SCRIPTS / script, {}, libraries, role=role)


@pytest.fixture
def lake(clean_emulator: str) -> Iterator[Any]:
    """The bucket, the jobs' database and the crawlers' one, the extract and cleanse jobs allowed
    only their catalog actions, and the raw and cleansed crawlers as the module configures them."""
    s3, glue = client("s3"), client("glue")
    s3.create_bucket(Bucket=BUCKET)
    for database in (DATABASE, CRAWLED):
        glue.create_database(DatabaseInput={"Name": database})
    create_script_job("extract", "extract_job.py", job_role("extract-job", EXTRACT_CATALOG_ACTIONS))
    create_script_job("cleanse", "cleanse_job.py", job_role("cleanse-job", CLEANSE_CATALOG_ACTIONS))
    create_service_role(
        "crawler",
        "glue.amazonaws.com",
        [
            {"Action": ["s3:ListBucket", "s3:GetObject"], "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]},
            catalog_statement(CRAWLER_CATALOG_ACTIONS, CRAWLED),
        ],
    )
    # glue.tf: aws_glue_classifier.raw_csv and aws_glue_crawler.lake
    glue.create_classifier(
        CsvClassifier={"Name": "raw-csv", "Delimiter": ",", "QuoteSymbol": '"', "ContainsHeader": "PRESENT", "Serde": "OpenCSVSerDe"}
    )
    policy = {"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "DELETE_FROM_DATABASE"}
    for crawler, path, prefix, classifiers in (("raw", RAW, "raw_", ["raw-csv"]), ("cleansed", CLEANSED, "cleansed_", [])):
        glue.create_crawler(
            Name=crawler,
            Role="crawler",
            DatabaseName=CRAWLED,
            Targets={"S3Targets": [{"Path": path}]},
            TablePrefix=prefix,
            Classifiers=classifiers,
            SchemaChangePolicy=policy,
        )
    run_jobs_locally()
    yield glue


def extract(run_id: str, landing: bytes, job: str = "extract", bookmarks: str = "job-bookmark-disable") -> dict[str, Any]:
    client("s3").put_object(Bucket=BUCKET, Key=f"landing/{run_id}.csv", Body=landing)
    return run_job(
        job,
        {
            "--job-bookmark-option": bookmarks,
            "--source_database": "landing",
            "--source_table": "customers",
            "--source_path": f"s3://{BUCKET}/landing/{run_id}.csv",
            "--output_path": f"{RAW}run_id={run_id}/",
            "--catalog_table": f"{DATABASE}.raw_customers",
        },
    )


def cleanse(run_id: str, raw_csv: bytes, ingestion_date: str = "2026-11-24") -> dict[str, Any]:
    client("s3").put_object(Bucket=BUCKET, Key=f"raw/sales/customers/run_id={run_id}/part-00000.csv", Body=raw_csv)
    return run_job(
        "cleanse",
        {
            "--input_path": f"{RAW}run_id={run_id}/",
            "--output_path": CLEANSED,
            "--quarantine_path": f"s3://{BUCKET}/quarantine/sales/customers/",
            "--cleansing_rules": (SAMPLE_DATA / "customer_rules.json").read_text(),
            "--run_id": run_id,
            "--ingestion_date": ingestion_date,
            "--catalog_table": f"{DATABASE}.cleansed_customers",
        },
    )


def crawl(glue: Any, crawler: str) -> None:
    glue.start_crawler(Name=crawler)
    for _ in range(60):
        if glue.get_crawler(Name=crawler)["Crawler"]["State"] == "READY":
            break
        advance_time(1)
    assert glue.get_crawler(Name=crawler)["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"


def described(storage: dict[str, Any]) -> dict[str, Any]:
    """What a storage descriptor says about reading its files."""
    fields = ("Columns", "Location", "InputFormat", "OutputFormat", "SerdeInfo", "Parameters")
    return {field: storage.get(field) for field in fields}


def catalog_entries(glue: Any, database: str, table: str) -> dict[str, Any]:
    """The table and its partitions as far as reading them goes."""
    found = glue.get_table(DatabaseName=database, Name=table)["Table"]
    partitions = glue.get_partitions(DatabaseName=database, TableName=table)["Partitions"]
    return {
        "TableType": found.get("TableType"),
        "PartitionKeys": found["PartitionKeys"],
        "classification": found["Parameters"].get("classification"),
        "skip.header.line.count": found["Parameters"].get("skip.header.line.count"),
        "StorageDescriptor": described(found["StorageDescriptor"]),
        "Partitions": {tuple(partition["Values"]): described(partition["StorageDescriptor"]) for partition in partitions},
    }


def rows_through_catalog(glue: Any, database: str, table: str) -> list[dict[str, Any]]:
    """Every row of the table, partition by partition, as a reader of the catalog gets it: each partition's files at its
    location, read with the SerDe the catalog names, under the table's columns (a CSV by position,
    Parquet by name), with the partition's values."""
    found = glue.get_table(DatabaseName=database, Name=table)["Table"]
    columns = [column["Name"] for column in found["StorageDescriptor"]["Columns"]]
    keys = [key["Name"] for key in found["PartitionKeys"]]
    skipped = int(found["Parameters"].get("skip.header.line.count", "0"))
    s3, rows = client("s3"), []
    partitions = glue.get_partitions(DatabaseName=database, TableName=table)["Partitions"]
    for partition in sorted(partitions, key=lambda partition: partition["Values"]):
        storage = partition["StorageDescriptor"]
        bucket, _, prefix = storage["Location"].removeprefix("s3://").partition("/")
        for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []):
            if item["Key"].rsplit("/", 1)[-1].startswith(("_", ".")):
                continue
            body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            serde = storage["SerdeInfo"]
            if serde["SerializationLibrary"].endswith("OpenCSVSerde"):
                parameters = serde["Parameters"]
                lines = list(
                    csv.reader(io.StringIO(body.decode()), delimiter=parameters["separatorChar"], quotechar=parameters["quoteChar"])
                )
                records = [dict(zip(columns, values + [None] * (len(columns) - len(values)), strict=True)) for values in lines[skipped:]]
            else:
                data = pq.read_table(io.BytesIO(body)).to_pylist()
                records = [{column: record.get(column) for column in columns} for record in data]
            rows += [{**record, **dict(zip(keys, partition["Values"], strict=True))} for record in records]
    return rows


def test_the_raw_table_and_partition_the_extract_job_registers_are_the_raw_crawlers(lake: Any) -> None:
    run = extract("r1", LANDING)

    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    crawl(lake, "raw")
    assert catalog_entries(lake, DATABASE, "raw_customers") == catalog_entries(lake, CRAWLED, "raw_customers")
    assert rows_through_catalog(lake, DATABASE, "raw_customers") == [
        {"customer_id": "1", "email": "ada@example.com", "name": "Lovelace, Ada", "run_id": "r1"},
        {"customer_id": "2", "email": "alan@example.com", "name": "Turing", "run_id": "r1"},
    ]


def test_the_cleansed_table_and_partitions_the_cleanse_job_registers_are_the_cleansed_crawlers(lake: Any) -> None:
    run = cleanse("r1", (SAMPLE_DATA / "customers_dirty.csv").read_bytes())

    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    crawl(lake, "cleansed")
    registered = catalog_entries(lake, DATABASE, "cleansed_customers")
    assert registered == catalog_entries(lake, CRAWLED, "cleansed_customers")
    assert list(registered["Partitions"]) == [("2026-11-24", "r1")]
    rows = rows_through_catalog(lake, DATABASE, "cleansed_customers")
    assert sorted(row["customer_id"] for row in rows) == sorted({row["customer_id"] for row in rows})
    assert {(row["ingestion_date"], row["run_id"]) for row in rows} == {("2026-11-24", "r1")}
    assert rows == rows_through_catalog(lake, CRAWLED, "cleansed_customers")


def test_a_second_run_adds_its_partition_and_its_new_column_at_the_end_and_the_first_stays_readable(lake: Any) -> None:
    assert extract("r1", LANDING)["JobRunState"] == "SUCCEEDED"

    run = extract("r2", LANDING_WITH_SEGMENT)

    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    registered = catalog_entries(lake, DATABASE, "raw_customers")
    assert [column["Name"] for column in registered["StorageDescriptor"]["Columns"]] == ["customer_id", "email", "name", "segment"]
    crawl(lake, "raw")
    assert registered["StorageDescriptor"] == catalog_entries(lake, CRAWLED, "raw_customers")["StorageDescriptor"]
    # Each partition describes its own files (the crawler's InheritFromTable gives old ones the table's columns).
    assert {values: [column["Name"] for column in entry["Columns"]] for values, entry in registered["Partitions"].items()} == {
        ("r1",): ["customer_id", "email", "name"],
        ("r2",): ["customer_id", "email", "name", "segment"],
    }
    assert rows_through_catalog(lake, DATABASE, "raw_customers") == [
        {"customer_id": "1", "email": "ada@example.com", "name": "Lovelace, Ada", "segment": None, "run_id": "r1"},
        {"customer_id": "2", "email": "alan@example.com", "name": "Turing", "segment": None, "run_id": "r1"},
        {"customer_id": "1", "email": "ada@example.com", "name": "Lovelace, Ada", "segment": "b2b", "run_id": "r2"},
        {"customer_id": "3", "email": "grace@example.com", "name": "Hopper", "segment": "b2c", "run_id": "r2"},
    ]


def test_a_rerun_of_a_run_id_replaces_its_partition(lake: Any) -> None:
    assert extract("r1", LANDING)["JobRunState"] == "SUCCEEDED"

    run = extract("r1", LANDING_WITH_SEGMENT)

    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    registered = catalog_entries(lake, DATABASE, "raw_customers")
    assert list(registered["Partitions"]) == [("r1",)]
    assert [column["Name"] for column in registered["Partitions"][("r1",)]["Columns"]] == ["customer_id", "email", "name", "segment"]
    assert [(row["customer_id"], row["segment"]) for row in rows_through_catalog(lake, DATABASE, "raw_customers")] == [
        ("1", "b2b"),
        ("3", "b2c"),
    ]


def test_a_rerun_on_another_day_keeps_only_its_new_partition_as_the_crawler_does(lake: Any) -> None:
    assert cleanse("r1", (SAMPLE_DATA / "customers_dirty.csv").read_bytes())["JobRunState"] == "SUCCEEDED"

    run = cleanse("r1", (SAMPLE_DATA / "customers_dirty.csv").read_bytes(), ingestion_date="2026-11-25")

    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    registered = catalog_entries(lake, DATABASE, "cleansed_customers")
    assert list(registered["Partitions"]) == [("2026-11-25", "r1")]
    crawl(lake, "cleansed")
    assert registered == catalog_entries(lake, CRAWLED, "cleansed_customers")
    rows = rows_through_catalog(lake, DATABASE, "cleansed_customers")
    assert rows and {row["ingestion_date"] for row in rows} == {"2026-11-25"}


def test_a_refused_catalog_call_fails_the_job_with_glues_message_and_its_files_stay(lake: Any) -> None:
    role = job_role("no-create-table", [action for action in EXTRACT_CATALOG_ACTIONS if action != "glue:CreateTable"])
    create_script_job("extract-refused", "extract_job.py", role)

    run = extract("r1", LANDING, job="extract-refused")

    assert run["JobRunState"] == "FAILED"
    assert "CatalogUpdateRefused: catalog table lake.raw_customers: Glue refused CreateTable (AccessDeniedException" in run["ErrorMessage"]
    assert "glue:CreateTable" in run["ErrorMessage"]
    assert [row["customer_id"] for row in csv_rows("raw/sales/customers/run_id=r1/")] == ["1", "2"]
    with pytest.raises(lake.exceptions.EntityNotFoundException):
        lake.get_table(DatabaseName=DATABASE, Name="raw_customers")


def test_a_rerun_that_keeps_the_extract_of_a_run_refused_by_the_catalog_registers_it(lake: Any) -> None:
    role = job_role("no-create-table", [action for action in EXTRACT_CATALOG_ACTIONS if action != "glue:CreateTable"])
    create_script_job("extract-refused", "extract_job.py", role)
    assert extract("r1", LANDING, job="extract-refused", bookmarks="job-bookmark-enable")["JobRunState"] == "FAILED"

    # With bookmarks on, the rerun keeps the extract the refused run wrote (its rows are past the bookmark).
    run = extract("r1", LANDING_WITH_SEGMENT, bookmarks="job-bookmark-enable")

    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    rows = rows_through_catalog(lake, DATABASE, "raw_customers")
    assert [(row["customer_id"], row["run_id"]) for row in rows] == [("1", "r1"), ("2", "r1")]


def test_a_skipped_cleanse_registers_nothing(lake: Any) -> None:
    run = cleanse("r1", (SAMPLE_DATA / "customers_dirty.csv").read_bytes().splitlines(keepends=True)[0])

    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    with pytest.raises(lake.exceptions.EntityNotFoundException):
        lake.get_table(DatabaseName=DATABASE, Name="cleansed_customers")


BAD_CATALOG_TABLES = [
    "raw_customers",
    "lake.",
    ".raw_customers",
    "Lake.raw_customers",
    "lake.raw-customers",
    "lake.raw.customers",
    f"lake.{'t' * 256}",
]


@pytest.mark.parametrize("value", BAD_CATALOG_TABLES)
def test_a_bad_catalog_table_stops_the_extract_job_by_name_before_anything_is_read(value: str, tmp_path: Path, capsys: Any) -> None:
    argv = ["extract_job.py", "--source_database", "landing", "--source_table", "customers", "--source_path", str(tmp_path / "none.csv")]

    with pytest.raises(SystemExit) as exit_:
        extract_job.main([*argv, "--output_path", str(tmp_path / "raw" / "run_id=r1"), "--catalog_table", value])

    assert exit_.value.code == 2
    assert f"extract_job: --catalog_table {value!r} must be <database>.<table>" in capsys.readouterr().err


@pytest.mark.parametrize("value", BAD_CATALOG_TABLES)
def test_a_bad_catalog_table_stops_the_cleanse_job_by_name_before_anything_is_read(value: str, tmp_path: Path, capsys: Any) -> None:
    argv = ["cleanse_job.py", "--input_path", str(tmp_path / "none"), "--output_path", str(tmp_path / "out")]
    argv += ["--quarantine_path", str(tmp_path / "q"), "--cleansing_rules", '{"key_columns": ["customer_id"]}', "--run_id", "r1"]

    assert cleanse_job.main([*argv, "--catalog_table", value]) == 2
    assert f"cleanse_job: --catalog_table {value!r} must be <database>.<table>" in capsys.readouterr().err


def test_an_extract_path_with_no_partition_folder_cannot_be_cataloged(tmp_path: Path, capsys: Any) -> None:
    argv = ["extract_job.py", "--source_database", "landing", "--source_table", "customers", "--source_path", str(tmp_path / "x.csv")]

    with pytest.raises(SystemExit) as exit_:
        extract_job.main([*argv, "--output_path", str(tmp_path / "raw"), "--catalog_table", "lake.raw_customers"])

    assert exit_.value.code == 2
    assert "--output_path" in capsys.readouterr().err


def test_an_iceberg_cleanse_takes_no_catalog_table(tmp_path: Path, capsys: Any) -> None:
    argv = ["cleanse_job.py", "--input_path", str(tmp_path / "none"), "--output_path", str(tmp_path / "out")]
    argv += ["--quarantine_path", str(tmp_path / "q"), "--cleansing_rules", '{"key_columns": ["customer_id"]}', "--run_id", "r1"]
    argv += ["--cleansed_format", "iceberg", "--cleansed_table", "lake.cleansed_customers"]

    assert cleanse_job.main([*argv, "--catalog_table", "lake.cleansed_customers"]) == 2
    assert "--catalog_table is for --cleansed_format parquet" in capsys.readouterr().err
