"""Iceberg tables in the emulator's Glue Data Catalog, read as a consumer reads them — without
Spark: pyiceberg's Glue catalog finds the table's `metadata_location` in the catalog and reads the
metadata and data files from the emulator's S3."""

from typing import Any

from pyiceberg.catalog.glue import GlueCatalog
from pyiceberg.table import Table

from local_aws.clients import ADMINISTRATOR_KEY, endpoint_url


def glue_catalog(region: str, port: int | None = None) -> GlueCatalog:
    """pyiceberg's Glue catalog on the emulator, as its administrator.
    Properties: https://py.iceberg.apache.org/configuration/ (glue.*, s3.*)."""
    endpoint = endpoint_url(port)
    credentials = {"access-key-id": ADMINISTRATOR_KEY, "secret-access-key": ADMINISTRATOR_KEY, "region": region}
    return GlueCatalog(
        "emulator",
        **{"glue.endpoint": endpoint, "s3.endpoint": endpoint, "s3.force-virtual-addressing": "false"},
        **{f"{service}.{name}": value for service in ("glue", "s3") for name, value in credentials.items()},
    )


def load_table(database: str, table: str, region: str, port: int | None = None) -> Table:
    return glue_catalog(region, port).load_table(f"{database}.{table}")


def table_rows(database: str, table: str, region: str, port: int | None = None, snapshot_id: int | None = None) -> list[dict[str, Any]]:
    """The rows of the table's current snapshot, or of `snapshot_id` (time travel)."""
    rows: list[dict[str, Any]] = load_table(database, table, region, port).scan(snapshot_id=snapshot_id).to_arrow().to_pylist()
    return rows
