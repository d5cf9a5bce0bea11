"""PutDashboard checks the dashboard body as CloudWatch does (local_aws/emulator/cloudwatch/dashboards.py)."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from tests.local_aws.moto_gaps import plain_moto, still_lacking


def metric_widget(*metrics: list[Any]) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": 0,
        "y": 0,
        "width": 12,
        "height": 6,
        "properties": {"metrics": list(metrics), "region": "us-east-1", "stat": "Sum", "period": 300, "title": "Rows"},
    }


ROWS = ["GlueEtlPipeline", "RawRows", "Pipeline", "etl", "Table", "customers", {"label": "raw"}]


def refused(body: str, name: str = "etl-pipeline") -> dict[str, Any]:
    with pytest.raises(ClientError) as error:
        client("cloudwatch").put_dashboard(DashboardName=name, DashboardBody=body)
    response: dict[str, Any] = error.value.response
    return response


def test_a_dashboard_is_stored_as_put(clean_emulator: str) -> None:
    cloudwatch = client("cloudwatch")
    rows = metric_widget(ROWS, [".", "CleansedRows", ".", ".", ".", "."])
    body = json.dumps({"widgets": [rows, {"type": "text", "properties": {"markdown": "# etl"}}]})

    answer = cloudwatch.put_dashboard(DashboardName="etl-pipeline", DashboardBody=body)

    assert answer["DashboardValidationMessages"] == []
    assert cloudwatch.get_dashboard(DashboardName="etl-pipeline")["DashboardBody"] == body
    assert [entry["DashboardName"] for entry in cloudwatch.list_dashboards()["DashboardEntries"]] == ["etl-pipeline"]


def test_a_body_that_is_not_a_json_object_is_refused(clean_emulator: str) -> None:
    response = refused('["widgets"]')

    assert (response["Error"]["Code"], response["Error"]["Message"]) == (
        "InvalidParameterInput",
        "The field DashboardBody must be a valid JSON object",
    )


def test_a_metric_whose_options_come_before_its_dimensions_is_refused_with_the_validation_messages(clean_emulator: str) -> None:
    response = refused(json.dumps({"widgets": [metric_widget(["GlueEtlPipeline", "RawRows", {"stat": "Sum"}, "Pipeline", "etl"])]}))

    assert response["Error"]["Code"] == "InvalidParameterInput"
    assert response["Error"]["Message"].startswith("The dashboard body is invalid, there are 1 validation errors:\n")
    assert response["dashboardValidationMessages"] == [
        {"DataPath": "/widgets/0/properties/metrics/0/2", "Message": "Invalid metric field type, only 'String' type is allowed"}
    ]


def test_a_body_without_widgets_is_refused(clean_emulator: str) -> None:
    response = refused(json.dumps({"start": "-PT6H"}))

    assert response["dashboardValidationMessages"] == [{"DataPath": "", "Message": "Should have required property 'widgets'"}]


def test_500_widgets_are_taken_and_501_refused(clean_emulator: str) -> None:
    widget = {"type": "text", "properties": {"markdown": "table"}}
    client("cloudwatch").put_dashboard(DashboardName="etl-pipeline", DashboardBody=json.dumps({"widgets": [widget] * 500}))

    response = refused(json.dumps({"widgets": [widget] * 501}))

    assert response["dashboardValidationMessages"] == [{"DataPath": "/widgets", "Message": "Should NOT have more than 500 items"}]


def test_a_widget_wider_than_the_grid_is_refused(clean_emulator: str) -> None:
    response = refused(json.dumps({"widgets": [{**metric_widget(ROWS), "width": 25}]}))

    assert response["dashboardValidationMessages"] == [{"DataPath": "/widgets/0/width", "Message": "Should be <= 24"}]


def test_a_dashboard_name_with_a_space_is_refused(clean_emulator: str) -> None:
    response = refused(json.dumps({"widgets": []}), name="etl pipeline")

    assert response["Error"]["Code"] == "InvalidParameterValue"
    assert response["Error"]["Message"].startswith("The value for field DashboardName contains invalid characters.")


def test_moto_still_takes_a_body_without_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        try:
            moto_client("cloudwatch").put_dashboard(DashboardName="etl-pipeline", DashboardBody="{}")
            taken = True
        except ClientError:
            taken = False
        still_lacking(taken, "cloudwatch/dashboards.py")
