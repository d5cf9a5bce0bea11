"""Step Functions' dates on the emulator's clock (`local_aws.emulator.core.clock`).

moto's interpreter stamps an execution's start and stop dates and its history events with the
wall clock, while Glue's crawls and job runs here follow the emulated clock, which runs ahead of
the wall clock after every emulated wait. On AWS every service reads one clock, so a report
comparing an execution's start with a crawl's StartTime (ListCrawls' START_TIME filter) counted
crawls of earlier executions as its own. Here an execution's start and stop dates and its history
events come from the emulated clock. Still on the wall clock, and unused by the module:
`$$.State.EnteredTime`, a Wait state's `Timestamp`, Map runs' dates.
"""

from datetime import datetime
from typing import Any

from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution

from local_aws.emulator.core.clock import CLOCK

_moto_execution_init = Execution.__init__
_moto_execution_stop = Execution.stop
_moto_reflect_execution_status = BaseExecutionWorkerCommunication._reflect_execution_status


def _now() -> datetime:
    return CLOCK.utcnow()


def _execution_started_on_clock(self: Execution, *args: Any, **kwargs: Any) -> None:
    _moto_execution_init(self, *args, **{**kwargs, "start_date": CLOCK.utcnow()})


def _execution_stopped_on_clock(self: Execution, stop_date: datetime, error: str | None, cause: str | None) -> None:
    _moto_execution_stop(self, CLOCK.utcnow(), error, cause)


def _execution_ended_on_clock(self: BaseExecutionWorkerCommunication) -> None:
    _moto_reflect_execution_status(self)
    self.execution.stop_date = CLOCK.utcnow()


def date_executions_on_emulated_clock() -> None:
    setattr(EventManager, "_get_current_timestamp", staticmethod(_now))  # noqa: B010
    setattr(Execution, "__init__", _execution_started_on_clock)  # noqa: B010
    setattr(Execution, "stop", _execution_stopped_on_clock)  # noqa: B010
    setattr(BaseExecutionWorkerCommunication, "_reflect_execution_status", _execution_ended_on_clock)  # noqa: B010
