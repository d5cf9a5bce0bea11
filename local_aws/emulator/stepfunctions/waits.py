"""The waits of moto's Step Functions interpreter, on the emulated clock (`local_aws.emulator.core.clock`):
Wait states, Retry intervals, the `.sync` polling of a job run and a `.waitForTaskToken` task's
wait for its token (HeartbeatSeconds, TimeoutSeconds), so emulated minutes do not cost real minutes.
A task waiting for its token lets the clock jump to the next timer due (a crawl's end,
`local_aws.emulator.core.timers`) or to its deadline, and `.sync` polling lets it jump, never
while real work is at work (a timer's action, such as an event delivered to a Lambda, or a job
run executing for real).
"""

import threading
import time
from typing import Any

from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_callback
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import StateTaskServiceCallback
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint, CallbackOutcome, HeartbeatEndpoint, HeartbeatTimedOut
from moto.stepfunctions.parser.asl.eval.environment import Environment

from local_aws.emulator.core.clock import CLOCK
from local_aws.emulator.core.timers import TIMERS


def _wait_on_emulated_clock(self: WaitFunction, env: Any, wait_seconds: int) -> None:
    deadline = CLOCK.now() + wait_seconds
    while env.is_running() and (remaining := deadline - CLOCK.now()) > 0:
        # The event is set (and cleared) whenever the execution changes state, e.g. when it is stopped.
        event: threading.Event = env.program_state_event
        CLOCK.sleep(remaining, interrupted=None if event.is_set() else event)


class _EmulatedRetryTime:
    """Stands in for the `time` module of the Retry evaluation."""

    @staticmethod
    def sleep(seconds: float) -> None:
        CLOCK.sleep(seconds)


class SyncPollTime:
    """Stands in for the `time` module of `.sync` polling: each real poll interval counts as
    that interval divided by the time scale, as if the interpreter had polled at real speed,
    while nothing real is at work. While a job run executes for real, the poll waits its real
    interval and the clock does not jump: real work counts at its real length (a 20 s Spark run
    polled at scale 0.1 counted 200 s, in its ExecutionTime and so in its billed DPU-seconds)."""

    @staticmethod
    def sleep(seconds: float) -> None:
        if TIMERS.idle:
            CLOCK.sleep(seconds / CLOCK.scale)
        else:
            time.sleep(seconds)


# How often, in real seconds, a task waiting for its token looks again while real work is in flight.
CALLBACK_CHECK_SECONDS = 0.01


def _await_token(callback_endpoint: CallbackEndpoint, seconds: float, heartbeat: threading.Event | None) -> CallbackOutcome | None:
    """The task's outcome, or None once `seconds` pass on the emulated clock without it (or
    without a heartbeat, when `heartbeat` is given: each one gives it `seconds` more)."""
    deadline = CLOCK.now() + seconds
    while (outcome := callback_endpoint.get_outcome()) is None:
        if heartbeat is not None and heartbeat.is_set():
            heartbeat.clear()
            deadline = CLOCK.now() + seconds
        now, next_due = CLOCK.now(), TIMERS.next_due()
        if now >= deadline:
            return None
        if not TIMERS.idle or (next_due is not None and next_due <= now):
            time.sleep(CALLBACK_CHECK_SECONDS)
            continue
        target = deadline if next_due is None else min(next_due, deadline)
        CLOCK.sleep(target - now, interrupted=callback_endpoint._notify_event)
    return outcome


def _wait_for_task_token_timeout(
    self: StateTaskServiceCallback, timeout_seconds: int, callback_endpoint: CallbackEndpoint
) -> CallbackOutcome | None:
    return _await_token(callback_endpoint, timeout_seconds, heartbeat=None)


def _wait_for_task_token_heartbeat(
    self: StateTaskServiceCallback, env: Environment, callback_endpoint: CallbackEndpoint, heartbeat_endpoint: HeartbeatEndpoint
) -> CallbackOutcome | HeartbeatTimedOut | None:
    outcome = _await_token(callback_endpoint, heartbeat_endpoint._heartbeat_seconds, heartbeat_endpoint._next_heartbeat_event)
    return outcome if outcome is not None or not env.is_running() else HeartbeatTimedOut()


def wait_on_emulated_clock() -> None:
    setattr(WaitFunction, "_wait_interval", _wait_on_emulated_clock)  # noqa: B010
    setattr(retrier_decl, "time", _EmulatedRetryTime)  # noqa: B010
    setattr(state_task_service_callback, "time", SyncPollTime)  # noqa: B010
    setattr(StateTaskServiceCallback, "_wait_for_task_token_timeout", _wait_for_task_token_timeout)  # noqa: B010
    setattr(StateTaskServiceCallback, "_wait_for_task_token_heartbeat", _wait_for_task_token_heartbeat)  # noqa: B010
