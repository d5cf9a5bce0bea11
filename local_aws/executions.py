"""Start a state machine execution on the emulator and read back what it did: its status, output,
error, and the states it entered in order. Used by the scenario tests, the benchmark and the demo."""

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from local_aws.clients import client, region_of

TERMINAL_STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class ExecutionStillRunning(TimeoutError):
    """The execution did not end within the real time allowed."""


@dataclass(frozen=True)
class StateEntered:
    name: str
    elapsed_seconds: float
    input: dict[str, Any]


@dataclass
class ExecutionRecord:
    execution_arn: str
    status: str
    output: dict[str, Any] | None
    error: str | None
    cause: str | None
    events: list[dict[str, Any]] = field(repr=False)

    @property
    def states_entered(self) -> list[str]:
        return [event["stateEnteredEventDetails"]["name"] for event in self.events if event["type"].endswith("StateEntered")]

    @property
    def lambda_invocations(self) -> int:
        return sum(1 for event in self.events if _is_lambda_task_scheduled(event))

    def exited_outputs(self, state_name: str) -> list[dict[str, Any]]:
        """What `state_name` passed on each time it was left, e.g. the run report of a failed run."""
        return [
            json.loads(event["stateExitedEventDetails"]["output"])
            for event in self.events
            if event["type"].endswith("StateExited") and event["stateExitedEventDetails"]["name"] == state_name
        ]

    @property
    def report(self) -> dict[str, Any] | None:
        """The run report: the output of a run that succeeded, the ReportRun state's of one that failed."""
        if self.status == "SUCCEEDED":
            return self.output
        reported = self.exited_outputs("ReportRun")
        return reported[-1]["report"] if reported and "report" in reported[-1] else None

    def entered_inputs(self, state_name: str) -> list[dict[str, Any]]:
        return [
            json.loads(event["stateEnteredEventDetails"]["input"])
            for event in self.events
            if event["type"].endswith("StateEntered") and event["stateEnteredEventDetails"]["name"] == state_name
        ]


def _is_lambda_task_scheduled(event: dict[str, Any]) -> bool:
    details = event.get("taskScheduledEventDetails", {})
    return event["type"] == "TaskScheduled" and details.get("resourceType") == "lambda"


def _stepfunctions(arn: str) -> Any:
    """Step Functions in the region of the state machine or execution `arn`."""
    return client("stepfunctions", region=region_of(arn))


def history(execution_arn: str) -> list[dict[str, Any]]:
    sfn = _stepfunctions(execution_arn)
    events: list[dict[str, Any]] = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        events.extend(page["events"])
    return events


def start(state_machine_arn: str, execution_input: dict[str, Any] | str, name: str) -> str:
    """Start an execution; `execution_input` as a dict, or a string sent as it is."""
    body = execution_input if isinstance(execution_input, str) else json.dumps(execution_input)
    arn: str = _stepfunctions(state_machine_arn).start_execution(stateMachineArn=state_machine_arn, name=name, input=body)["executionArn"]
    return arn


def histories(execution_arn: str, timeout_seconds: float, poll_seconds: float = 0.1) -> Iterator[list[dict[str, Any]]]:
    """Yield the execution's history after each poll, until the execution ends (the last one whole)."""
    sfn = _stepfunctions(execution_arn)
    deadline = time.monotonic() + timeout_seconds
    while True:
        status = sfn.describe_execution(executionArn=execution_arn)["status"]
        yield history(execution_arn)
        if status in TERMINAL_STATUSES:
            return
        if time.monotonic() > deadline:
            raise ExecutionStillRunning(f"{execution_arn} was still {status} after {timeout_seconds} s.")
        time.sleep(poll_seconds)


def states_entered(events: list[dict[str, Any]], since: int = 0) -> Iterator[StateEntered]:
    """The states entered by `events[since:]`, their time counted from the execution's start (the first event)."""
    for event in events[since:]:
        if event["type"].endswith("StateEntered"):
            details = event["stateEnteredEventDetails"]
            elapsed = (event["timestamp"] - events[0]["timestamp"]).total_seconds()
            yield StateEntered(details["name"], elapsed, json.loads(details.get("input") or "{}"))


def follow(execution_arn: str, timeout_seconds: float, poll_seconds: float = 0.1) -> Iterator[StateEntered]:
    """Yield each state as the execution enters it, until the execution ends."""
    seen = 0
    for events in histories(execution_arn, timeout_seconds, poll_seconds):
        yield from states_entered(events, seen)
        seen = len(events)


def result(execution_arn: str) -> ExecutionRecord:
    described = _stepfunctions(execution_arn).describe_execution(executionArn=execution_arn)
    output = described.get("output")
    return ExecutionRecord(
        execution_arn=execution_arn,
        status=described["status"],
        output=json.loads(output) if output else None,
        error=described.get("error"),
        cause=described.get("cause"),
        events=history(execution_arn),
    )


def run(
    state_machine_arn: str,
    execution_input: dict[str, Any] | str,
    name: str,
    timeout_seconds: float = 120,
    on_state_entered: Callable[[StateEntered], None] | None = None,
    on_history: Callable[[list[dict[str, Any]]], None] | None = None,
) -> ExecutionRecord:
    """Start an execution, wait for it to end, and return what it did; `on_history` gets its history
    after each poll (e.g. the demo's progress)."""
    execution_arn = start(state_machine_arn, execution_input, name)
    seen = 0
    for events in histories(execution_arn, timeout_seconds):
        if on_state_entered:
            for entered in states_entered(events, seen):
                on_state_entered(entered)
        seen = len(events)
        if on_history:
            on_history(events)
    return result(execution_arn)
