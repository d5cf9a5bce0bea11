"""PutDashboard checks its DashboardBody as CloudWatch does; moto only parses it as JSON.

The structure is the one "Dashboard Body Structure and Syntax" documents
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
a JSON object with a required `widgets` array of 0 to 500 widgets; each widget a `type` among metric,
text, log, alarm and explorer, `x` 0-23 and `y` 0 or more (each required when the other is given),
`width` 1-24, `height` 1-1000, and a required `properties` object; a metric widget's properties a
`region` and, unless it has `annotations`, a `metrics` array of 0 to 500 entries, each a metric
(`[Namespace, MetricName, DimensionName, DimensionValue, ..., {rendering properties}]`: strings, the
rendering properties object only last) or an expression (`[{"expression": ...}]`); a text widget's
properties a `markdown`; an alarm widget's an `alarms` array.

A body that is not a JSON object is refused with "The field DashboardBody must be a valid JSON
object"; a body breaking the structure with CloudWatch's DashboardInvalidInputError (error code
InvalidParameterInput): "The dashboard body is invalid, there are <n> validation errors:" followed by
the errors as JSON, and the same errors as `dashboardValidationMessages` (DataPath, Message). The
messages are CloudWatch's own, in the JSON Schema validator's words it reports them with (as PutDashboard
answers through the SDKs and Terraform: "Should NOT have more than 500 items", "Should have required
property 'widgets'", "Invalid metric field type, only 'String' type is allowed"). A dashboard name is
1-255 characters of A-Z, a-z, 0-9, "-" and "_" (PutDashboard's DashboardName parameter), refused as
InvalidParameterValue in CloudWatch's words.
"""

import json
import re
from typing import Any

from moto.cloudwatch.exceptions import DashboardInvalidInputError, InvalidParameterValue
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

WIDGETS_MAX = 500
METRICS_MAX = 500
WIDGET_TYPES = ("metric", "text", "log", "alarm", "explorer")
DASHBOARD_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")


class DashboardBodyError(DashboardInvalidInputError):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        listed = json.dumps([{"dataPath": path, "message": message} for path, message in errors], indent=2)
        super().__init__(f"The dashboard body is invalid, there are {len(errors)} validation errors:\n{listed}")
        self.dashboardValidationMessages = [{"DataPath": path, "Message": message} for path, message in errors]


def _required(properties: dict[str, Any], name: str, path: str, errors: list[tuple[str, str]]) -> bool:
    if name not in properties:
        errors.append((path, f"Should have required property '{name}'"))
        return False
    return True


def _integer(widget: dict[str, Any], name: str, low: int, high: int | None, path: str, errors: list[tuple[str, str]]) -> None:
    if name not in widget:
        return
    value = widget[name]
    if not isinstance(value, int) or isinstance(value, bool):
        errors.append((f"{path}/{name}", "Should be integer"))
    elif value < low:
        errors.append((f"{path}/{name}", f"Should be >= {low}"))
    elif high is not None and value > high:
        errors.append((f"{path}/{name}", f"Should be <= {high}"))


def _metric_errors(metric: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(metric, list):
        return [(path, "Should be array")]
    if len(metric) == 1 and isinstance(metric[0], dict):
        return [] if "expression" in metric[0] else [(f"{path}/0", "Should have required property 'expression'")]
    errors = [
        (f"{path}/{index}", "Invalid metric field type, only 'String' type is allowed")
        for index, field in enumerate(metric)
        if not isinstance(field, str) and not (index == len(metric) - 1 and isinstance(field, dict))
    ]
    fields = metric[:-1] if metric and isinstance(metric[-1], dict) else metric
    if not errors and len(fields) < 2:
        errors.append((path, "Should NOT have fewer than 2 items"))
    return errors


def _widget_errors(widget: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(widget, dict):
        return [(path, "Should be object")]
    errors: list[tuple[str, str]] = []
    _required(widget, "type", path, errors)
    if "type" in widget and widget["type"] not in WIDGET_TYPES:
        errors.append((f"{path}/type", "Should be equal to one of the allowed values"))
    if "x" in widget:
        _required(widget, "y", path, errors)
    if "y" in widget:
        _required(widget, "x", path, errors)
    _integer(widget, "x", 0, 23, path, errors)
    _integer(widget, "y", 0, None, path, errors)
    _integer(widget, "width", 1, 24, path, errors)
    _integer(widget, "height", 1, 1000, path, errors)
    if not _required(widget, "properties", path, errors):
        return errors
    properties, at = widget["properties"], f"{path}/properties"
    if not isinstance(properties, dict):
        return [*errors, (at, "Should be object")]
    if widget.get("type") == "metric":
        _required(properties, "region", at, errors)
        if "annotations" not in properties and _required(properties, "metrics", at, errors):
            metrics = properties["metrics"]
            if not isinstance(metrics, list):
                errors.append((f"{at}/metrics", "Should be array"))
            elif len(metrics) > METRICS_MAX:
                errors.append((f"{at}/metrics", f"Should NOT have more than {METRICS_MAX} items"))
            else:
                for number, metric in enumerate(metrics):
                    errors += _metric_errors(metric, f"{at}/metrics/{number}")
    elif widget.get("type") == "text":
        _required(properties, "markdown", at, errors)
    elif widget.get("type") == "alarm":
        _required(properties, "alarms", at, errors)
    return errors


def body_errors(body: dict[str, Any]) -> list[tuple[str, str]]:
    """What CloudWatch finds wrong with a dashboard body that is a JSON object, in its words."""
    errors: list[tuple[str, str]] = []
    if not _required(body, "widgets", "", errors):
        return errors
    widgets = body["widgets"]
    if not isinstance(widgets, list):
        return [("/widgets", "Should be array")]
    if len(widgets) > WIDGETS_MAX:
        return [("/widgets", f"Should NOT have more than {WIDGETS_MAX} items")]
    for number, widget in enumerate(widgets):
        errors += _widget_errors(widget, f"/widgets/{number}")
    return errors


def check_dashboard(name: str, body: str) -> None:
    if not DASHBOARD_NAME.fullmatch(name or ""):
        raise InvalidParameterValue(
            "The value for field DashboardName contains invalid characters. "
            "It can only contain alphanumerics, dash (-) and underscore (_).\n"
        )
    try:
        parsed = json.loads(body or "")
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise DashboardInvalidInputError("The field DashboardBody must be a valid JSON object")
    errors = body_errors(parsed)
    if errors:
        raise DashboardBodyError(errors)


def _put_dashboard(self: CloudWatchResponse) -> ActionResult:
    name, body = self._get_param("DashboardName"), self._get_param("DashboardBody")
    check_dashboard(name, body)
    self.cloudwatch_backend.put_dashboard(name, body)
    return ActionResult({"DashboardValidationMessages": []})


FILLS: list[tuple[type, str, Any]] = [(CloudWatchResponse, "put_dashboard", _put_dashboard)]
