"""The limits EventBridge's PutRule holds a rule to, which moto 5.2 does not: it takes an event pattern
of any length, `rate(1 hours)` and `rate(5 hour)`, and any text inside `cron(...)`.

- Event pattern size: 2,048 characters by default, adjustable to 4,096
  (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html). Past 4,096 the API's
  length constraint refuses it with `ValidationException`
  (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html, EventPattern);
  between the two, with PutRule's quota error `LimitExceededException` ("The request failed because
  it attempted to create resource beyond the allowed service quota"). AWS's message for that case is
  not documented; this one names the quota.
- Schedule expressions (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
  `rate(value unit)`, a positive whole value, the unit minute/hour/day, singular when the value is 1
  and plural otherwise ("rate(1 hours) and rate(5 hour) aren't valid"); `cron(...)` with six fields
  (minutes hours day-of-month month day-of-week year), one of day-of-month and day-of-week `?`.
  Others: `ValidationException` "Parameter ScheduleExpression is not valid.".
"""

import re
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.events.exceptions import ValidationException
from moto.events.models import EventsBackend, Rule

EVENT_PATTERN_QUOTA = 2_048
EVENT_PATTERN_MAX = 4_096
RATE = re.compile(r"rate\((\d+) (minute|hour|day)(s?)\)")
CRON = re.compile(r"cron\(([^)]*)\)")

_put_rule = EventsBackend.put_rule


def is_valid_schedule_expression(expression: str) -> bool:
    rate = RATE.fullmatch(expression)
    if rate:
        value, plural = int(rate.group(1)), rate.group(3) == "s"
        return value > 0 and plural == (value != 1)
    cron = CRON.fullmatch(expression)
    if cron:
        fields = cron.group(1).split()
        return len(fields) == 6 and (fields[2] == "?") != (fields[4] == "?")
    return False


def check_event_pattern_size(event_pattern: str) -> None:
    if len(event_pattern) > EVENT_PATTERN_MAX:
        raise ValidationException(
            f"1 validation error detected: Value '{event_pattern}' at 'eventPattern' failed to satisfy constraint: "
            f"Member must have length less than or equal to {EVENT_PATTERN_MAX}"
        )
    if len(event_pattern) > EVENT_PATTERN_QUOTA:
        raise JsonRESTError(
            "LimitExceededException",
            f"Event pattern size {len(event_pattern)} exceeds the quota of {EVENT_PATTERN_QUOTA} characters.",
        )


def _put_rule_within_limits(
    self: EventsBackend,
    name: str,
    description: str | None = None,
    event_bus_arn: str | None = None,
    event_pattern: str | None = None,
    role_arn: str | None = None,
    scheduled_expression: str | None = None,
    **rest: Any,
) -> Rule:
    if event_pattern:
        check_event_pattern_size(event_pattern)
    if scheduled_expression and not is_valid_schedule_expression(scheduled_expression):
        raise ValidationException("Parameter ScheduleExpression is not valid.")
    return _put_rule(self, name, description, event_bus_arn, event_pattern, role_arn, scheduled_expression, **rest)


def enforce_rule_limits() -> None:
    """Refuse PutRule past EventBridge's limits; call once in the emulator process."""
    setattr(EventsBackend, "put_rule", _put_rule_within_limits)  # noqa: B010
