"""EventBridge rules deliver their events to Lambda targets and SNS topics, which moto does not (it
raises NotImplementedError for them).

As on AWS, EventBridge invokes the function asynchronously with the event as its payload
(https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge.html): here on a thread of its own,
counted as work in flight by the emulated clock's timers, through the project's Lambda executor.
The event is the one EventBridge documents: its `time` an ISO 8601 string (moto keeps epoch
seconds), without moto's `ingestion-time`. A topic gets the event, or what the target's input
transformer makes of it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html),
as its message: "EventBridge does not escape values extracted by Input Path, when populating the
Input Template" (Common issues with transforming input), so a value inside a quoted string of the
template goes in as it is, quotes and backslashes included; a value standing for a JSON value goes in
as JSON; a template of quoted strings, one a line, gives their text, a line each. moto JSON-decodes
the filled template instead, which fails on a value holding a quote. Unless the topic's policy does
not allow events.amazonaws.com to publish for the rule, or its customer-managed key does not let it
(sns/service_publishes.py): then the delivery fails and the topic gets nothing. A failed invocation
is logged; Lambda's asynchronous retries are not emulated, nor is the function's resource-based
policy evaluated (see CONTRIBUTING.md, The emulator's rules).
"""

import copy
import functools
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.events.models import Rule
from moto.events.utils import EventMessageType
from moto.sns.models import sns_backends
from moto.utilities.arns import parse_arn

from local_aws.emulator.core.call_counts import CALL_COUNTS
from local_aws.emulator.core.timers import TIMERS
from local_aws.emulator.events.rule_metrics import count_triggered_rule
from local_aws.emulator.sns.service_publishes import service_publish_refusal
from local_aws.executors.lambda_functions import run_handler

logger = logging.getLogger(__name__)

_moto_send_to_targets = Rule.send_to_targets


def _invoke_target(target_arn: str, event: dict[str, Any]) -> None:
    arn = parse_arn(target_arn)
    function = lambda_backends[arn.account][arn.region].get_function(target_arn)
    payload, errored, logs = run_handler(function, event)
    if errored:
        logger.warning("EventBridge's invocation of %s failed: %s\n%s", target_arn, payload, logs)


def _input_values(paths: dict[str, str], event: dict[str, Any]) -> dict[str, Any]:
    from jsonpath_ng.ext import parse

    values = {"aws.events.event.json": event, "aws.events.event.ingestion-time": event.get("ingestion-time")}
    for name, path in paths.items():
        matches = parse(path).find(event)
        # A path the event lacks creates no variable; its placeholder stays as written.
        if matches:
            values[name] = matches[0].value
    return values


def _as_text(value: Any, in_string: bool) -> str:
    if isinstance(value, str):
        return value if in_string else json.dumps(value)
    return json.dumps(value, separators=(",", ":"))


def _fill(template: str, values: dict[str, Any], in_string: bool) -> str:
    """Each <name> of `values` in `template` replaced by its value, not escaped."""
    pattern = "|".join(re.escape(f"<{name}>") for name in values)
    return re.sub(pattern, lambda found: _as_text(values[found.group(0)[1:-1]], in_string), template) if pattern else template


def _fill_json(template: str, values: dict[str, Any]) -> str:
    """A JSON template filled: inside its strings a value as it is, elsewhere as a JSON value."""
    parts: list[str] = []
    start, in_string, escaped = 0, False, False
    for index, character in enumerate(template):
        if in_string and escaped:
            escaped = False
        elif in_string and character == "\\":
            escaped = True
        elif character == '"':
            parts.append(_fill(template[start:index], values, in_string) + '"')
            start, in_string = index + 1, not in_string
    parts.append(_fill(template[start:], values, in_string))
    return "".join(parts)


def transformed_input(transformer: dict[str, Any], event: dict[str, Any]) -> str:
    """What an input transformer makes of `event`, as EventBridge passes it to the target."""
    values = _input_values(transformer.get("InputPathsMap") or {}, event)
    template = transformer["InputTemplate"]
    lines = [line.strip() for line in template.splitlines() if line.strip()]
    if all(len(line) >= 2 and line[0] == line[-1] == '"' for line in lines):
        return "\n".join(_fill(json.loads(line), values, in_string=True) for line in lines)
    return _fill_json(template, values)


def _publish_to_topic(rule: Rule, target: dict[str, Any], event: dict[str, Any]) -> None:
    arn = parse_arn(target["Arn"])
    refusal = service_publish_refusal("events.amazonaws.com", target["Arn"], rule.arn)
    if refusal is not None:
        # The delivery fails and the topic gets no message (a FailedInvocations on AWS).
        logger.warning("EventBridge could not publish to %s: %s", target["Arn"], refusal)
        return
    transformer = target.get("InputTransformer") or {}
    message = transformed_input(transformer, event) if transformer else json.dumps(event)
    sns_backends[arn.account][arn.region].publish(message=message, arn=target["Arn"])


def _send_to_targets(self: Rule, original_event: EventMessageType, transform_input: bool = True) -> None:
    # moto's put_events sends to every rule of the bus, and a rule without an event pattern matches
    # every event there. On AWS a disabled rule matches no event
    # (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DisableRule.html), nor does a
    # scheduled rule, which "runs on a schedule" instead of matching events
    # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html).
    if self.state == "DISABLED" or self.scheduled_expression or not self.event_pattern.matches_event(original_event):
        return
    count_triggered_rule(self)
    lambda_targets = [target for target in self.targets if parse_arn(target["Arn"]).service == "lambda"]
    topic_targets = [target for target in self.targets if parse_arn(target["Arn"]).service == "sns"]
    event: dict[str, Any] = {key: value for key, value in original_event.items() if key != "ingestion-time"}
    if isinstance(event.get("time"), int | float):
        event["time"] = datetime.fromtimestamp(event["time"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for target in lambda_targets:
        CALL_COUNTS.add("events", "Delivery")
        CALL_COUNTS.add("lambda", "Invoke")
        TIMERS.in_background(functools.partial(_invoke_target, target["Arn"], event))
    for target in topic_targets:
        CALL_COUNTS.add("events", "Delivery")
        _publish_to_topic(self, target, {**event, "ingestion-time": original_event.get("ingestion-time")})
    for target in self.targets:
        if target in lambda_targets or target in topic_targets:
            continue
        rule = copy.copy(self)
        rule.targets = [target]
        try:
            _moto_send_to_targets(rule, original_event, transform_input)
        except NotImplementedError:
            # moto delivers to logs, SQS, archives and buses only; the event's source is not at fault.
            logger.warning("EventBridge rule %s: no local delivery to its target %s", self.name, target["Arn"])


def deliver_to_lambda_targets() -> None:
    """Patch moto's rules to invoke Lambda targets; call once in the emulator process."""
    setattr(Rule, "send_to_targets", _send_to_targets)  # noqa: B010
