"""The limits of CloudWatch's PutMetricData
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html): "Each
request is also limited to no more than 1000 different metrics", "up to 30 dimensions per metric",
"up to 150 values per metric", "Each PutMetricData request is limited to 1 MB in size for HTTP POST
requests". moto 5.2 takes any number and size. Past the counts, `InvalidParameterValue` in
CloudWatch's words for an oversized collection, "The collection MetricData must not have a size
greater than 1000." (its wording since the limit was 20; for Values, "The collection
MetricData.member.1.Values must not have a size greater than 150."); past the size, HTTP 413
`RequestEntityTooLarge` "Request size <n> exceeded 1048576 bytes", as CloudWatch answers it (in
JSON to the SDKs that send JSON or CBOR, as moto answers them; in the query protocol's XML otherwise).
"""

import uuid
from typing import Any
from xml.sax.saxutils import escape

from moto.cloudwatch.exceptions import InvalidParameterValue
from moto.cloudwatch.models import CloudWatchBackend
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.exceptions import JsonRESTError, _RESTError

METRIC_DATA_MAX = 1_000
DIMENSIONS_MAX = 30
VALUES_MAX = 150
REQUEST_MAX_BYTES = 1024 * 1024

_put_metric_data = CloudWatchBackend.put_metric_data
_put_metric_data_request = CloudWatchResponse.put_metric_data


class QueryRequestEntityTooLarge(_RESTError):
    code = 413

    def __init__(self, message: str) -> None:
        super().__init__("RequestEntityTooLarge", message)
        self.description = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )


def request_too_large(size: int, json_request: bool) -> Exception:
    message = f"Request size {size} exceeded {REQUEST_MAX_BYTES} bytes"
    if json_request:
        error = JsonRESTError("RequestEntityTooLarge", message)
        error.code = 413
        return error
    return QueryRequestEntityTooLarge(message)


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


def _put_metric_data_request_within_size(self: CloudWatchResponse) -> Any:
    # The SDKs gzip a PutMetricData body, which moto has unzipped by now: the size counted is the
    # unzipped one (the page does not say which counts). A form-encoded (query) body is parsed into
    # the parameters before this runs: its length is the header's.
    size = max(len(self.raw_body or b""), int(self.headers.get("Content-Length") or 0))
    if size > REQUEST_MAX_BYTES:
        headers = {name.lower() for name, _ in self.headers.items()}
        raise request_too_large(size, json_request=bool(headers & {"smithy-protocol", "x-amz-target"}))
    return _put_metric_data_request(self)


def enforce_metric_data_limits() -> None:
    """Refuse PutMetricData past CloudWatch's limits; call once in the emulator process."""
    setattr(CloudWatchBackend, "put_metric_data", _put_metric_data_within_limits)  # noqa: B010
    setattr(CloudWatchResponse, "put_metric_data", _put_metric_data_request_within_size)  # noqa: B010
