"""CloudWatch's limits on PutMetricData: 1,000 metrics a call, 30 dimensions and 150 values a metric."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client


def metric(number: int, dimensions: int = 1, values: int = 0) -> dict[str, Any]:
    datum: dict[str, Any] = {
        "MetricName": f"rows_{number}",
        "Dimensions": [{"Name": f"d{index}", "Value": "v"} for index in range(dimensions)],
    }
    if values:
        datum["Values"] = [float(index) for index in range(values)]
    else:
        datum["Value"] = 1.0
    return datum


def refused(metric_data: list[dict[str, Any]]) -> tuple[str, str]:
    with pytest.raises(ClientError) as error:
        client("cloudwatch").put_metric_data(Namespace="ETL", MetricData=metric_data)
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_1000_metrics_are_taken_in_one_call_and_1001_refused(clean_emulator: str) -> None:
    client("cloudwatch").put_metric_data(Namespace="ETL", MetricData=[metric(number) for number in range(1000)])

    assert refused([metric(number) for number in range(1001)]) == (
        "InvalidParameterValue",
        "The collection MetricData must not have a size greater than 1000.",
    )


def test_30_dimensions_are_taken_on_a_metric_and_31_refused(clean_emulator: str) -> None:
    client("cloudwatch").put_metric_data(Namespace="ETL", MetricData=[metric(1, dimensions=30)])

    assert refused([metric(1), metric(2, dimensions=31)]) == (
        "InvalidParameterValue",
        "The collection MetricData.member.2.Dimensions must not have a size greater than 30.",
    )


def test_150_values_are_taken_on_a_metric_and_151_refused(clean_emulator: str) -> None:
    client("cloudwatch").put_metric_data(Namespace="ETL", MetricData=[metric(1, values=150)])

    assert refused([metric(1, values=151)]) == (
        "InvalidParameterValue",
        "The collection MetricData.member.1.Values must not have a size greater than 150.",
    )
