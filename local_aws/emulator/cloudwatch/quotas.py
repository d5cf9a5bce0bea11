"""The limits of CloudWatch's PutMetricData
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html): "Each
request is also limited to no more than 1000 different metrics", "up to 30 dimensions per metric",
"up to 150 values per metric". moto 5.2 takes any number of each. Past them, `InvalidParameterValue`
in CloudWatch's words for an oversized collection, "The collection MetricData must not have a size
greater than 1000." (its wording since the limit was 20; for Values, "The collection
MetricData.member.1.Values must not have a size greater than 150.").
"""

from typing import Any

from moto.cloudwatch.exceptions import InvalidParameterValue
from moto.cloudwatch.models import CloudWatchBackend

METRIC_DATA_MAX = 1_000
DIMENSIONS_MAX = 30
VALUES_MAX = 150

_put_metric_data = CloudWatchBackend.put_metric_data


def _check_collection(items: list[Any], name: str, maximum: int) -> None:
    if len(items) > maximum:
        raise InvalidParameterValue(f"The collection {name} must not have a size greater than {maximum}.")


def check_metric_data(metric_data: list[dict[str, Any]]) -> None:
    _check_collection(metric_data, "MetricData", METRIC_DATA_MAX)
    for number, metric in enumerate(metric_data, start=1):
        _check_collection(metric.get("Dimensions") or [], f"MetricData.member.{number}.Dimensions", DIMENSIONS_MAX)
        _check_collection(metric.get("Values") or [], f"MetricData.member.{number}.Values", VALUES_MAX)


def _put_metric_data_within_limits(self: CloudWatchBackend, namespace: str, metric_data: list[dict[str, Any]]) -> None:
    check_metric_data(metric_data)
    _put_metric_data(self, namespace, metric_data)


def enforce_metric_data_limits() -> None:
    """Refuse PutMetricData past CloudWatch's limits; call once in the emulator process."""
    setattr(CloudWatchBackend, "put_metric_data", _put_metric_data_within_limits)  # noqa: B010
