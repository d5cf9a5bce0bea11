"""Fixtures shared by every layer: the emulator, a local SparkSession, and the environment
that points any AWS SDK in this process at the emulator."""

from collections.abc import Iterator
from importlib.metadata import version

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

# On Spark 4 (Glue 6.x) the tests' Spark has no Iceberg, and the tests marked iceberg are skipped.
SPARK_4 = int(version("pyspark").split(".")[0]) >= 4
NO_ICEBERG_ON_SPARK_4 = (
    "Iceberg on Spark 4 (Glue 6.x) cannot run here: no registry reachable here (PyPI, Debian, npm) ships Iceberg's "
    "Spark 4 runtime (iceberg-spark-runtime-4.x_2.13), only Spark 3.5's; these tests run on Spark 3.5 (Glue 5.x)"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if SPARK_4:
        for item in items:
            if item.get_closest_marker("iceberg"):
                item.add_marker(pytest.mark.skip(reason=NO_ICEBERG_ON_SPARK_4))


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

    builder = SparkSession.builder.master("local[*]").config("spark.ui.enabled", "false")
    if not SPARK_4:
        jars = sorted(ICEBERG_JARS.glob("*.jar"))
        if not jars:
            pytest.fail(
                f"Iceberg's jars are not built in {ICEBERG_JARS}: run the tests with `make test` (or `make unit`), which builds them"
            )
        builder = builder.config("spark.jars", ",".join(map(str, jars)))
        for name, value in ICEBERG_SETTINGS.items():
            builder = builder.config(name, value)
    builder.getOrCreate()
    session = local_spark_session("tests")
    yield session
    session.stop()
