"""How many times each AWS operation was called since the last count was taken: the figures of
the benchmarks (DynamoDB, EventBridge, Lambda calls of a run).

Counted: every request the emulator answers but S3's, as (service, operation), and each event an
EventBridge rule delivers to a target, as ("events", "Delivery"), its Lambda invocation as
("lambda", "Invoke").
"""

import threading
from collections import Counter


class CallCounts:
    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, service: str, operation: str) -> None:
        with self._lock:
            self._counts[f"{service}:{operation}"] += 1

    def take(self) -> dict[str, int]:
        """The counts since the last take, which starts the count over."""
        with self._lock:
            counts, self._counts = dict(self._counts), Counter()
        return counts


CALL_COUNTS = CallCounts()
