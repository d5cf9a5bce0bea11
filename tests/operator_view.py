"""What an operator sees of a deployed pipeline, read back from the emulator: its alarms' states and
the state changes CloudWatch notifies on its topic, and the metrics its dashboard names beside those
its runs published."""

import json
from typing import Any

from local_aws.clients import client
from local_aws.control import advance_time
from tests.stacks import alarm_change, received

Metric = tuple[str, str, frozenset[tuple[str, str]]]


def a_minute_on() -> None:
    """CloudWatch evaluates alarms once a minute: a minute on, it has seen every datapoint put so far."""
    advance_time(60)


def alarm_state(alarm_name: str, region: str) -> str:
    """The alarm's state a minute on."""
    a_minute_on()
    (alarm,) = client("cloudwatch", region=region).describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    state: str = alarm["StateValue"]
    return state


def alarm_changes(queue_url: str, region: str, wait_seconds: int = 1) -> list[dict[str, Any]]:
    """CloudWatch's messages of alarm state changes delivered to the queue a minute on (the
    pipeline's own alerts consumed and left out)."""
    a_minute_on()
    return [change for envelope in received(queue_url, region, wait_seconds) if (change := alarm_change(envelope)) is not None]


def dashboard_metrics(dashboard_name: str, region: str) -> set[Metric]:
    """Each metric a metric widget of the dashboard names: namespace, name and dimensions."""
    body = json.loads(client("cloudwatch", region=region).get_dashboard(DashboardName=dashboard_name)["DashboardBody"])
    named = set()
    for widget in body["widgets"]:
        for entry in widget["properties"].get("metrics", []) if widget["type"] == "metric" else []:
            names = [item for item in entry if isinstance(item, str)]
            namespace, metric_name, dimensions = names[0], names[1], names[2:]
            named.add((namespace, metric_name, frozenset(zip(dimensions[::2], dimensions[1::2], strict=True))))
    return named


def published_metrics(namespace: str, region: str) -> set[Metric]:
    """Each metric with data in the namespace: name and dimensions."""
    pages = client("cloudwatch", region=region).get_paginator("list_metrics").paginate(Namespace=namespace)
    return {
        (namespace, metric["MetricName"], frozenset((dimension["Name"], dimension["Value"]) for dimension in metric["Dimensions"]))
        for page in pages
        for metric in page["Metrics"]
    }


def alarm_metrics(alarm_names: dict[str, str], region: str) -> dict[str, Metric]:
    """The metric each alarm watches, by the alarm's key (failed_tables, ...)."""
    alarms = client("cloudwatch", region=region).describe_alarms(AlarmNames=list(alarm_names.values()))["MetricAlarms"]
    by_name = {alarm["AlarmName"]: alarm for alarm in alarms}
    return {
        key: (
            by_name[name]["Namespace"],
            by_name[name]["MetricName"],
            frozenset((dimension["Name"], dimension["Value"]) for dimension in by_name[name]["Dimensions"]),
        )
        for key, name in alarm_names.items()
    }
