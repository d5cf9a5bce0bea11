"""Emulated time: waits sleep a fraction of their length and move the clock the rest of the way."""

import time

import pytest

from local_aws.emulator.core.clock import EmulatedClock


def test_a_wait_sleeps_its_scaled_length_and_moves_the_clock_by_its_full_length() -> None:
    clock = EmulatedClock()
    clock.set_scale(0.001)
    started_real, started_emulated = time.monotonic(), clock.now()

    clock.sleep(100)

    assert time.monotonic() - started_real < 1
    assert clock.now() - started_emulated == pytest.approx(100, abs=0.5)


def test_real_time_counts_unless_switched_off() -> None:
    clock = EmulatedClock()
    started = clock.now()
    time.sleep(0.05)
    assert clock.now() - started >= 0.05

    clock.set_real_time_counts(False)
    frozen = clock.now()
    time.sleep(0.05)
    assert clock.now() == frozen
    clock.set_scale(0.001)
    clock.sleep(30)
    assert clock.now() == pytest.approx(frozen + 30)

    clock.set_real_time_counts(True)
    assert clock.now() >= frozen + 30


def test_the_clock_never_runs_backwards_and_scales_stay_in_range() -> None:
    clock = EmulatedClock()
    with pytest.raises(ValueError, match="The clock only moves forward, not by -1 seconds"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="The time scale must be above 0 and at most 1, got 2"):
        clock.set_scale(2)
