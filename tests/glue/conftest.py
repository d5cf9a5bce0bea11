"""Shared inputs of the Glue job tests: the dirty customers sample and the rules that clean it."""

from pathlib import Path

import pytest

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture
def dirty_customers_csv() -> Path:
    return SAMPLE_DATA / "customers_dirty.csv"


@pytest.fixture
def customer_rules_json() -> str:
    return (SAMPLE_DATA / "customer_rules.json").read_text()
