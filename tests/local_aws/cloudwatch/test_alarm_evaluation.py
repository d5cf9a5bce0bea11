"""Metric alarms evaluated on the emulated clock against the datapoints put, their state changes
notified to their topics (local_aws/emulator/cloudwatch/alarm_evaluation.py, alarm_notifications.py)."""

import json
from typing import Any

from local_aws.clients import client
from local_aws.control import advance_time

MINUTE, HOUR = 60, 3600
PIPELINE = [{"Name": "Pipeline", "Value": "etl"}]


def notifications(queue: str) -> list[dict[str, Any]]:
    """The SNS envelopes the queue received, consumed."""
    sqs = client("sqs")
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in messages]


def put(metric: str, value: float) -> None:
    datum = {"MetricName": metric, "Dimensions": PIPELINE, "Value": value}
    client("cloudwatch").put_metric_data(Namespace="GlueEtlPipeline", MetricData=[datum])


def state(name: str) -> tuple[str, str]:
    described = client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    return described["StateValue"], described["StateReason"]


def failed_tables_alarm(topic: str) -> None:
    client("cloudwatch").put_metric_alarm(
        AlarmName="etl-failed-tables",
        AlarmDescription="A table failed: read the run report.",
        Namespace="GlueEtlPipeline",
        MetricName="FailedTables",
        Dimensions=PIPELINE,
        Statistic="Maximum",
        Period=MINUTE,
        EvaluationPeriods=1,
        Threshold=0.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
        OKActions=[topic],
    )


def test_a_failed_tables_alarm_goes_to_alarm_after_a_datapoint_of_1_and_notifies_its_topic(topic_queue: tuple[str, str]) -> None:
    topic, queue = topic_queue
    failed_tables_alarm(topic)
    put("FailedTables", 1.0)

    advance_time(MINUTE)

    value, reason = state("etl-failed-tables")
    assert value == "ALARM"
    assert reason.startswith("Threshold Crossed: 1 out of the last 1 datapoints [1.0 (")
    assert reason.endswith(")] was greater than the threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition).")
    [envelope] = notifications(queue)
    assert envelope["Subject"] == 'ALARM: "etl-failed-tables" in US East (N. Virginia)'
    message = json.loads(envelope["Message"])
    shown = ("AlarmName", "AlarmDescription", "NewStateValue", "NewStateReason", "OldStateValue", "Region")
    assert {key: message[key] for key in shown} == {
        "AlarmName": "etl-failed-tables",
        "AlarmDescription": "A table failed: read the run report.",
        "NewStateValue": "ALARM",
        "NewStateReason": reason,
        "OldStateValue": "INSUFFICIENT_DATA",
        "Region": "US East (N. Virginia)",
    }
    assert message["Trigger"] | {"Dimensions": None} == {
        "MetricName": "FailedTables",
        "Namespace": "GlueEtlPipeline",
        "StatisticType": "Statistic",
        "Statistic": "MAXIMUM",
        "Unit": None,
        "Dimensions": None,
        "Period": 60,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": 0.0,
        "TreatMissingData": "missing",
        "EvaluateLowSampleCountPercentile": "",
    }
    assert message["Trigger"]["Dimensions"] == [{"value": "etl", "name": "Pipeline"}]


def test_the_alarm_goes_back_to_ok_when_no_table_fails_and_notifies_its_ok_actions(topic_queue: tuple[str, str]) -> None:
    topic, queue = topic_queue
    failed_tables_alarm(topic)
    put("FailedTables", 1.0)
    advance_time(MINUTE)
    notifications(queue)
    put("FailedTables", 0.0)

    advance_time(MINUTE)

    value, reason = state("etl-failed-tables")
    assert value == "OK"
    assert reason.startswith("Threshold Crossed: 1 datapoint [0.0 (") and reason.endswith(")] was not greater than the threshold (0.0).")
    [envelope] = notifications(queue)
    assert (json.loads(envelope["Message"])["OldStateValue"], json.loads(envelope["Message"])["NewStateValue"]) == ("ALARM", "OK")


def test_a_datapoint_of_another_metric_or_dimension_does_not_count(topic_queue: tuple[str, str]) -> None:
    topic, queue = topic_queue
    failed_tables_alarm(topic)
    client("cloudwatch").put_metric_data(
        Namespace="GlueEtlPipeline",
        MetricData=[{"MetricName": "FailedTables", "Dimensions": [*PIPELINE, {"Name": "Table", "Value": "customers"}], "Value": 1.0}],
    )

    advance_time(MINUTE)

    assert state("etl-failed-tables") == ("INSUFFICIENT_DATA", "Unchecked: Initial alarm creation")
    assert notifications(queue) == []


def freshness_alarm(topic: str, hours: int) -> None:
    client("cloudwatch").put_metric_alarm(
        AlarmName="etl-freshness",
        Namespace="GlueEtlPipeline",
        MetricName="SucceededTables",
        Dimensions=PIPELINE,
        Statistic="Sum",
        Period=HOUR,
        EvaluationPeriods=hours,
        Threshold=1.0,
        ComparisonOperator="LessThanThreshold",
        TreatMissingData="breaching",
        AlarmActions=[topic],
    )


def test_a_freshness_alarm_goes_to_alarm_once_the_last_success_has_left_its_evaluation_range(topic_queue: tuple[str, str]) -> None:
    topic, queue = topic_queue
    freshness_alarm(topic, hours=3)
    put("SucceededTables", 1.0)
    advance_time(MINUTE)
    value, reason = state("etl-freshness")
    assert value == "OK"
    assert reason.endswith(")] was not less than the threshold (1.0) and 2 missing datapoints were treated as [Breaching].")

    # The evaluation range is 3 + 2 hours: the success still counts 4 hours later,
    advance_time(4 * HOUR)
    assert state("etl-freshness")[0] == "OK"
    # and no longer once it is over 5 hours old.
    advance_time(HOUR)

    assert state("etl-freshness") == (
        "ALARM",
        "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching].",
    )
    [envelope] = notifications(queue)
    assert json.loads(envelope["Message"])["NewStateValue"] == "ALARM"


def test_a_freshness_alarm_with_no_success_ever_goes_to_alarm_at_its_first_evaluation(topic_queue: tuple[str, str]) -> None:
    topic, _ = topic_queue
    freshness_alarm(topic, hours=26)

    advance_time(MINUTE)

    assert state("etl-freshness") == (
        "ALARM",
        "Threshold Crossed: no datapoints were received for 26 periods and 26 missing datapoints were treated as [Breaching].",
    )


def test_an_alarm_on_missing_data_goes_to_insufficient_data_once_its_datapoints_are_out_of_range(topic_queue: tuple[str, str]) -> None:
    topic, _ = topic_queue
    failed_tables_alarm(topic)
    put("FailedTables", 1.0)
    advance_time(MINUTE)

    advance_time(3 * MINUTE)

    assert state("etl-failed-tables") == ("INSUFFICIENT_DATA", "Insufficient Data: 1 datapoint was unknown.")


def test_an_alarm_whose_actions_are_disabled_notifies_no_one(topic_queue: tuple[str, str]) -> None:
    topic, queue = topic_queue
    failed_tables_alarm(topic)
    client("cloudwatch").disable_alarm_actions(AlarmNames=["etl-failed-tables"])
    put("FailedTables", 1.0)

    advance_time(MINUTE)

    assert state("etl-failed-tables")[0] == "ALARM"
    assert notifications(queue) == []
