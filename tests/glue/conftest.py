"""Shared inputs of the Glue job tests: the dirty customers sample and the rules that clean it."""

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
CUSTOMER_RULES = {
    "key_columns": ["customer_id"],
    "order_by_column": "updated_at",
    "column_types": {
        "customer_id": "int",
        "signup_date": "date",
        "updated_at": "timestamp",
        "balance": "decimal(12,2)",
        "is_active": "boolean",
    },
    "required_columns": ["customer_id", "email"],
    "email_columns": ["email"],
}


@pytest.fixture
def dirty_customers_csv() -> Path:
    return DATA / "customers_dirty.csv"


@pytest.fixture
def customer_rules_json() -> str:
    return json.dumps(CUSTOMER_RULES)
