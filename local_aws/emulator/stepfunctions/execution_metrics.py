"""Step Functions' AWS/States execution metrics, which moto never puts: ExecutionsStarted when an
execution starts; when it ends, one of ExecutionsSucceeded, ExecutionsFailed, ExecutionsTimedOut or
ExecutionsAborted, and its ExecutionTime ("the time interval, in milliseconds, between the time the
execution starts and the time it closes"), each with the dimension StateMachineArn
(https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html). Counts are one
datapoint of 1 in Count, on the emulated clock (cloudwatch/alarms.py) as the execution's dates are
(dates.py), so an alarm can watch a state machine's failed runs.
"""

from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.stepfunctions.parser.api import ExecutionStatus
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution

NAMESPACE = "AWS/States"
ENDED = {
    ExecutionStatus.SUCCEEDED: "ExecutionsSucceeded",
    ExecutionStatus.FAILED: "ExecutionsFailed",
    ExecutionStatus.TIMED_OUT: "ExecutionsTimedOut",
    ExecutionStatus.ABORTED: "ExecutionsAborted",
}

_moto_start = Execution.start
_moto_reflect_execution_status = BaseExecutionWorkerCommunication._reflect_execution_status


def _put(execution: Execution, *data: tuple[str, float, str]) -> None:
    state_machine = execution.state_machine
    # A version's executions count under its state machine.
    arn = getattr(state_machine, "source_arn", None) or state_machine.arn
    metrics = [
        {"MetricName": name, "Dimensions": [{"Name": "StateMachineArn", "Value": arn}], "Value": value, "Unit": unit}
        for name, value, unit in data
    ]
    cloudwatch_backends[execution.account_id][execution.region_name].put_metric_data(NAMESPACE, metrics)


def _started(self: Execution, *args: Any, **kwargs: Any) -> None:
    _moto_start(self, *args, **kwargs)
    _put(self, ("ExecutionsStarted", 1.0, "Count"))


def _ended(self: BaseExecutionWorkerCommunication) -> None:
    _moto_reflect_execution_status(self)
    execution = self.execution
    name = ENDED.get(execution.exec_status) if execution.exec_status is not None else None
    if name is not None and execution.stop_date is not None:
        milliseconds = (execution.stop_date - execution.start_date).total_seconds() * 1000
        _put(execution, (name, 1.0, "Count"), ("ExecutionTime", milliseconds, "Milliseconds"))


def put_execution_metrics() -> None:
    setattr(Execution, "start", _started)  # noqa: B010
    setattr(BaseExecutionWorkerCommunication, "_reflect_execution_status", _ended)  # noqa: B010
