"""The cleanse job's transformation: pure functions over Spark DataFrames, with built-in functions only
(no Python UDFs), importable and testable without awsglue. Planned to read its input once and
shuffle it once (the per-key de-duplication): the counts it reports are observed while the rows
are judged and written, never counted by a query of their own."""

from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Observation, Window
from pyspark.sql import functions as F

from cleansing_rules import CleansingRules
from spark_sql import column, quoted_name

REJECT_REASON = "_reject_reason"
EMAIL_PATTERN = r"^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$"


@dataclass(frozen=True)
class CleansingCounts:
    input_rows: int
    cleansed_rows: int
    quarantined_rows: int

    @property
    def duplicates_removed(self) -> int:
        return self.input_rows - self.quarantined_rows - self.cleansed_rows


@dataclass(frozen=True)
class Cleansing:
    """The cleansed and quarantined rows of one input. `judge()` reads the input (its one scan)
    and says how many rows it holds; `counts()` is known once `cleansed` has been written."""

    cleansed: DataFrame
    quarantined: DataFrame
    judged: DataFrame
    judged_counts: Observation
    cleansed_count: Observation

    def judge(self) -> int:
        """Only over an input that holds a row: over an empty one Spark may optimise the observing
        step away, never filling the Observation this waits for (SPARK-54620), so the caller checks
        first, as cleanse_job does, on the input before it is observed (an action on `judged`
        itself would fill the Observation with that action's rows only)."""
        self.judged.write.format("noop").mode("overwrite").save()
        return int(self.judged_counts.get["input"])

    def counts(self) -> CleansingCounts:
        judged = self.judged_counts.get
        return CleansingCounts(int(judged["input"]), int(self.cleansed_count.get["cleansed"]), int(judged["quarantined"]))

    def quarantine_ratio(self) -> float:
        """The share of the input quarantined, known once `judge()` has run."""
        judged = self.judged_counts.get
        return int(judged["quarantined"]) / int(judged["input"]) if int(judged["input"]) else 0.0

    def quarantined_by_reason(self) -> dict[str, int]:
        """Quarantined rows per broken rule, most frequent first (a row breaking two rules counts for both)."""
        reasons = self.quarantined.select(F.explode(F.split(F.col(REJECT_REASON), "; ")).alias("reason")).groupBy("reason").count()
        return {row["reason"]: int(row["count"]) for row in reasons.orderBy(F.desc("count"), "reason").collect()}


def trim_strings(frame: DataFrame) -> DataFrame:
    """Trim every string column; a value left empty becomes null."""
    string_columns = {name for name, kind in frame.dtypes if kind == "string"}
    return frame.select(
        *[
            (F.when(F.trim(column(name)) == "", None).otherwise(F.trim(column(name))) if name in string_columns else column(name)).alias(
                name
            )
            for name in frame.columns
        ]
    )


def lower_case(frame: DataFrame, columns: tuple[str, ...]) -> DataFrame:
    return frame.withColumns({name: F.lower(column(name)) for name in columns}) if columns else frame


def _typed(name: str, kind: str) -> Column:
    # try_cast, never cast: the typing and the quarantine must not depend on spark.sql.ansi.enabled
    # (off on Spark 3.5, Glue 5.x; on by default on Spark 4, Glue 6.x), where a failing cast gives
    # null or raises. try_cast evaluates in Spark's TRY mode whatever that setting says: ANSI's strict
    # parsing, null on a value that does not fit (https://spark.apache.org/docs/latest/sql-ref-ansi-compliance.html
    # "Useful Functions for ANSI Mode"; apache/spark Cast.scala `ansiEnabled`, EvalMode.scala `TRY`).
    # The SQL function exists since Spark 3.2; pyspark's Column.try_cast only since 4.0, hence F.expr.
    return F.expr(f"try_cast({quoted_name(name)} AS {kind})")


def _reasons(rules: CleansingRules) -> list[Column]:
    """One expression per rule: the reason a row breaks it, or null."""
    reasons = [
        F.when(column(name).isNull(), F.lit(f"required column {name} is missing"))
        for name in dict.fromkeys((*rules.key_columns, *rules.required_columns))
    ]
    reasons += [
        F.when(column(name).isNotNull() & ~column(name).rlike(EMAIL_PATTERN), F.lit(f"{name} is not a valid e-mail address"))
        for name in rules.email_columns
    ]
    reasons += [
        F.when(column(name).isNotNull() & _typed(name, kind).isNull(), F.lit(f"{name} is not a valid {kind}"))
        for name, kind in rules.column_types.items()
        if kind != "string"
    ]
    return reasons


def with_reject_reason(frame: DataFrame, rules: CleansingRules) -> DataFrame:
    """Add `_reject_reason`: every rule the row breaks, joined by '; ', or null for a valid row."""
    reasons = _reasons(rules)
    reason = F.concat_ws("; ", *reasons) if reasons else F.lit("")
    return frame.withColumn(REJECT_REASON, F.when(reason == "", None).otherwise(reason))


def cast_columns(frame: DataFrame, rules: CleansingRules) -> DataFrame:
    return frame.withColumns({name: _typed(name, kind) for name, kind in rules.column_types.items()}) if rules.column_types else frame


def latest_per_key(frame: DataFrame, rules: CleansingRules) -> DataFrame:
    """One row per key: the latest by `order_by_column`. Exact duplicates share their key, so
    they go too, without a shuffle of their own."""
    ordering = [column(rules.order_by_column).desc_nulls_last()] if rules.order_by_column else []
    # The remaining columns break ties, so that the same input always keeps the same row.
    ordering += [column(name).desc_nulls_last() for name in frame.columns if name not in rules.key_columns]
    keys = [column(key) for key in rules.key_columns]
    # row_number() needs an order: rows of a key-only table are equal within their key, any order keeps one.
    window = Window.partitionBy(*keys).orderBy(*(ordering or keys))
    return frame.withColumn("_rank", F.row_number().over(window)).where(F.col("_rank") == 1).drop("_rank")


def input_keys(cleansing: Cleansing, rules: CleansingRules) -> DataFrame:
    """The key of every input row, cleansed or quarantined, typed as the cleansed rows are: what an
    extract holds, so that a row quarantined this run still keeps its key's current row. A key that
    does not fit its type is null, and matches no row."""
    return cleansing.judged.select(
        *[(_typed(key, rules.column_types[key]) if key in rules.column_types else column(key)).alias(key) for key in rules.key_columns]
    )


def cleanse(raw: DataFrame, rules: CleansingRules, partition_value: Column) -> Cleansing:
    """Split `raw` into cleansed rows (typed, de-duplicated, with the partition column) and
    quarantined rows (the raw values and `_reject_reason`). Nothing is dropped silently:
    input rows = cleansed + quarantined + duplicates removed."""
    rules.check_columns(raw.columns)
    prepared = lower_case(trim_strings(raw), rules.email_columns)
    judged_counts, cleansed_count = Observation("judged"), Observation("cleansed")
    judged = (
        with_reject_reason(prepared, rules)
        .observe(judged_counts, F.count(F.lit(1)).alias("input"), F.count(F.col(REJECT_REASON)).alias("quarantined"))
        .cache()
    )
    quarantined = judged.where(F.col(REJECT_REASON).isNotNull())
    valid = cast_columns(judged.where(F.col(REJECT_REASON).isNull()).drop(REJECT_REASON), rules)
    cleansed = latest_per_key(valid, rules)
    if rules.partition_column is None:
        cleansed = cleansed.withColumn(rules.partition_by, partition_value)
    cleansed = cleansed.observe(cleansed_count, F.count(F.lit(1)).alias("cleansed"))
    return Cleansing(cleansed, quarantined, judged, judged_counts, cleansed_count)
