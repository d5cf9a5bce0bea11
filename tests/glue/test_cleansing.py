"""Each cleansing rule on a small DataFrame, with the exact rows it leaves: the same rows on Spark 3.5
(Glue 5.x) and Spark 4.1 (Glue 6.x), with ANSI mode off and on."""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pyspark.sql import functions as F

from cleansing import REJECT_REASON, cast_columns, cleanse, latest_per_key, lower_case, trim_strings, with_reject_reason
from cleansing_rules import CleansingRules, InvalidCleansingRules

pytestmark = [pytest.mark.spark, pytest.mark.spark41]


@pytest.fixture(params=["false", "true"], ids=["ansi-off", "ansi-on"])
def spark(spark: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The tests' Spark with ANSI mode off (Spark 3.5's default: Glue 5.x) and on (Spark 4's: Glue 6.x), in turn,
    where a failing cast gives null or raises: the typing and the quarantine may depend on neither."""
    spark.conf.set("spark.sql.ansi.enabled", request.param)
    yield spark
    spark.conf.unset("spark.sql.ansi.enabled")


def rows(frame: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(row) for row in frame.collect()), key=repr)


def test_strings_are_trimmed_and_blank_becomes_null(spark: Any) -> None:
    frame = spark.createDataFrame([("  Ada ", 1), ("   ", 2), (None, 3)], "name string, n int")
    assert rows(trim_strings(frame)) == [("Ada", 1), (None, 2), (None, 3)]


def test_email_columns_are_lower_cased(spark: Any) -> None:
    frame = spark.createDataFrame([("ADA@Example.COM", "Ada")], "email string, name string")
    assert rows(lower_case(frame, ("email",))) == [("ada@example.com", "Ada")]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (("1", "ada@example.com", "2024-01-05"), None),
        ((None, "ada@example.com", "2024-01-05"), "required column id is missing"),
        (("1", None, "2024-01-05"), "required column email is missing"),
        (("1", "ada@example", "2024-01-05"), "email is not a valid e-mail address"),
        (("1", "ada example.com", "2024-01-05"), "email is not a valid e-mail address"),
        (("x", "ada@example.com", "2024-01-05"), "id is not a valid int"),
        (("1.5", "ada@example.com", "2024-01-05"), "id is not a valid int"),  # never truncated to 1
        (("99999999999", "ada@example.com", "2024-01-05"), "id is not a valid int"),  # never wrapped round
        (("1", "ada@example.com", "2024-02-30"), "signup is not a valid date"),
        (("x", "bad", "soon"), "email is not a valid e-mail address; id is not a valid int; signup is not a valid date"),
    ],
)
def test_reject_reason_names_every_broken_rule(spark: Any, row: tuple[Any, ...], reason: str | None) -> None:
    rules = CleansingRules(
        key_columns=("id",), column_types={"id": "int", "signup": "date"}, required_columns=("email",), email_columns=("email",)
    )
    frame = spark.createDataFrame([row], "id string, email string, signup string")
    assert with_reject_reason(frame, rules).first()[REJECT_REASON] == reason


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("bigint", "9223372036854775808"),
        ("double", "ten"),
        ("decimal(12,2)", "12345678901.00"),
        ("boolean", "maybe"),
        ("date", "2024-13-01"),
        ("timestamp", "2024-01-05 25:00:00"),
    ],
)
def test_a_value_its_type_cannot_hold_is_quarantined_never_cast(spark: Any, kind: str, value: str) -> None:
    rules = CleansingRules(key_columns=("id",), column_types={"value": kind})
    result = cleanse(spark.createDataFrame([("1", value)], "id string, value string"), rules, F.lit(date(2026, 11, 24)))

    assert result.judge() == 1
    assert rows(result.quarantined) == [("1", value, f"value is not a valid {kind}")]
    assert rows(result.cleansed) == []


def test_columns_are_cast_to_their_declared_types(spark: Any) -> None:
    rules = CleansingRules(
        key_columns=("id",),
        column_types={"id": "int", "signup": "date", "seen": "timestamp", "balance": "decimal(12,2)", "active": "boolean"},
    )
    frame = spark.createDataFrame(
        [("7", "2024-01-10", "2024-02-01 13:00:00", "75.25", "yes", "kept")],
        "id string, signup string, seen string, balance string, active string, note string",
    )
    assert rows(cast_columns(frame, rules)) == [(7, date(2024, 1, 10), datetime(2024, 2, 1, 13), Decimal("75.25"), True, "kept")]


def test_a_column_named_with_backticks_is_judged_and_cast_as_a_name(spark: Any) -> None:
    """Rules given to a hand-started run are not validated by Terraform: a name is never SQL."""
    column = "id` AS int), (`id"
    rules = CleansingRules(key_columns=(column,), column_types={column: "int"})
    frame = spark.createDataFrame([("7",), ("x",)], f"`{column.replace('`', '``')}` string")

    result = cleanse(frame, rules, F.lit("2024-01-10"))

    assert [row[column] for row in result.cleansed.collect()] == [7]
    assert [row[REJECT_REASON] for row in result.quarantined.collect()] == [f"{column} is not a valid int"]


def test_latest_record_per_key_wins_and_exact_duplicates_go(spark: Any) -> None:
    rules = CleansingRules(key_columns=("id",), order_by_column="updated")
    frame = spark.createDataFrame(
        [
            (1, "old", datetime(2024, 1, 1)),
            (1, "new", datetime(2024, 3, 1)),
            (2, "only", datetime(2024, 1, 1)),
            (2, "only", datetime(2024, 1, 1)),
        ],
        "id int, name string, updated timestamp",
    )
    assert rows(latest_per_key(frame, rules)) == [(1, "new", datetime(2024, 3, 1)), (2, "only", datetime(2024, 1, 1))]


def test_same_key_without_order_column_keeps_one_row_deterministically(spark: Any) -> None:
    frame = spark.createDataFrame([(1, "b"), (1, "a"), (1, "c")], "id int, name string")
    kept = {tuple(latest_per_key(frame.repartition(3), CleansingRules(key_columns=("id",))).first()) for _ in range(3)}
    assert kept == {(1, "c")}


def test_nothing_is_dropped_silently(spark: Any) -> None:
    rules = CleansingRules(key_columns=("id",), order_by_column="updated", column_types={"id": "int", "updated": "timestamp"})
    frame = spark.createDataFrame(
        [
            ("1", "2024-01-01 00:00:00"),
            ("1", "2024-02-01 00:00:00"),
            ("1", "2024-02-01 00:00:00"),
            ("x", "2024-01-01 00:00:00"),
            ("2", "never"),
        ],
        "id string, updated string",
    )
    result = cleanse(frame, rules, F.lit(date(2026, 11, 24)))

    assert result.judge() == 5
    assert rows(result.cleansed) == [(1, datetime(2024, 2, 1), date(2026, 11, 24))]
    counts = result.counts()
    assert (counts.input_rows, counts.cleansed_rows, counts.quarantined_rows, counts.duplicates_removed) == (5, 1, 2, 2)
    assert counts.input_rows == counts.cleansed_rows + counts.quarantined_rows + counts.duplicates_removed
    assert rows(result.quarantined) == [
        ("2", "never", "updated is not a valid timestamp"),
        ("x", "2024-01-01 00:00:00", "id is not a valid int"),
    ]


def test_rules_naming_a_missing_column_are_refused_before_any_row(spark: Any) -> None:
    frame = spark.createDataFrame([("1",)], "id string")
    rules = CleansingRules(key_columns=("id",), email_columns=("e_mail",))
    with pytest.raises(
        InvalidCleansingRules, match="email_columns names column 'e_mail', which the input does not have; its columns are \\['id'\\]"
    ):
        cleanse(frame, rules, F.current_date())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "--cleansing_rules is not valid JSON"),
        ("[]", "--cleansing_rules must be a JSON object"),
        ('{"key_columns": []}', "--cleansing_rules needs key_columns: a non-empty list of column names."),
        ('{"key_columns": ["id"], "column_types": {"id": "integer"}}', "column_types['id'] is 'integer'; use string, int, bigint"),
        ('{"key_columns": ["id"], "dedupe": true}', "--cleansing_rules has unknown keys ['dedupe']"),
        ('{"key_columns": ["id"], "column_types": {"id": "int) OR (true"}}', "column_types['id'] is 'int)or(true'; use string"),
        ('{"key_columns": ["id"], "column_types": {"id": "int\\n"}}', "column_types['id'] is 'int\\n'; use string"),
        ('{"key_columns": ["id"], "email_columns": "email"}', "--cleansing_rules email_columns must be a list of column names."),
        ('{"key_columns": ["id"], "order_by_column": ["seen"]}', "--cleansing_rules order_by_column must be a column name."),
    ],
)
def test_malformed_rules_are_explained(text: str, message: str) -> None:
    with pytest.raises(InvalidCleansingRules) as error:
        CleansingRules.from_json(text)
    assert message in str(error.value)
