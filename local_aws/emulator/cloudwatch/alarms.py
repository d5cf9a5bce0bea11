"""PutMetricAlarm as CloudWatch takes it, and CloudWatch on the emulated clock.

PutMetricAlarm (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html)
refuses, as ValidationError:
- a Statistic, ComparisonOperator or Unit outside its enum, an AlarmName over 255 characters, an
  AlarmDescription over 1,024, more than 5 AlarmActions, OKActions or InsufficientDataActions, in
  the words of AWS's request validation ("1 validation error detected: Value ... at 'statistic'
  failed to satisfy constraint: ...");
- a Period other than 10, 20, 30 or a multiple of 60 ("Valid values are 10, 20, 30, and any
  multiple of 60"; the wording of this refusal is the emulator's);
- Period x EvaluationPeriods over 604,800 seconds, or over 86,400 for a Period under an hour ("An
  alarm's total current evaluation period can be no longer than seven days ... For alarms with a
  period of less than one hour (3,600 seconds), the total evaluation period can't be longer than one
  day"), in CloudWatch's words ("Metrics cannot be checked across more than a week (EvaluationPeriods
  * Period must be <= 604800) for alarms using period >= 3600", as Terraform applies report it; the
  day's refusal in the same words, unconfirmed);
- DatapointsToAlarm over EvaluationPeriods ("DatapointsToAlarm must be less than or equal to
  EvaluationPeriods", as CloudWatch answers it);
- a TreatMissingData other than breaching, notBreaching, ignore or missing ("Valid Values"; the
  wording of this refusal is the emulator's).
moto takes all of them.

"When this operation creates an alarm, the alarm state is immediately set to INSUFFICIENT_DATA ...
When you update an existing alarm, its state is left unchanged": moto starts every alarm, new or
updated, in OK. Here a new alarm starts in INSUFFICIENT_DATA ("Unchecked: Initial alarm creation")
and an updated one keeps its state; either is evaluated afresh (alarm_evaluation.py).

Alarms are evaluated on the emulated clock (local_aws.emulator.core.clock), the clock the runs
publish on: a datapoint counts for them at the emulated time it was put (or at its Timestamp, when
it has one), and an alarm's configuration and state times are emulated times. The datapoint keeps
moto's wall-clock Timestamp for GetMetricStatistics and GetMetricData, whose callers (the tests)
ask for the hours around their own clock.
"""

from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from botocore.session import get_session
from moto.cloudwatch.exceptions import ValidationError
from moto.cloudwatch.models import Alarm, CloudWatchBackend, MetricDatumBase

from local_aws.emulator.core.clock import CLOCK

INITIAL_REASON = "Unchecked: Initial alarm creation"
ACTIONS_MAX = 5
NAME_MAX = 255
DESCRIPTION_MAX = 1024
WEEK_SECONDS = 604_800
DAY_SECONDS = 86_400
HOUR_SECONDS = 3_600
ACTION_MEMBERS = {"alarm_actions": "alarmActions", "ok_actions": "oKActions", "insufficient_data_actions": "insufficientDataActions"}
TREAT_MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")

_moto_put_metric_alarm = CloudWatchBackend.put_metric_alarm
_moto_datum_init = MetricDatumBase.__init__
_EMULATED_TIMES: WeakKeyDictionary[MetricDatumBase, float] = WeakKeyDictionary()


def _enum(shape: str) -> list[str]:
    model = get_session().get_service_model("cloudwatch")
    return list(model.shape_for(shape).enum)


STATISTICS = _enum("Statistic")
COMPARISON_OPERATORS = _enum("ComparisonOperator")
UNITS = _enum("StandardUnit")


def emulated_utcnow() -> datetime:
    """moto's naive UTC "now", on the emulated clock."""
    return CLOCK.utcnow().replace(tzinfo=None)


def epoch(moment: datetime) -> float:
    """Seconds since the epoch of a moto time, naive in UTC, or of an aware one."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def emulated_time(datum: MetricDatumBase) -> float:
    """When `datum` counts for alarms: the emulated time it was put, or its own Timestamp."""
    return _EMULATED_TIMES.get(datum, epoch(datum.timestamp))


def _datum_init(
    self: MetricDatumBase, namespace: str, name: str, dimensions: list[dict[str, str]], timestamp: datetime | None, unit: Any = None
) -> None:
    _moto_datum_init(self, namespace, name, dimensions, timestamp, unit)
    if timestamp is None:
        _EMULATED_TIMES[self] = CLOCK.utcnow().timestamp()


def _not_in_enum(value: str, member: str, allowed: list[str]) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"Member must satisfy enum value set: [{', '.join(allowed)}]"
    )


def _too_long(value: Any, member: str, maximum: int) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"Member must have length less than or equal to {maximum}"
    )


def check_metric_alarm(arguments: dict[str, Any]) -> None:
    """Refuse what PutMetricAlarm refuses (see the module's docstring)."""
    name, description = arguments["name"] or "", arguments.get("description") or ""
    if len(name) > NAME_MAX:
        raise _too_long(name, "alarmName", NAME_MAX)
    if len(description) > DESCRIPTION_MAX:
        raise _too_long(description, "alarmDescription", DESCRIPTION_MAX)
    for argument, member in ACTION_MEMBERS.items():
        actions = arguments.get(argument) or []
        if len(actions) > ACTIONS_MAX:
            raise _too_long(actions, member, ACTIONS_MAX)
    statistic, operator, unit = arguments.get("statistic"), arguments.get("comparison_operator"), arguments.get("unit")
    if statistic and statistic not in STATISTICS:
        raise _not_in_enum(statistic, "statistic", STATISTICS)
    if operator and operator not in COMPARISON_OPERATORS:
        raise _not_in_enum(operator, "comparisonOperator", COMPARISON_OPERATORS)
    if unit and unit not in UNITS:
        raise _not_in_enum(unit, "unit", UNITS)
    treat_missing_data = arguments.get("treat_missing_data")
    if treat_missing_data and treat_missing_data not in TREAT_MISSING_DATA:
        raise ValidationError(
            f"Option {treat_missing_data} is not supported. Supported options for parameter TreatMissingData are "
            "breaching, notBreaching, ignore and missing."
        )
    period, evaluation_periods = arguments.get("period"), int(arguments.get("evaluation_periods") or 0)
    if period is not None:
        period = int(period)
        if period not in (10, 20, 30) and (period < 60 or period % 60):
            raise ValidationError("The parameter Period must be 10, 20, 30 or a multiple of 60.")
        if period < HOUR_SECONDS and period * evaluation_periods > DAY_SECONDS:
            raise ValidationError(
                "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400) "
                "for alarms using period < 3600"
            )
        if period * evaluation_periods > WEEK_SECONDS:
            raise ValidationError(
                "Metrics cannot be checked across more than a week (EvaluationPeriods * Period must be <= 604800) "
                "for alarms using period >= 3600"
            )
    datapoints_to_alarm = arguments.get("datapoints_to_alarm")
    if datapoints_to_alarm is not None and int(datapoints_to_alarm) > evaluation_periods:
        raise ValidationError("DatapointsToAlarm must be less than or equal to EvaluationPeriods")


def _put_metric_alarm(self: CloudWatchBackend, **arguments: Any) -> Alarm:
    if arguments.get("rule") is None:
        check_metric_alarm(arguments)
    previous = self.alarms.get(arguments["name"])
    alarm = _moto_put_metric_alarm(self, **arguments)
    alarm.configuration_updated_timestamp = alarm.state_updated_timestamp = emulated_utcnow()
    if previous is not None:
        alarm.state_value, alarm.state_reason = previous.state_value, previous.state_reason
        alarm.state_reason_data, alarm.state_updated_timestamp = previous.state_reason_data, previous.state_updated_timestamp
        alarm.history = previous.history
    else:
        alarm.state_value, alarm.state_reason = "INSUFFICIENT_DATA", INITIAL_REASON
    return alarm


def put_alarms_on_emulated_clock() -> None:
    """Install the checks and the emulated clock; once, in the emulator process."""
    setattr(CloudWatchBackend, "put_metric_alarm", _put_metric_alarm)  # noqa: B010
    setattr(MetricDatumBase, "__init__", _datum_init)  # noqa: B010
