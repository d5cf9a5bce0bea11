"""What scenarios plan for the next crawls or job runs of a named resource, taken in order."""

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

Plan = TypeVar("Plan")


class PlanQueues(Generic[Plan]):
    """Per-name queues of plans; a name with none left gets the default plan."""

    def __init__(self, default: Callable[[], Plan]) -> None:
        self._default = default
        self._queues: dict[str, deque[Plan]] = {}
        self._lock = threading.Lock()

    def plan(self, name: str, plans: list[Plan]) -> None:
        with self._lock:
            self._queues[name] = deque(plans)

    def next(self, name: str) -> Plan:
        with self._lock:
            queue = self._queues.get(name)
            return queue.popleft() if queue else self._default()

    def forget(self) -> None:
        with self._lock:
            self._queues.clear()


def check_plan(kind: str, outcome: str, outcomes: tuple[str, ...], **phase_seconds: float) -> None:
    """Refuse a plan ending in an outcome the resource cannot reach, or lasting negative time."""
    if outcome not in outcomes:
        raise ValueError(f"A {kind} ends {', '.join(outcomes)}, not {outcome!r}.")
    negative = [name for name, seconds in phase_seconds.items() if seconds < 0]
    if negative:
        raise ValueError(f"{' and '.join(negative)} cannot be negative.")
