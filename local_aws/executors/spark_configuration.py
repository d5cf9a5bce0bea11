"""What a job run's `--datalake-formats` and `--conf` ask of Spark, and what a local run adds so
that Iceberg's own Glue catalog client and S3 file IO reach the emulator.

On Glue 5.0 and later, `--datalake-formats iceberg` puts the version's Iceberg on the job's classpath
(1.7.1 on 5.0, 1.10.0 on 5.1, 1.11.0 on 6.0), and `--conf` carries Spark settings, several in one
value joined by " --conf " (one key of a string map holds them all):
"spark.sql.extensions=... --conf spark.sql.catalog.glue_catalog=... --conf ...".
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-iceberg.html,
https://docs.aws.amazon.com/glue/latest/dg/migrating-version-60.html

Locally, Iceberg runs on the Spark 3.5 line only (Glue 5.x; `spark_lines` says why not on 4.1): its
jars (Iceberg 1.10.2's Spark runtime, the AWS SDK for Java 2 modules its GlueCatalog and S3FileIO
call; `tools/build_iceberg_jars.py`, run by `make`) are loaded only by the drivers of runs that ask
for the format, so that a job which uses Iceberg without asking fails here as on Glue (Spark cannot
find the catalog's plugin class). A catalog implemented by GlueCatalog
talks to the emulator's Glue and S3 (endpoints below) under the run's role: its catalog and S3
calls are judged as on AWS, and its table locations are not mirrored (S3FileIO reads and writes
them itself, where Spark's Hadoop file system cannot).
"""

from dataclasses import dataclass, field
from pathlib import Path

from local_aws.executors.spark_lines import SPARK_35, SparkLine

# The jars of this Python's venv (the Spark 3.5 line's), which the tests' own SparkSession loads.
ICEBERG_JARS = SPARK_35.iceberg_jars
GLUE_CATALOG = "org.apache.iceberg.aws.glue.GlueCatalog"
CATALOG_PREFIX = "spark.sql.catalog."
SUPPORTED_FORMATS = ("iceberg",)
# Settings a SparkSession takes from its driver only (static SQL settings): a run's driver starts with them.
DRIVER_SETTINGS = ("spark.sql.extensions",)


class UnsupportedSparkConfiguration(ValueError):
    """The run asks for Spark configuration this machine cannot give it."""


def parse_conf(value: str) -> dict[str, str]:
    """`--conf`'s value as Glue reads it: `k=v`, then any number of ` --conf k=v`."""
    settings = {}
    for setting in filter(None, (part.strip() for part in value.removeprefix("--conf").split(" --conf "))):
        name, equals, setting_value = setting.partition("=")
        if not equals or not name.strip():
            raise UnsupportedSparkConfiguration(f"--conf holds {setting!r}, which is not a name=value Spark setting")
        settings[name.strip()] = setting_value.strip()
    return settings


@dataclass(frozen=True)
class DriverKind:
    """What a warm driver is started with: its Spark line, the data lake formats' jars, and static settings."""

    datalake_formats: frozenset[str] = frozenset()
    settings: tuple[tuple[str, str], ...] = ()
    spark_line: SparkLine = SPARK_35

    @property
    def jars(self) -> list[Path]:
        return sorted(self.spark_line.iceberg_jars.glob("*.jar")) if "iceberg" in self.datalake_formats else []


@dataclass(frozen=True)
class RunSparkConfiguration:
    """The Spark a run needs: the kind of driver, and the settings of the run's own session."""

    driver: DriverKind = DriverKind()
    session_settings: dict[str, str] = field(default_factory=dict)

    @property
    def glue_catalog_warehouses(self) -> tuple[str, ...]:
        """The warehouses of the catalogs implemented by Iceberg's GlueCatalog."""
        return tuple(
            self.session_settings.get(f"{CATALOG_PREFIX}{name}.warehouse", "")
            for name in self._glue_catalogs()
            if self.session_settings.get(f"{CATALOG_PREFIX}{name}.warehouse")
        )

    def _glue_catalogs(self) -> list[str]:
        suffix = ".catalog-impl"
        return [
            name.removeprefix(CATALOG_PREFIX).removesuffix(suffix)
            for name, value in self.session_settings.items()
            if name.startswith(CATALOG_PREFIX) and name.endswith(suffix) and value == GLUE_CATALOG
        ]

    def with_emulator_endpoints(self, endpoint: str, region: str) -> dict[str, str]:
        """The session settings, with every GlueCatalog catalog's Glue and S3 clients pointed at the
        emulator (on Glue they use the region's endpoints). Iceberg's property names:
        https://iceberg.apache.org/docs/latest/aws/ (glue.endpoint, s3.endpoint, s3.path-style-access, client.region)."""
        settings = dict(self.session_settings)
        for name in self._glue_catalogs():
            prefix = f"{CATALOG_PREFIX}{name}."
            settings |= {
                f"{prefix}glue.endpoint": endpoint,
                f"{prefix}s3.endpoint": endpoint,
                f"{prefix}s3.path-style-access": "true",
                f"{prefix}client.region": region,
            }
        return settings

    def manages(self, s3_path: str) -> bool:
        """Whether `s3_path` lies in a GlueCatalog warehouse, where Iceberg does its own S3 IO."""
        return any(s3_path.startswith(warehouse.rstrip("/") + "/") for warehouse in self.glue_catalog_warehouses)


def run_spark_configuration(arguments: dict[str, str], glue_version: str, spark_line: SparkLine) -> RunSparkConfiguration:
    """What a run of `glue_version` with `arguments` needs of `spark_line`, the line that runs its version."""
    formats = frozenset(filter(None, (name.strip().lower() for name in arguments.get("--datalake-formats", "").split(","))))
    unsupported = sorted(formats - set(SUPPORTED_FORMATS))
    if unsupported:
        raise UnsupportedSparkConfiguration(
            f"--datalake-formats {','.join(unsupported)} cannot run locally: only {', '.join(SUPPORTED_FORMATS)} is installed here"
        )
    if "iceberg" in formats and spark_line.no_iceberg_because:
        raise UnsupportedSparkConfiguration(
            f"--datalake-formats iceberg on Glue {glue_version} cannot run locally: {spark_line.no_iceberg_because}"
        )
    if "iceberg" in formats and not spark_line.iceberg_jars.is_dir():
        raise UnsupportedSparkConfiguration(
            f"--datalake-formats iceberg needs Iceberg's jars in {spark_line.iceberg_jars}: build them with `make` "
            "(python tools/build_iceberg_jars.py <venv>/share/iceberg-jars)"
        )
    settings = parse_conf(arguments.get("--conf", ""))
    driver_settings = tuple(sorted((name, value) for name, value in settings.items() if name in DRIVER_SETTINGS))
    session_settings = {name: value for name, value in settings.items() if name not in DRIVER_SETTINGS}
    return RunSparkConfiguration(DriverKind(formats, driver_settings, spark_line), session_settings)
