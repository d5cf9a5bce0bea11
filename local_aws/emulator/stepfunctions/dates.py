"""Step Functions' dates on the emulator's clock (`local_aws.emulator.core.clock`).

moto's interpreter stamps an execution's start and stop dates and its history events with the
wall clock, while Glue's crawls and job runs here follow the emulated clock, which runs ahead of
the wall clock after every emulated wait. On AWS every service reads one clock, so a report
comparing an execution's start with a crawl's StartTime (ListCrawls' START_TIME filter) counted
crawls of earlier executions as its own. Here the modules that date an execution's end and its
history events read `datetime.now` from the emulated clock, and an execution starts and is
stopped at the emulated clock's time. Still on the wall clock, and unused by the module:
`$$.State.EnteredTime`, a Wait state's `Timestamp`, Map runs' dates.
"""

import datetime as wall
from types import ModuleType, SimpleNamespace
from typing import Any

from moto.stepfunctions.parser.asl.eval.event import event_manager
from moto.stepfunctions.parser.backend import execution
from moto.stepfunctions.parser.backend.execution import Execution

from local_aws.emulator.core.clock import CLOCK


class _ClockDatetime(wall.datetime):
    @classmethod
    def now(cls, tz: wall.tzinfo | None = None) -> wall.datetime:  # type: ignore[override]
        moment = CLOCK.utcnow()
        return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)


# What those modules use of the datetime module: `datetime.datetime.now(tz=datetime.timezone.utc)`.
_CLOCK_DATETIME_MODULE = SimpleNamespace(datetime=_ClockDatetime, timezone=wall.timezone)
_DATED_MODULES: tuple[ModuleType, ...] = (execution, event_manager)

_moto_execution_init = Execution.__init__
_moto_execution_stop = Execution.stop


def _execution_started_on_clock(self: Execution, *args: Any, **kwargs: Any) -> None:
    _moto_execution_init(self, *args, **{**kwargs, "start_date": CLOCK.utcnow()})


def _execution_stopped_on_clock(self: Execution, stop_date: wall.datetime, error: str | None, cause: str | None) -> None:
    _moto_execution_stop(self, CLOCK.utcnow(), error, cause)


def date_executions_on_emulated_clock() -> None:
    for module in _DATED_MODULES:
        setattr(module, "datetime", _CLOCK_DATETIME_MODULE)  # noqa: B010
    setattr(Execution, "__init__", _execution_started_on_clock)  # noqa: B010
    setattr(Execution, "stop", _execution_stopped_on_clock)  # noqa: B010
