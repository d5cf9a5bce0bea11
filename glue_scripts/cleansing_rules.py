"""The rules the cleanse job applies, parsed from the `--cleansing_rules` JSON argument and checked
against the raw columns before any row is processed."""

import json
import re
from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TYPES = re.compile(r"string|int|bigint|double|boolean|date|timestamp|decimal\(\d+,\d+\)")
DEFAULT_PARTITION_COLUMN = "ingestion_date"


class InvalidCleansingRules(ValueError):
    """The rules are malformed or name a column the data does not have."""


@dataclass(frozen=True)
class CleansingRules:
    key_columns: tuple[str, ...]
    order_by_column: str | None = None
    column_types: dict[str, str] = field(default_factory=dict)
    required_columns: tuple[str, ...] = ()
    email_columns: tuple[str, ...] = ()
    partition_column: str | None = None

    @classmethod
    def from_json(cls, text: str) -> "CleansingRules":
        try:
            raw: Any = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidCleansingRules(f"--cleansing_rules is not valid JSON: {error}") from error
        if not isinstance(raw, dict):
            raise InvalidCleansingRules('--cleansing_rules must be a JSON object such as {"key_columns": ["id"]}.')
        known = {"key_columns", "order_by_column", "column_types", "required_columns", "email_columns", "partition_column"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise InvalidCleansingRules(f"--cleansing_rules has unknown keys {unknown}; known keys are {sorted(known)}.")
        key_columns = raw.get("key_columns") or []
        if not isinstance(key_columns, list) or not key_columns or not all(isinstance(c, str) for c in key_columns):
            raise InvalidCleansingRules("--cleansing_rules needs key_columns: a non-empty list of column names.")
        for name in ("required_columns", "email_columns"):
            if not isinstance(raw.get(name) or [], list) or not all(isinstance(c, str) for c in raw.get(name) or []):
                raise InvalidCleansingRules(f"--cleansing_rules {name} must be a list of column names.")
        for name in ("order_by_column", "partition_column"):
            if not isinstance(raw.get(name) or "", str):
                raise InvalidCleansingRules(f"--cleansing_rules {name} must be a column name.")
        if not isinstance(raw.get("column_types") or {}, dict):
            raise InvalidCleansingRules('--cleansing_rules column_types must be an object such as {"id": "int"}.')
        column_types = {column: str(kind).lower().replace(" ", "") for column, kind in (raw.get("column_types") or {}).items()}
        for column, kind in column_types.items():
            # The type goes into Spark SQL as it is: only a whole match of a known type passes.
            if not SUPPORTED_TYPES.fullmatch(kind):
                raise InvalidCleansingRules(
                    f"--cleansing_rules column_types[{column!r}] is {kind!r}; "
                    "use string, int, bigint, double, boolean, date, timestamp or decimal(p,s)."
                )
        return cls(
            key_columns=tuple(key_columns),
            order_by_column=raw.get("order_by_column"),
            column_types=column_types,
            required_columns=tuple(raw.get("required_columns") or ()),
            email_columns=tuple(raw.get("email_columns") or ()),
            partition_column=raw.get("partition_column"),
        )

    @property
    def partition_by(self) -> str:
        return self.partition_column or DEFAULT_PARTITION_COLUMN

    def referenced_columns(self) -> dict[str, str]:
        """Every column a rule names, with the rule that names it."""
        referenced = {column: "key_columns" for column in self.key_columns}
        referenced.update({column: "column_types" for column in self.column_types})
        referenced.update({column: "required_columns" for column in self.required_columns})
        referenced.update({column: "email_columns" for column in self.email_columns})
        if self.order_by_column:
            referenced[self.order_by_column] = "order_by_column"
        if self.partition_column:
            referenced[self.partition_column] = "partition_column"
        return referenced

    def check_columns(self, available: list[str]) -> None:
        """Raise naming the first rule column that the data lacks."""
        missing = {column: rule for column, rule in self.referenced_columns().items() if column not in available}
        if missing:
            column, rule = sorted(missing.items())[0]
            raise InvalidCleansingRules(
                f"--cleansing_rules {rule} names column {column!r}, which the input does not have; its columns are {sorted(available)}."
            )
