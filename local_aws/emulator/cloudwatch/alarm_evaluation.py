"""Metric alarms evaluated on the emulated clock against the datapoints put, as CloudWatch evaluates
them; moto never changes an alarm's state by itself.

When: CloudWatch "evaluates [an alarm] every minute, even if the period of the alarm is longer than
one minute", over windows of one period each ending at the evaluation time: "for the alarm
evaluation at 12:15:00, CloudWatch expects datapoints with timestamps 12:00:00, 12:05:00, 12:10:00"
for a 5-minute period (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html);
a high-resolution alarm (Period 10, 20 or 30) every 10 seconds
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html). Here an
alarm is evaluated at each whole minute of the emulated clock (10 seconds for high resolution) that
has passed: a background thread catches up about four times a second, and so do DescribeAlarms,
`local_aws.control.advance_time` and `local_aws.control.evaluate_alarms` before they answer, so a
test that moves the clock sees the alarm's state and its notifications at once. Evaluations whose
windows hold the same datapoints as the one before cannot change the state, and are skipped.

How, from "Configuring how CloudWatch alarms treat missing data"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):
each window's datapoint is the alarm's Statistic over the datapoints of exactly the alarm's metric
(namespace, name, the same dimensions, its Unit if it has one) in that window, or missing. CloudWatch
retrieves more windows than EvaluationPeriods (N), the evaluation range, whose length it does not
document; here N + 2, the range of the page's examples (N = 3, range 5). Then:
- no datapoint in the range: missing -> INSUFFICIENT_DATA, ignore -> the state is kept,
  breaching -> ALARM, notBreaching -> OK;
- at least N datapoints in the range: the N most recent decide, ALARM when at least
  DatapointsToAlarm (M, N by default) of them breach the threshold, OK otherwise;
- fewer than N: breaching and notBreaching fill the shortfall with breaching or not breaching
  datapoints; missing and ignore judge the real datapoints alone, ALARM when M breach, the state kept
  when fewer than M datapoints exist and one breaches, unless (missing only) the oldest breaching
  datapoint among the last N windows is at least M windows old and every newer one breaches or is
  missing ("Avoiding premature transitions to alarm state"), then ALARM; OK otherwise.
These rules give every row of the page's two tables. A state change records its reason (in
CloudWatch's words, e.g. "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (07/12/26
11:00:00)] was greater than the threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition).",
"Threshold Crossed: no datapoints were received for 26 periods and 26 missing datapoints were treated
as [Breaching].", "Insufficient Data: 1 datapoint was unknown.") and its StateReasonData, and is
notified (alarm_notifications.py). Alarms on metric math (Metrics), anomaly bands and percentiles
(ExtendedStatistic) are stored, not evaluated.
"""

import json
import logging
import math
import threading
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from moto.cloudwatch.models import Alarm, CloudWatchBackend, MetricAggregatedDatum, MetricDatum, MetricDatumBase, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse

from local_aws.emulator.cloudwatch.alarms import emulated_time, epoch
from local_aws.emulator.core.clock import CLOCK

logger = logging.getLogger(__name__)

EXTRA_WINDOWS_IN_RANGE = 2
HIGH_RESOLUTION_STEP_SECONDS = 10
STEP_SECONDS = 60
CATCH_UP_INTERVAL_SECONDS = 0.25

STATISTICS = ("Sum", "SampleCount", "Minimum", "Maximum", "Average")
COMPARISONS: dict[str, tuple[str, Callable[[float, float], bool]]] = {
    "GreaterThanThreshold": ("greater than", lambda value, threshold: value > threshold),
    "GreaterThanOrEqualToThreshold": ("greater than or equal to", lambda value, threshold: value >= threshold),
    "LessThanThreshold": ("less than", lambda value, threshold: value < threshold),
    "LessThanOrEqualToThreshold": ("less than or equal to", lambda value, threshold: value <= threshold),
}


@dataclass(frozen=True)
class Window:
    start: datetime
    value: float | None
    sample_count: float


@dataclass(frozen=True)
class Rules:
    statistic: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    comparison: str
    threshold: float
    treat_missing_data: str

    @staticmethod
    def of(alarm: Alarm) -> "Rules":
        evaluation_periods = int(alarm.evaluation_periods)
        return Rules(
            statistic=alarm.statistic,
            period=int(alarm.period),
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=int(alarm.datapoints_to_alarm or evaluation_periods),
            comparison=alarm.comparison_operator,
            threshold=float(alarm.threshold),
            treat_missing_data=alarm.treat_missing_data or "missing",
        )

    def breaches(self, value: float) -> bool:
        return COMPARISONS[self.comparison][1](value, self.threshold)


@dataclass(frozen=True)
class Outcome:
    """A state to move to (None: keep the current one), and why."""

    state: str | None
    reason: str
    evaluated: tuple[Window, ...]


def _statistic(datums: list[MetricDatumBase], statistic: str) -> tuple[float, float]:
    """`statistic` over `datums`, and their sample count."""
    sums, counts, minimums, maximums = [], [], [], []
    for datum in datums:
        if isinstance(datum, MetricAggregatedDatum):
            sums.append(datum.sum)
            counts.append(datum.sample_count)
            minimums.append(datum.min)
            maximums.append(datum.max)
        elif isinstance(datum, MetricDatum):
            sums.append(datum.value)
            counts.append(1.0)
            minimums.append(datum.value)
            maximums.append(datum.value)
    count = sum(counts)
    value = {
        "Sum": sum(sums),
        "SampleCount": count,
        "Minimum": min(minimums),
        "Maximum": max(maximums),
        "Average": sum(sums) / count,
    }[statistic]
    return value, count


def windows_at(series: list[tuple[float, MetricDatumBase]], at: float, rules: Rules) -> list[Window]:
    """The evaluation range at `at`, oldest window first; `series` sorted by time."""
    count = rules.evaluation_periods + EXTRA_WINDOWS_IN_RANGE
    times = [moment for moment, _ in series]
    windows = []
    for index in range(count, 0, -1):
        start, end = at - index * rules.period, at - (index - 1) * rules.period
        datums = [datum for _, datum in series[bisect_left(times, start) : bisect_left(times, end)]]
        value, sample_count = _statistic(datums, rules.statistic) if datums else (None, 0.0)
        windows.append(Window(datetime.fromtimestamp(start, UTC), value, sample_count))
    return windows


def _number(value: float) -> str:
    return repr(float(value))


def _datapoints(windows: list[Window]) -> str:
    """Newest first, as CloudWatch lists them: "1.0 (07/12/26 11:00:00)"."""
    return ", ".join(f"{_number(window.value or 0.0)} ({window.start:%d/%m/%y %H:%M:%S})" for window in reversed(windows))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _verb(count: int) -> str:
    return "was" if count == 1 else "were"


def _crossed(breaching: list[Window], evaluated: list[Window], rules: Rules) -> str:
    phrase = COMPARISONS[rules.comparison][0]
    return (
        f"Threshold Crossed: {len(breaching)} out of the last {len(evaluated)} datapoints [{_datapoints(breaching)}] "
        f"{_verb(len(breaching))} {phrase} the threshold ({_number(rules.threshold)}) "
        f"(minimum {_plural(rules.datapoints_to_alarm, 'datapoint')} for OK -> ALARM transition)."
    )


def _not_crossed(evaluated: list[Window], rules: Rules) -> str:
    phrase = COMPARISONS[rules.comparison][0]
    return (
        f"Threshold Crossed: {_plural(len(evaluated), 'datapoint')} [{_datapoints(evaluated)}] {_verb(len(evaluated))} "
        f"not {phrase} the threshold ({_number(rules.threshold)})."
    )


def _filled(real: list[Window], breaching: list[Window], fill: int, state: str, rules: Rules) -> str:
    phrase = COMPARISONS[rules.comparison][0]
    treated = "Breaching" if rules.treat_missing_data == "breaching" else "NonBreaching"
    missing = f"{_plural(fill, 'missing datapoint')} {_verb(fill)} treated as [{treated}]."
    if not real:
        return f"Threshold Crossed: no datapoints were received for {_plural(fill, 'period')} and {missing}"
    calm = [window for window in real if window not in breaching]
    shown, negation = (breaching, "") if (state == "ALARM" and breaching) or not calm else (calm, "not ")
    return (
        f"Threshold Crossed: {_plural(len(shown), 'datapoint')} [{_datapoints(shown)}] {_verb(len(shown))} {negation}{phrase} "
        f"the threshold ({_number(rules.threshold)}) and {missing}"
    )


def _premature_alarm(windows: list[Window], rules: Rules) -> bool:
    recent = windows[-rules.evaluation_periods :]
    breaching = [index for index, window in enumerate(recent) if window.value is not None and rules.breaches(window.value)]
    if not breaching:
        return False
    oldest = breaching[0]
    newer_breach_or_missing = all(window.value is None or rules.breaches(window.value) for window in recent[oldest + 1 :])
    return len(recent) - oldest >= rules.datapoints_to_alarm and newer_breach_or_missing


def evaluate(windows: list[Window], rules: Rules) -> Outcome:
    """The state the alarm moves to over the evaluation range `windows` (see the module's docstring)."""
    n, m = rules.evaluation_periods, rules.datapoints_to_alarm
    real = [window for window in windows if window.value is not None]
    if len(real) >= n:
        evaluated = real[-n:]
        breaching = [window for window in evaluated if rules.breaches(window.value or 0.0)]
        if len(breaching) >= m:
            return Outcome("ALARM", _crossed(breaching, evaluated, rules), tuple(evaluated))
        reason = _crossed(breaching, evaluated, rules) if breaching else _not_crossed(evaluated, rules)
        return Outcome("OK", reason, tuple(evaluated))
    breaching = [window for window in real if rules.breaches(window.value or 0.0)]
    fill = n - len(real)
    treatment = rules.treat_missing_data
    if treatment in ("breaching", "notBreaching"):
        count = len(breaching) + (fill if treatment == "breaching" else 0)
        state = "ALARM" if count >= m else "OK"
        return Outcome(state, _filled(real, breaching, fill, state, rules), tuple(real))
    if not real:
        if treatment == "ignore":
            return Outcome(None, "", ())
        return Outcome("INSUFFICIENT_DATA", f"Insufficient Data: {_plural(n, 'datapoint')} {_verb(n)} unknown.", ())
    if len(breaching) >= m:
        return Outcome("ALARM", _crossed(breaching, real, rules), tuple(real))
    if len(real) < m and breaching:
        if treatment == "missing" and _premature_alarm(windows, rules):
            return Outcome("ALARM", _crossed(breaching, real, rules), tuple(real))
        return Outcome(None, "", ())
    reason = _crossed(breaching, real, rules) if breaching else _not_crossed(real, rules)
    return Outcome("OK", reason, tuple(real))


def _time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


def reason_data(outcome: Outcome, windows: list[Window], rules: Rules, at: datetime, unit: str | None) -> dict[str, Any]:
    """StateReasonData as CloudWatch records it (the EventBridge alarm events show its fields,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html)."""
    data: dict[str, Any] = {"version": "1.0", "queryDate": _time(at)}
    if outcome.evaluated:
        data["startDate"] = _time(outcome.evaluated[0].start)
    if unit:
        data["unit"] = unit
    data |= {
        "statistic": rules.statistic,
        "period": rules.period,
        "recentDatapoints": [window.value for window in outcome.evaluated],
        "threshold": rules.threshold,
    }
    if outcome.evaluated:
        data["evaluatedDatapoints"] = [
            {"timestamp": _time(window.start), "sampleCount": window.sample_count, "value": window.value}
            for window in reversed(outcome.evaluated)
        ]
    return data


def _same_dimensions(datum: MetricDatumBase, alarm: Alarm) -> bool:
    return sorted((d.name, d.value) for d in datum.dimensions) == sorted((d.name, d.value) for d in alarm.dimensions)


def series_of(backend: CloudWatchBackend, alarm: Alarm) -> list[tuple[float, MetricDatumBase]]:
    """The datapoints of exactly the alarm's metric, by time."""
    series = [
        (emulated_time(datum), datum)
        for datum in backend.metric_data
        if datum.namespace == alarm.namespace
        and datum.name == alarm.metric_name
        and _same_dimensions(datum, alarm)
        and (not alarm.unit or datum.unit == alarm.unit)
    ]
    return sorted(series, key=lambda point: point[0])


def evaluated_here(alarm: Alarm) -> bool:
    """A metric alarm on one metric and a statistic: not a composite alarm, nor one on metric math,
    an anomaly band or a percentile (ExtendedStatistic)."""
    single_metric = alarm.rule is None and not alarm.metric_data_queries and bool(alarm.period)
    return single_metric and alarm.comparison_operator in COMPARISONS and alarm.statistic in STATISTICS


def _after(moment: float, step: int) -> float:
    """The first evaluation time strictly after `moment`."""
    return (math.floor(moment / step) + 1) * step


Notifier = Callable[[CloudWatchBackend, Alarm, str, datetime], None]


class AlarmEvaluator:
    def __init__(self) -> None:
        self._evaluated_until: WeakKeyDictionary[Alarm, float] = WeakKeyDictionary()
        self._lock = threading.RLock()
        self._notify: Notifier | None = None
        self._thread: threading.Thread | None = None

    def start(self, notify: Notifier) -> None:
        self._notify = notify
        self._thread = threading.Thread(target=self._keep_up, name="alarm-evaluation", daemon=True)
        self._thread.start()

    def _keep_up(self) -> None:
        while True:
            time.sleep(CATCH_UP_INTERVAL_SECONDS)
            try:
                self.evaluate_due()
            except Exception:
                logger.exception("alarm evaluation failed")

    def evaluate_due(self) -> None:
        """Evaluate every metric alarm at each evaluation time passed since its last."""
        now = CLOCK.utcnow().timestamp()
        with self._lock:
            for backend in _backends():
                for alarm in list(backend.alarms.values()):
                    if evaluated_here(alarm):
                        self._catch_up(backend, alarm, now)

    def _catch_up(self, backend: CloudWatchBackend, alarm: Alarm, now: float) -> None:
        rules = Rules.of(alarm)
        step = HIGH_RESOLUTION_STEP_SECONDS if rules.period < STEP_SECONDS else STEP_SECONDS
        since = self._evaluated_until.get(alarm, epoch(alarm.configuration_updated_timestamp))
        last = math.floor(now / step) * step
        if last <= since:
            return
        series = series_of(backend, alarm)
        reach = rules.evaluation_periods + EXTRA_WINDOWS_IN_RANGE
        # Only when a datapoint enters, moves between or leaves windows can the state change.
        due = {_after(since, step)} | {_after(moment + k * rules.period, step) for moment, _ in series for k in range(reach + 1)}
        for at in sorted(moment for moment in due if since < moment <= last):
            windows = windows_at(series, at, rules)
            outcome = evaluate(windows, rules)
            if outcome.state is not None and outcome.state != alarm.state_value:
                self._change(backend, alarm, outcome, windows, rules, datetime.fromtimestamp(at, UTC))
        self._evaluated_until[alarm] = last

    def _change(
        self, backend: CloudWatchBackend, alarm: Alarm, outcome: Outcome, windows: list[Window], rules: Rules, at: datetime
    ) -> None:
        old_state = alarm.state_value
        alarm.update_state(outcome.reason, json.dumps(reason_data(outcome, windows, rules, at, alarm.unit)), outcome.state or old_state)
        alarm.state_updated_timestamp = at.replace(tzinfo=None)
        if self._notify is not None:
            self._notify(backend, alarm, old_state, at)


def _backends() -> Iterator[CloudWatchBackend]:
    for regions in list(cloudwatch_backends.values()):
        yield from list(regions.values())


EVALUATOR = AlarmEvaluator()

_moto_describe_alarms = CloudWatchResponse.describe_alarms


def _describe_alarms_evaluated(self: CloudWatchResponse) -> Any:
    EVALUATOR.evaluate_due()
    return _moto_describe_alarms(self)


def evaluate_alarms_on_clock(notify: Notifier) -> None:
    """Start evaluating alarms; once, in the emulator process."""
    setattr(CloudWatchResponse, "describe_alarms", _describe_alarms_evaluated)  # noqa: B010
    EVALUATOR.start(notify)
