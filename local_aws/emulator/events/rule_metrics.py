"""EventBridge's AWS/Events metrics of a rule that matched an event: TriggeredRules, "the number of
rules that have run and matched with any event", unit Count, dimension RuleName for a rule of the
default event bus, EventBusName and RuleName for one of a custom bus
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html). One datapoint of 1
per match, on the emulated clock (cloudwatch/alarms.py), so an alarm can watch a rule; moto puts none.
"""

from moto.cloudwatch.models import cloudwatch_backends
from moto.events.models import Rule

NAMESPACE = "AWS/Events"


def count_triggered_rule(rule: Rule) -> None:
    dimensions = [{"Name": "RuleName", "Value": rule.name}]
    if rule.event_bus_name != "default":
        dimensions.insert(0, {"Name": "EventBusName", "Value": rule.event_bus_name})
    datum = {"MetricName": "TriggeredRules", "Dimensions": dimensions, "Value": 1.0, "Unit": "Count"}
    cloudwatch_backends[rule.account_id][rule.region_name].put_metric_data(NAMESPACE, [datum])
