"""The state machine graph checks Step Functions makes when a definition is created, updated or
validated, which moto skips (its parser has a "TODO: pass through static analyser"): every
transition must name a state of its own container, and every state must be reachable. AWS refuses
the definition with InvalidDefinition, one diagnostic per problem, e.g.
"Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at
/States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'"
(as reproduced against AWS in localstack/localstack#11978 and aws-cloudformation/cfn-lint#4073).
"""

import json
from dataclasses import dataclass
from typing import Any

CODE = "MISSING_TRANSITION_TARGET"


@dataclass(frozen=True)
class Diagnostic:
    message: str
    location: str

    def __str__(self) -> str:
        return f"{CODE}: {self.message} at {self.location}"


def _transitions(state: dict[str, Any], location: str) -> list[tuple[str, str, str]]:
    """(field, target, where) of every transition of `state`."""
    found = [(key, state[key], f"{location}/{key}") for key in ("Next", "Default") if isinstance(state.get(key), str)]
    found += [("Next", choice["Next"], f"{location}/Choices[{index}]/Next") for index, choice in enumerate(state.get("Choices", []))]
    found += [("Next", catch["Next"], f"{location}/Catch[{index}]/Next") for index, catch in enumerate(state.get("Catch", []))]
    return found


def _nested_machines(state: dict[str, Any], location: str) -> list[tuple[dict[str, Any], str]]:
    nested = [(branch, f"{location}/Branches[{index}]") for index, branch in enumerate(state.get("Branches", []))]
    for key in ("Iterator", "ItemProcessor"):
        if isinstance(state.get(key), dict):
            nested.append((state[key], f"{location}/{key}"))
    return nested


def graph_diagnostics(machine: dict[str, Any], location: str = "") -> list[Diagnostic]:
    """What Step Functions refuses in `machine`'s graph (and in its Parallel and Map states')."""
    states: dict[str, Any] = machine.get("States") or {}
    diagnostics = []
    start = machine.get("StartAt")
    if start not in states:
        diagnostics.append(Diagnostic(f"Missing 'Next' target: {start}", f"{location}/StartAt"))
    reached, frontier = set(), [start] if start in states else []
    while frontier:
        name = frontier.pop()
        if name in reached:
            continue
        reached.add(name)
        frontier += [target for _, target, _ in _transitions(states[name], f"{location}/States/{name}") if target in states]
    for name, state in states.items():
        where = f"{location}/States/{name}"
        missing = [(field, target, at) for field, target, at in _transitions(state, where) if target not in states]
        diagnostics += [Diagnostic(f"Missing '{field}' target: {target}", at) for field, target, at in missing]
        for nested, nested_location in _nested_machines(state, where):
            diagnostics += graph_diagnostics(nested, nested_location)
    diagnostics += [Diagnostic(f'State "{name}" is not reachable.', f"{location}/States/{name}") for name in states if name not in reached]
    return diagnostics


def definition_diagnostics(definition: str) -> list[Diagnostic]:
    """The graph diagnostics of a definition that parses as JSON (the parser judges the rest)."""
    try:
        machine = json.loads(definition)
    except ValueError:
        return []
    return graph_diagnostics(machine) if isinstance(machine, dict) else []


def invalid_definition_message(diagnostics: list[Diagnostic]) -> str:
    return "Invalid State Machine Definition: '" + ", ".join(map(str, diagnostics)) + "'"
