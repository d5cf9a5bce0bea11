"""The state an alarm moves to over its evaluation range, for every row of the two tables of
"Configuring how CloudWatch alarms treat missing data"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):
0 a datapoint within the threshold, X one breaching it, - a missing one; most recent last."""

from datetime import UTC, datetime

import pytest

from local_aws.emulator.cloudwatch.alarm_evaluation import Rules, Window, evaluate

TREATMENTS = ("missing", "ignore", "breaching", "notBreaching")
KEEP = None  # "Retain current state"


def state(datapoints: str, datapoints_to_alarm: int, treatment: str) -> str | None:
    windows = [
        Window(datetime(2026, 12, 7, 11, minute, tzinfo=UTC), {"0": 0.0, "X": 1.0, "-": None}[point], 1.0)
        for minute, point in enumerate(datapoints.split())
    ]
    rules = Rules("Maximum", 300, 3, datapoints_to_alarm, "GreaterThanThreshold", 0.5, treatment)
    return evaluate(windows, rules).state


@pytest.mark.parametrize(
    ("datapoints", "states"),
    [
        ("0 - X - X", ["OK", "OK", "OK", "OK"]),
        ("0 - - - -", ["OK", "OK", "OK", "OK"]),
        ("- - - - -", ["INSUFFICIENT_DATA", KEEP, "ALARM", "OK"]),
        ("0 X X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
        ("- - X - -", ["ALARM", KEEP, "ALARM", "OK"]),
    ],
)
def test_3_out_of_3(datapoints: str, states: list[str | None]) -> None:
    assert [state(datapoints, 3, treatment) for treatment in TREATMENTS] == states


@pytest.mark.parametrize(
    ("datapoints", "states"),
    [
        ("0 - X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
        ("0 0 X 0 X", ["ALARM", "ALARM", "ALARM", "ALARM"]),
        ("0 - X - -", ["OK", "OK", "ALARM", "OK"]),
        ("- - - - 0", ["OK", "OK", "ALARM", "OK"]),
        ("- - - X -", ["ALARM", KEEP, "ALARM", "OK"]),
    ],
)
def test_2_out_of_3(datapoints: str, states: list[str | None]) -> None:
    assert [state(datapoints, 2, treatment) for treatment in TREATMENTS] == states


def test_a_lone_newest_breaching_datapoint_does_not_alarm_prematurely() -> None:
    assert state("- - - - X", 3, "missing") is KEEP
