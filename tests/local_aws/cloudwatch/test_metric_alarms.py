"""PutMetricAlarm as CloudWatch takes it (local_aws/emulator/cloudwatch/alarms.py)."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from tests.local_aws.moto_gaps import plain_moto, still_lacking


def alarm(**overrides: Any) -> dict[str, Any]:
    return {
        "AlarmName": "etl-failed-tables",
        "Namespace": "GlueEtlPipeline",
        "MetricName": "FailedTables",
        "Dimensions": [{"Name": "Pipeline", "Value": "etl"}],
        "Statistic": "Maximum",
        "Period": 300,
        "EvaluationPeriods": 1,
        "Threshold": 0.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        **overrides,
    }


def refusal(**overrides: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as error:
        client("cloudwatch").put_metric_alarm(**alarm(**overrides))
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def state(name: str = "etl-failed-tables") -> tuple[str, str]:
    described = client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    return described["StateValue"], described["StateReason"]


def test_a_new_alarm_starts_with_insufficient_data(clean_emulator: str) -> None:
    client("cloudwatch").put_metric_alarm(**alarm(TreatMissingData="missing"))

    assert state() == ("INSUFFICIENT_DATA", "Unchecked: Initial alarm creation")


def test_an_updated_alarm_keeps_its_state(clean_emulator: str) -> None:
    cloudwatch = client("cloudwatch")
    # Missing data ignored: no evaluation of this dataless alarm can change its state meanwhile.
    cloudwatch.put_metric_alarm(**alarm(TreatMissingData="ignore"))
    cloudwatch.set_alarm_state(AlarmName="etl-failed-tables", StateValue="ALARM", StateReason="a table failed")

    cloudwatch.put_metric_alarm(**alarm(TreatMissingData="ignore", Threshold=1.0))

    assert state() == ("ALARM", "a table failed")


def test_a_week_of_evaluation_is_taken_and_more_refused(clean_emulator: str) -> None:
    client("cloudwatch").put_metric_alarm(**alarm(Period=3600, EvaluationPeriods=168))

    assert refusal(Period=3600, EvaluationPeriods=169) == (
        "ValidationError",
        "Metrics cannot be checked across more than a week (EvaluationPeriods * Period must be <= 604800) for alarms using period >= 3600",
    )


def test_a_period_under_an_hour_is_evaluated_over_a_day_at_most(clean_emulator: str) -> None:
    client("cloudwatch").put_metric_alarm(**alarm(Period=60, EvaluationPeriods=1440))

    assert refusal(Period=60, EvaluationPeriods=1441)[0] == "ValidationError"


def test_datapoints_to_alarm_over_evaluation_periods_is_refused(clean_emulator: str) -> None:
    assert refusal(EvaluationPeriods=2, DatapointsToAlarm=3) == (
        "ValidationError",
        "DatapointsToAlarm must be less than or equal to EvaluationPeriods",
    )


@pytest.mark.parametrize("period", [45, 90])
def test_a_period_other_than_10_20_30_or_a_multiple_of_60_is_refused(clean_emulator: str, period: int) -> None:
    assert refusal(Period=period)[0] == "ValidationError"


def test_an_unknown_statistic_is_refused(clean_emulator: str) -> None:
    code, message = refusal(Statistic="Max")

    assert code == "ValidationError"
    assert message.startswith(
        "1 validation error detected: Value 'Max' at 'statistic' failed to satisfy constraint: Member must satisfy enum value set:"
    )


def test_an_unknown_treatment_of_missing_data_is_refused(clean_emulator: str) -> None:
    assert refusal(TreatMissingData="notbreaching")[0] == "ValidationError"


def test_moto_still_starts_a_new_alarm_in_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        cloudwatch = moto_client("cloudwatch")
        cloudwatch.put_metric_alarm(**alarm())
        still_lacking(cloudwatch.describe_alarms()["MetricAlarms"][0]["StateValue"] == "OK", "cloudwatch/alarms.py")
