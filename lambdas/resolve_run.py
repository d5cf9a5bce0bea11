"""The state machine's first step: the run's id and tables from the execution input, each checked
before any job starts, and whether the run covers every table of the pipeline. A bad input raises
InvalidExecutionInput naming what is wrong, which the state machine ends the run with; nothing has
run or been written by then."""

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

from run_ids import run_id_problem

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

USAGE = 'The execution input must be {} or {"run_id": "<id>", "tables": ["<name>", ...]}, each key optional'


class InvalidExecutionInput(ValueError):
    """The execution input cannot start a run; the message says why."""


def selected_tables(execution_input: Mapping[str, Any], table_names: list[str]) -> list[str]:
    if "tables" not in execution_input:
        return table_names
    tables = execution_input["tables"]
    if not isinstance(tables, list) or not tables or not all(isinstance(name, str) and name in table_names for name in tables):
        unknown = [name for name in tables if name not in table_names] if isinstance(tables, list) else tables
        raise InvalidExecutionInput(
            f"The execution input's tables must be a non-empty list of this pipeline's table names ({', '.join(table_names)}); "
            f"not so: {json.dumps(unknown) if unknown else json.dumps(tables)}."
        )
    if len(set(tables)) != len(tables):
        twice = sorted({name for name in tables if tables.count(name) > 1})
        raise InvalidExecutionInput(f"The execution input's tables name {', '.join(twice)} more than once: name each table once.")
    return tables


def lambda_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """`event`: the execution's input, its name and the pipeline's table names."""
    execution_input = event["input"]
    if not isinstance(execution_input, dict):
        raise InvalidExecutionInput(f"{USAGE}; it is {json.dumps(execution_input)[:200]}.")
    run_id = execution_input.get("run_id", event["execution_name"])
    if problem := run_id_problem(run_id):
        source = (
            "The execution input's run_id" if "run_id" in execution_input else "The execution name (the run id when the input has none)"
        )
        raise InvalidExecutionInput(f"{source} cannot be used: {problem}.")
    table_names = list(event["table_names"])
    tables = selected_tables(execution_input, table_names)
    # Only a run of every table may delete the keys its extracts no longer hold (deletes = "mirror"):
    # the cleanse job receives this as --run_covers_all_tables. The tables are checked distinct names
    # of the pipeline's, so as many as the pipeline has are all of them.
    all_tables = len(tables) == len(table_names)
    logger.info(json.dumps({"event": "run_resolved", "run_id": run_id, "tables": tables, "all_tables": all_tables}))
    return {"run": {"run_id": run_id}, "selection": {"tables": tables, "all_tables": all_tables}}
