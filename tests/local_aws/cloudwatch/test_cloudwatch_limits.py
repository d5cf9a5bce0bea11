"""CloudWatch's limits on PutMetricData: 1,000 metrics a call, 30 dimensions and 150 values a metric."""

import urllib.parse
from typing import Any

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from local_aws.clients import ADMINISTRATOR_KEY, client
from tests.session import TEST_REGION


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


def test_a_request_over_1_mb_is_refused(clean_emulator: str) -> None:
    cloudwatch = client("cloudwatch")
    # 1,000 metrics whose 30 dimensions make the request body well over 1 MB.
    metrics = [metric(number, dimensions=30) for number in range(1000)]
    for datum in metrics:
        datum["Dimensions"] = [{**dimension, "Value": "v" * 40} for dimension in datum["Dimensions"]]
    cloudwatch.put_metric_data(Namespace="ETL", MetricData=metrics[:300])

    with pytest.raises(ClientError) as error:
        cloudwatch.put_metric_data(Namespace="ETL", MetricData=metrics)

    assert (error.value.response["Error"]["Code"], error.value.response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "RequestEntityTooLarge",
        413,
    )
    assert error.value.response["Error"]["Message"].endswith("exceeded 1048576 bytes")


def test_a_query_protocol_request_over_1_mb_is_refused_in_xml(clean_emulator: str) -> None:
    form = {"Action": "PutMetricData", "Version": "2010-08-01", "Namespace": "ETL"}
    for number in range(1, 1001):
        form[f"MetricData.member.{number}.MetricName"] = f"rows_{number}"
        form[f"MetricData.member.{number}.Value"] = "1"
        form[f"MetricData.member.{number}.Dimensions.member.1.Name"] = "table"
        form[f"MetricData.member.{number}.Dimensions.member.1.Value"] = "t" * 1000
    request = AWSRequest(
        method="POST", url=clean_emulator, data=urllib.parse.urlencode(form), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    SigV4Auth(Credentials(ADMINISTRATOR_KEY, ADMINISTRATOR_KEY), "monitoring", TEST_REGION).add_auth(request)

    response = requests.post(clean_emulator, data=request.body, headers=dict(request.headers))

    assert response.status_code == 413
    assert "<Code>RequestEntityTooLarge</Code>" in response.text
