"""Emulated time: scenarios speak in the seconds AWS would take; the emulator waits
`scale` real seconds for each of them, so a 15-minute crawl can pass in a second."""

import threading


class EmulatedClock:
    def __init__(self) -> None:
        self._scale = 1.0
        self._lock = threading.Lock()

    @property
    def scale(self) -> float:
        return self._scale

    def set_scale(self, scale: float) -> None:
        if not 0 < scale <= 1:
            raise ValueError(f"The time scale must be above 0 and at most 1, got {scale}.")
        with self._lock:
            self._scale = scale

    def real_seconds(self, emulated_seconds: float) -> float:
        return emulated_seconds * self._scale


CLOCK = EmulatedClock()
