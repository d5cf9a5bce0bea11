"""EventBridge's AWS/Events TriggeredRules datapoints (local_aws/emulator/events/rule_metrics.py)."""

import json

import pytest

from local_aws.clients import client
from local_aws.control import advance_time
from tests.local_aws.moto_gaps import plain_moto, still_lacking

PATTERN = json.dumps({"source": ["pipeline.test"], "detail-type": ["Glue Job State Change"]})


def test_a_rule_that_matches_an_event_counts_in_triggered_rules_and_one_that_does_not_never(clean_emulator: str) -> None:
    events = client("events")
    events.put_rule(Name="job-failed", EventPattern=PATTERN)
    crawl_pattern = json.dumps({"source": ["pipeline.test"], "detail-type": ["Glue Crawler State Change"]})
    events.put_rule(Name="crawl-failed", EventPattern=crawl_pattern)

    events.put_events(Entries=[{"Source": "pipeline.test", "DetailType": "Glue Job State Change", "Detail": "{}"}])

    metrics = client("cloudwatch").list_metrics(Namespace="AWS/Events")["Metrics"]
    assert [(metric["MetricName"], metric["Dimensions"]) for metric in metrics] == [
        ("TriggeredRules", [{"Name": "RuleName", "Value": "job-failed"}])
    ]


def test_an_alarm_on_a_rules_triggered_rules_goes_to_alarm_when_the_rule_matches(clean_emulator: str) -> None:
    events, cloudwatch = client("events"), client("cloudwatch")
    events.put_rule(Name="job-failed", EventPattern=PATTERN)
    cloudwatch.put_metric_alarm(
        AlarmName="etl-failed-tables",
        Namespace="AWS/Events",
        MetricName="TriggeredRules",
        Dimensions=[{"Name": "RuleName", "Value": "job-failed"}],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=0.0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )
    events.put_events(Entries=[{"Source": "pipeline.test", "DetailType": "Glue Job State Change", "Detail": "{}"}] * 2)

    advance_time(60)

    described = cloudwatch.describe_alarms(AlarmNames=["etl-failed-tables"])["MetricAlarms"][0]
    assert described["StateValue"] == "ALARM"
    assert "[2.0 (" in described["StateReason"]


def test_moto_still_puts_no_triggered_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        moto_client("events").put_rule(Name="job-failed", EventPattern=PATTERN)
        moto_client("events").put_events(Entries=[{"Source": "pipeline.test", "DetailType": "Glue Job State Change", "Detail": "{}"}])
        still_lacking(moto_client("cloudwatch").list_metrics(Namespace="AWS/Events")["Metrics"] == [], "events/rule_metrics.py")
