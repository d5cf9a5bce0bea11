"""Fixtures shared by every layer: the emulator, a local SparkSession, and the environment
that points any AWS SDK in this process at the emulator."""

from collections.abc import Iterator

import pytest

from local_aws import emulator
from local_aws.executors.spark_configuration import ICEBERG_JARS
from tests.session import SESSION_PORT

# Iceberg in the tests' own Spark, under the catalog name the cleanse job writes to. Iceberg's in-memory catalog
# takes the table locations the cleanse job gives (a Hadoop catalog refuses them), its FileIO writes real files.
ICEBERG_SETTINGS = {
    "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
    "spark.sql.catalog.glue_catalog": "org.apache.iceberg.spark.SparkCatalog",
    "spark.sql.catalog.glue_catalog.catalog-impl": "org.apache.iceberg.inmemory.InMemoryCatalog",
    "spark.sql.catalog.glue_catalog.io-impl": "org.apache.iceberg.hadoop.HadoopFileIO",
}


@pytest.fixture(scope="session")
def emulator_endpoint() -> Iterator[str]:
    """This session's emulator, started for it and stopped after it; its job runs end as the tests plan
    them, and a test that runs the real scripts says so (local_aws.control.run_jobs_locally)."""
    with emulator.running_emulator(SESSION_PORT, job_runs="planned") as endpoint:
        yield endpoint


@pytest.fixture
def clean_emulator(emulator_endpoint: str) -> Iterator[str]:
    """The emulator with nothing in it."""
    emulator.reset()
    yield emulator_endpoint


@pytest.fixture(scope="session")
def spark():  # type: ignore[no-untyped-def]
    from pyspark.sql import SparkSession

    from glue_runtime import local_spark_session

    jars = sorted(ICEBERG_JARS.glob("*.jar"))
    if not jars:
        pytest.fail(f"Iceberg's jars are not built in {ICEBERG_JARS}: run the tests with `make test` (or `make unit`), which builds them")
    builder = SparkSession.builder.master("local[*]").config("spark.ui.enabled", "false").config("spark.jars", ",".join(map(str, jars)))
    for name, value in ICEBERG_SETTINGS.items():
        builder = builder.config(name, value)
    builder.getOrCreate()
    session = local_spark_session("tests")
    yield session
    session.stop()
