"""Actions due at a time of the emulated clock, such as a crawl's end that Glue announces as an
event, and whether anything so started is still at work.

A task waiting for a callback, or polling a job run (`stepfunctions.waits`), is idle: it lets the
clock jump to the next timer due, as a Wait state does, but not while real work is at work (a
timer's action, such as an event delivered to a Lambda, or a job run executing for real), since
real work counts at its real length.
"""

import heapq
import itertools
import threading
import time
from collections.abc import Callable

from local_aws.emulator.core.clock import CLOCK, EmulatedClock

CHECK_INTERVAL_SECONDS = 0.01


class Timers:
    def __init__(self, clock: EmulatedClock) -> None:
        self._clock = clock
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._at_work = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def at(self, emulated_time: float, action: Callable[[], None]) -> None:
        """Run `action` on a thread of its own once the clock reaches `emulated_time`."""
        with self._lock:
            heapq.heappush(self._due, (emulated_time, next(self._order), action))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run_due_actions, name="emulated-timers", daemon=True)
                self._thread.start()

    def next_due(self) -> float | None:
        with self._lock:
            return self._due[0][0] if self._due else None

    @property
    def idle(self) -> bool:
        """No action at work, and none due already."""
        with self._lock:
            return self._at_work == 0 and not (self._due and self._due[0][0] <= self._clock.now())

    def in_background(self, action: Callable[[], None]) -> None:
        """Run `action` on a thread of its own, counted as at work until it returns."""
        with self._lock:
            self._at_work += 1
        self._start(action)

    def _start(self, counted_action: Callable[[], None]) -> None:
        def run() -> None:
            try:
                counted_action()
            finally:
                with self._lock:
                    self._at_work -= 1

        threading.Thread(target=run, daemon=True).start()

    def forget(self) -> None:
        with self._lock:
            self._due.clear()

    def _run_due_actions(self) -> None:
        while True:
            with self._lock:
                due = []
                while self._due and self._due[0][0] <= self._clock.now():
                    due.append(heapq.heappop(self._due)[2])
                    self._at_work += 1  # at work from the moment it is taken, never idle in between
            for action in due:
                self._start(action)
            time.sleep(CHECK_INTERVAL_SECONDS)


TIMERS = Timers(CLOCK)
