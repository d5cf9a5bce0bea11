"""The cleanse job's current-state output: the run's cleansed rows MERGEd into an Iceberg table, one row per
key, the newer row winning (by the rules' order column; without one, the run's row), the rows the
run does not hold kept unless its deletes say otherwise (`Deletes`), each commit a snapshot (history for
audit and time travel: the snapshot before a delete still holds the deleted rows).

Rows the table already holds as they are, or holds newer, are left out of the MERGE: a rerun of a
run changes nothing and commits no snapshot, and the counts say what the run changed. Inserts,
updates and deletes go in one MERGE, so one commit: the rows to delete are in the MERGE source
with a delete marker (`WHEN MATCHED AND incoming._delete THEN DELETE`), never `WHEN NOT MATCHED BY
SOURCE`, which would also delete the rows another writer committed after this run read the table.
The MERGE source holds at most one row per key (the cleanse job de-duplicates first), as Iceberg
requires: "Only one record in the source data can update any given row of the target table"
(https://iceberg.apache.org/docs/1.7.1/spark-writes/#merge-into, Glue 5.0's Iceberg, the oldest the
module accepts; the same page shows `WHEN MATCHED AND s.op = 'delete' THEN DELETE`).
"""

from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, StructType

from cleansing_rules import CleansingRules
from spark_sql import column, quoted_name, quoted_text

ACTION = "_action"
INSERT, UPDATE, UNCHANGED = "insert", "update", "unchanged"
# A row the source flagged deleted, newer than the table's; a key the table holds and a mirrored extract does not.
DELETE_FLAGGED, DELETE_ABSENT = "delete_flagged", "delete_absent"
DELETE_MARKER = "_delete"
IN_TABLE = "_in_table"
TABLE_PREFIX = "_table_"
# Columns that say which run last wrote a row, not what the row says: a rerun on another day is no change.
RUN_COLUMNS = ("run_id", "ingestion_date")
INCOMING_VIEW = "incoming_current_state_rows"


class CurrentStateTableMismatch(ValueError):
    """The table cannot take the run's rows as they are typed."""


class DeletesOverLimit(ValueError):
    """A mirrored extract lacks the keys of more of the table's rows than the run may delete."""

    def __init__(self, absent: int, current_rows: int, max_ratio: float) -> None:
        super().__init__(f"{absent} of {current_rows} rows absent from the extract, more than {max_ratio:.1%}")
        self.absent, self.current_rows, self.max_ratio = absent, current_rows, max_ratio

    @property
    def ratio(self) -> float:
        return self.absent / self.current_rows


@dataclass(frozen=True)
class Deletes:
    """What a run deletes from the current state (by default nothing). `held_keys` (mirror): the keys of
    every row the extract holds; the table's other keys are deleted. `flag_column`: a boolean (true) or timestamp
    (set) column by which the source marks a row deleted; a flagged row newer than the table's deletes
    its key, and a flagged key the table does not hold is not inserted."""

    held_keys: DataFrame | None = None
    flag_column: str | None = None


@dataclass(frozen=True)
class MergeCounts:
    """What the run changed. A flagged row is counted as deleted when it deleted its key, and as
    unchanged otherwise (older than the table's row, or a key the table does not hold)."""

    inserted: int
    updated: int
    unchanged: int
    deleted: int
    snapshot_id: int | None
    previous_snapshot_id: int | None


def create_or_evolve(spark: SparkSession, table: str, schema: StructType, location: str, partition_column: str | None) -> None:
    """Create `table` at `location` with `schema`, or add the columns it lacks; a column whose type
    changed is refused, naming it (Iceberg widens only int to bigint and float to double)."""
    if not spark.catalog.tableExists(table):
        columns = ", ".join(f"{quoted_name(field.name)} {field.dataType.simpleString()}" for field in schema.fields)
        partitioning = f" PARTITIONED BY ({quoted_name(partition_column)})" if partition_column else ""
        # Format v2 on every Glue version: Glue 6.0's Iceberg offers v3, but a table moved to v3 cannot go
        # back (https://docs.aws.amazon.com/glue/latest/dg/migrating-version-60.html), and its other readers
        # may not read v3 yet.
        try:
            spark.sql(
                f"CREATE TABLE IF NOT EXISTS {table} ({columns}) USING iceberg{partitioning} LOCATION {quoted_text(location)} "
                "TBLPROPERTIES ('format-version' = '2')"
            )
        except Exception as error:
            # Iceberg's GlueCatalog sees a Glue table without table_type ICEBERG as no table, and
            # refuses to create one over it: the crawler's table of an earlier cleansed_format.
            if "NoSuchIcebergTableException" not in str(error):
                raise
            database, name = table.split(".")[-2:]
            raise CurrentStateTableMismatch(
                f"{table} is in the Glue catalog but is not an Iceberg table (the cleansed crawler made it when cleansed_format was "
                f"parquet): delete that catalog table (aws glue delete-table --database-name {database} --name {name}; its Parquet "
                "files stay in S3) and run again, and the cleanse job creates the Iceberg table in its place."
            ) from error
        return
    existing = {field.name: field.dataType for field in spark.table(table).schema.fields}
    for field in schema.fields:
        if field.name in existing and existing[field.name] != field.dataType:
            raise CurrentStateTableMismatch(
                f"column {field.name!r} is {existing[field.name].simpleString()} in {table} but {field.dataType.simpleString()} "
                "in this run (the rules' column_types changed): keep its type, or create the table anew under another name."
            )
    added = [f"{quoted_name(field.name)} {field.dataType.simpleString()}" for field in schema.fields if field.name not in existing]
    if added:
        spark.sql(f"ALTER TABLE {table} ADD COLUMNS ({', '.join(added)})")


def _is_newer(incoming: Column, current: Column) -> Column:
    return current.isNull() | (incoming.isNotNull() & (incoming >= current))


def _flagged(rows: DataFrame, flag_column: str | None) -> Column:
    if flag_column is None:
        return F.lit(False)
    flag = column(flag_column)
    return F.coalesce(flag, F.lit(False)) if isinstance(rows.schema[flag_column].dataType, BooleanType) else flag.isNotNull()


def classified(rows: DataFrame, current: DataFrame, rules: CleansingRules, deletes: Deletes = Deletes()) -> DataFrame:
    """`rows` with `_action`: insert (key not in the table), update (the table's row is older and
    differs), delete_flagged (flagged deleted and newer than the table's row) or unchanged; with
    mirror deletes, followed by the table's rows whose keys the extract does not hold, as delete_absent."""
    keys = list(rules.key_columns)
    compared = [name for name in rows.columns if name not in keys and name not in RUN_COLUMNS]
    table_side = current.select(
        *[column(key) for key in keys], *[column(name).alias(TABLE_PREFIX + name) for name in compared], F.lit(True).alias(IN_TABLE)
    )
    joined = rows.join(table_side, on=keys, how="left")
    differs = F.lit(False)
    for name in compared:
        differs = differs | ~column(name).eqNullSafe(column(TABLE_PREFIX + name))
    newer = _is_newer(column(rules.order_by_column), column(TABLE_PREFIX + rules.order_by_column)) if rules.order_by_column else F.lit(True)
    in_table = F.col(IN_TABLE).isNotNull()
    flagged = _flagged(rows, deletes.flag_column)
    action = (
        F.when(flagged & in_table & newer, DELETE_FLAGGED)
        .when(flagged, UNCHANGED)
        .when(~in_table, INSERT)
        .when(newer & differs, UPDATE)
        .otherwise(UNCHANGED)
    )
    judged = joined.withColumn(ACTION, action).select(*rows.columns, ACTION)
    if deletes.held_keys is None:
        return judged
    # Typed alike (the cleansed rows' types), so a key held by a quarantined row matches too; a null key matches nothing.
    absent = current.join(deletes.held_keys, on=keys, how="left_anti")
    return judged.unionByName(absent.select(*[column(name) for name in rows.columns], F.lit(DELETE_ABSENT).alias(ACTION)))


def _merge_sql(table: str, rules: CleansingRules) -> str:
    matched_on = " AND ".join(f"current.{quoted_name(key)} = incoming.{quoted_name(key)}" for key in rules.key_columns)
    # Checked again in the MERGE: a commit between the classification and this one is not overwritten by older rows.
    order = quoted_name(rules.order_by_column) if rules.order_by_column else None
    newer = f"current.{order} IS NULL OR incoming.{order} >= current.{order}" if order else "true"
    # A row to delete carries the table's order value as the run read it: a row updated since is not deleted.
    marked = f"incoming.{quoted_name(DELETE_MARKER)}"
    return (
        f"MERGE INTO {table} AS current USING {INCOMING_VIEW} AS incoming ON {matched_on} "
        f"WHEN MATCHED AND {marked} AND ({newer}) THEN DELETE "
        f"WHEN MATCHED AND NOT {marked} AND ({newer}) THEN UPDATE SET * "
        f"WHEN NOT MATCHED AND NOT {marked} THEN INSERT *"
    )


def current_snapshot_id(spark: SparkSession, table: str) -> int | None:
    latest = spark.sql(f"SELECT snapshot_id FROM {table}.snapshots ORDER BY committed_at DESC LIMIT 1").collect()
    return int(latest[0].snapshot_id) if latest else None


def merge_into_current_state(
    spark: SparkSession,
    rows: DataFrame,
    rules: CleansingRules,
    table: str,
    location: str,
    partition_column: str | None = None,
    deletes: Deletes = Deletes(),
    max_deleted_ratio: float = 1.0,
) -> MergeCounts:
    """MERGE `rows` (one per key) into `table`, created at `location` when missing, and delete what
    `deletes` says, in one commit. Raises DeletesOverLimit, committing nothing, when the keys absent
    from a mirrored extract are more than `max_deleted_ratio` of the table's rows."""
    create_or_evolve(spark, table, rows.schema, location, partition_column)
    previous_snapshot_id = current_snapshot_id(spark, table)
    current = spark.table(table)
    missing = [field for field in current.schema.fields if field.name not in rows.columns]
    rows = rows.withColumns({field.name: F.lit(None).cast(field.dataType) for field in missing}) if missing else rows
    judged = classified(rows, current, rules, deletes).cache()
    try:
        counts = {row[ACTION]: int(row["count"]) for row in judged.groupBy(ACTION).count().collect()}
        if absent := counts.get(DELETE_ABSENT, 0):
            current_rows = current.count()
            if absent / current_rows > max_deleted_ratio:
                raise DeletesOverLimit(absent, current_rows, max_deleted_ratio)
        if sum(count for action, count in counts.items() if action != UNCHANGED):
            changes = judged.where(F.col(ACTION) != UNCHANGED)
            changes.withColumn(DELETE_MARKER, F.col(ACTION).isin(DELETE_FLAGGED, DELETE_ABSENT)).drop(ACTION).createOrReplaceTempView(
                INCOMING_VIEW
            )
            spark.sql(_merge_sql(table, rules))
    finally:
        judged.unpersist()
    return MergeCounts(
        inserted=counts.get(INSERT, 0),
        updated=counts.get(UPDATE, 0),
        unchanged=counts.get(UNCHANGED, 0),
        deleted=counts.get(DELETE_FLAGGED, 0) + counts.get(DELETE_ABSENT, 0),
        snapshot_id=current_snapshot_id(spark, table),
        previous_snapshot_id=previous_snapshot_id,
    )
