"""A state machine definition (Amazon States Language) as a Graphviz DOT picture, for docs/state_machine/.

Pure and deterministic: the same definition always gives the same text, whatever Graphviz draws from it,
so that a committed picture can be checked against its definition without Graphviz. States appear in the
order a run can reach them from StartAt (Next, then Choices, Default, Catch), Map states as a cluster of
their item processor.
"""

import json
from collections.abc import Iterator
from typing import Any

SHAPES = {
    "Task": 'shape=box, style="rounded,filled", fillcolor="#e8f0fe"',
    "Choice": 'shape=diamond, style=filled, fillcolor="#fff4d6"',
    "Wait": 'shape=hexagon, style=filled, fillcolor="#eeeeee"',
    "Pass": "shape=ellipse",
    "Map": 'shape=box3d, style=filled, fillcolor="#e6f4ea"',
    "Parallel": 'shape=box3d, style=filled, fillcolor="#e6f4ea"',
    "Fail": 'shape=octagon, style=filled, fillcolor="#f8d7da", color="#b3261e"',
    "Succeed": "shape=doublecircle",
}
# A comparison operator of a choice rule, by the end of its field's name (NumericGreaterThanEqualsPath: ">=").
OPERATORS = [("GreaterThanEquals", ">="), ("LessThanEquals", "<="), ("GreaterThan", ">"), ("LessThan", "<"), ("Equals", "==")]


def quoted(text: str) -> str:
    return json.dumps(text)


def reachable_order(scope: dict[str, Any]) -> list[str]:
    """A scope's state names in the order a run reaches them first (depth first), then any unreachable ones."""
    states: dict[str, Any] = scope["States"]
    order: list[str] = []
    stack = [scope["StartAt"]]
    while stack:
        name = stack.pop()
        if name in order or name not in states:
            continue
        order.append(name)
        stack.extend(reversed([target for target, _, _ in transitions(states[name])]))
    return order + [name for name in states if name not in order]


def transitions(state: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Each (target, label, style) a state can go to: Next, each choice rule, Default, each Catch."""
    found = [(state["Next"], "", "solid")] if "Next" in state else []
    found += [(rule["Next"], condition(rule), "solid") for rule in state.get("Choices", [])]
    found += [(state["Default"], "default", "solid")] if "Default" in state else []
    for catch in state.get("Catch", []):
        errors = ", ".join("ALL" if error == "States.ALL" else error for error in catch["ErrorEquals"])
        found.append((catch["Next"], f"catch {errors}", "dashed"))
    return found


def condition(rule: dict[str, Any]) -> str:
    """A choice rule in one line: `$.stage.any == true`, `not (…)`, `… and …`."""
    if "Not" in rule:
        return f"not ({condition(rule['Not'])})"
    for combinator in ("And", "Or"):
        if combinator in rule:
            return f" {combinator.lower()} ".join(condition(inner) for inner in rule[combinator])
    field, value = next((key, value) for key, value in rule.items() if key not in ("Variable", "Next"))
    if field.startswith("Is"):
        return f"{rule['Variable']} is {'' if value else 'not '}{field[2:].lower()}"
    compared = field.removesuffix("Path")
    operator = "matches" if compared.endswith("Matches") else next(symbol for suffix, symbol in OPERATORS if compared.endswith(suffix))
    shown = value if field.endswith("Path") else json.dumps(value)
    return f"{rule['Variable']} {operator} {shown}"


def node_label(name: str, state: dict[str, Any]) -> str:
    lines = [name]
    if "Resource" in state:
        # arn:aws:states:::glue:startJobRun.sync -> glue:startJobRun.sync
        lines.append(":".join(state["Resource"].split(":")[-2:]))
    if state["Type"] == "Map":
        concurrency = state.get("MaxConcurrency", state.get("MaxConcurrencyPath", "unbounded"))
        lines.append(f"each of {state.get('ItemsPath', '$')}, at most {concurrency} at once")
    if state.get("Retry"):
        lines.append("retries")
    return "\\n".join(lines)


def scope_lines(scope: dict[str, Any], indent: str) -> Iterator[str]:
    states: dict[str, Any] = scope["States"]
    for name in reachable_order(scope):
        state = states[name]
        ends = ", peripheries=2" if state.get("End") else ""
        yield f'{indent}{quoted(name)} [label="{node_label(name, state)}", {SHAPES[state["Type"]]}{ends}];'
        if state["Type"] == "Map":
            processor = state.get("ItemProcessor") or state["Iterator"]
            yield f"{indent}subgraph {quoted('cluster_' + name)} {{"
            yield f'{indent}  label={quoted(name + ": for each item")}; style="rounded,dashed"; color="#5f6368";'
            yield from scope_lines(processor, indent + "  ")
            yield f"{indent}}}"
            yield f'{indent}{quoted(name)} -> {quoted(processor["StartAt"])} [label="each item", style=dotted];'
    for name in reachable_order(scope):
        for target, label, style in transitions(states[name]):
            color = ', color="#b3261e", fontcolor="#b3261e"' if style == "dashed" else ""
            yield f"{indent}{quoted(name)} -> {quoted(target)} [label={quoted(label)}, style={style}{color}];"


def to_dot(definition: dict[str, Any], title: str) -> str:
    lines = [
        f"digraph {quoted(title)} {{",
        f"  label={quoted(title)}; labelloc=t; rankdir=TB;",
        '  node [fontname="Helvetica", fontsize=10]; edge [fontname="Helvetica", fontsize=8];',
        '  "start" [shape=circle, label="", style=filled, fillcolor=black, width=0.2];',
        f'  "start" -> {quoted(definition["StartAt"])};',
        *scope_lines(definition, "  "),
        "}",
    ]
    return "\n".join(lines) + "\n"
