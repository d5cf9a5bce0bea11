"""Emulated time for the emulator process.

Emulated time runs with real time and jumps ahead whenever something in the emulator waits on
it: a Wait state, a Retry interval, the interpreter's `.sync` polling. Such a wait of S emulated
seconds sleeps only `scale * S` real seconds and moves the clock the rest of the way, so a
15-minute crawl polled every 30 s passes in a fraction of a second, while real work (a Lambda
subprocess, a Spark job) still counts at its real length. Crawls and job runs end when the
emulated clock reaches their planned end, and tests can move the clock with `advance`.

With `real_time_counts` off, only waits move the clock: real work takes no emulated time, which
makes a run's timing exact and repeatable (the polling benchmark uses it).

One clock serves the whole emulator: executions running at the same time move it for each other.
"""

import threading
import time
from datetime import UTC, datetime, timedelta


class EmulatedClock:
    def __init__(self) -> None:
        self._scale = 1.0
        self._skipped_seconds = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.Lock()

    @property
    def scale(self) -> float:
        """Real seconds slept for each emulated second of a wait."""
        return self._scale

    def set_scale(self, scale: float) -> None:
        if not 0 < scale <= 1:
            raise ValueError(f"The time scale must be above 0 and at most 1, got {scale}.")
        with self._lock:
            self._scale = scale

    @property
    def real_time_counts(self) -> bool:
        return self._frozen_at is None

    def set_real_time_counts(self, counts: bool) -> None:
        with self._lock:
            if counts and self._frozen_at is not None:
                self._skipped_seconds -= time.monotonic() - self._frozen_at
                self._frozen_at = None
            elif not counts and self._frozen_at is None:
                self._frozen_at = time.monotonic()

    def _real_now(self) -> float:
        return time.monotonic() if self._frozen_at is None else self._frozen_at

    def now(self) -> float:
        """Emulated seconds on a monotonic scale."""
        return self._real_now() + self._skipped_seconds

    def utcnow(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.now() - time.monotonic())

    def advance(self, emulated_seconds: float) -> None:
        if emulated_seconds < 0:
            raise ValueError(f"The clock only moves forward, not by {emulated_seconds} seconds.")
        with self._lock:
            self._skipped_seconds += emulated_seconds

    def sleep(self, emulated_seconds: float, interrupted: threading.Event | None = None) -> None:
        """Wait `emulated_seconds`, or less when `interrupted` is set first."""
        if emulated_seconds <= 0:
            return
        real_seconds = emulated_seconds * self._scale
        started = time.monotonic()
        if interrupted is None:
            time.sleep(real_seconds)
        else:
            interrupted.wait(real_seconds)
        slept = time.monotonic() - started
        emulated_passed = emulated_seconds * min(slept / real_seconds, 1.0)
        self.advance(max(emulated_passed - (slept if self.real_time_counts else 0.0), 0.0))

    def reset(self) -> None:
        """Back to real time; the clock itself never runs backwards."""
        self.set_scale(1.0)
        self.set_real_time_counts(True)


CLOCK = EmulatedClock()
