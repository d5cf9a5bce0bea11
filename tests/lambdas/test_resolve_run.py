"""The first step's answer to which tables a run covers: a run of every table may delete from the
current state the keys its extracts no longer hold (deletes = "mirror"), a run of some may not."""

from typing import Any

import pytest

from resolve_run import lambda_handler

TABLE_NAMES = ["customers", "orders", "countries"]


def selection_of(execution_input: dict[str, Any]) -> dict[str, Any]:
    selection: dict[str, Any] = lambda_handler({"input": execution_input, "execution_name": "nightly-1", "table_names": TABLE_NAMES}, None)[
        "selection"
    ]
    return selection


def test_an_input_without_tables_covers_every_table() -> None:
    assert selection_of({}) == {"tables": TABLE_NAMES, "all_tables": True}


def test_an_input_naming_every_table_in_any_order_covers_every_table() -> None:
    assert selection_of({"tables": ["orders", "countries", "customers"]}) == {
        "tables": ["orders", "countries", "customers"],
        "all_tables": True,
    }


@pytest.mark.parametrize("tables", [["customers"], ["orders", "countries"]])
def test_an_input_naming_some_tables_does_not_cover_every_table(tables: list[str]) -> None:
    assert selection_of({"run_id": "partial", "tables": tables}) == {"tables": tables, "all_tables": False}
