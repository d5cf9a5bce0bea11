"""An alarm's state change notified to the SNS topics among its actions: AlarmActions on entering
ALARM, OKActions on entering OK, InsufficientDataActions on entering INSUFFICIENT_DATA, none while
ActionsEnabled is false (PutMetricAlarm,
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html). The topic
gets CloudWatch's alarm message, the JSON AWS's own Lambda event library records
(https://github.com/aws/aws-lambda-go/blob/main/events/testdata/cloudwatch-alarm-sns-payload-single-metric.json):
AlarmName, AlarmDescription, AWSAccountId, AlarmConfigurationUpdatedTimestamp, NewStateValue,
NewStateReason, StateChangeTime, Region (its name, "US East (N. Virginia)"), AlarmArn,
OldStateValue, OKActions, AlarmActions, InsufficientDataActions and the Trigger (MetricName,
Namespace, StatisticType, Statistic in capitals, Unit, Dimensions as name/value, Period,
EvaluationPeriods, DatapointsToAlarm, ComparisonOperator, Threshold, TreatMissingData,
EvaluateLowSampleCountPercentile), under the subject `ALARM: "<name>" in <Region>`, cut to SNS's
100 characters. Published through the emulator's SNS, so subscriptions (an SQS queue) receive it,
unless the topic's policy does not allow cloudwatch.amazonaws.com to publish for the alarm, or its
customer-managed key does not let it (sns/service_publishes.py); then, as a failed action on AWS, the
topic gets nothing and the failure is logged in the words of the alarm's history (the emulator has
no DescribeAlarmHistory). Actions other than SNS topics (EC2, Auto Scaling, Lambda, Systems Manager)
are not emulated and are logged.
"""

import json
import logging
from datetime import UTC, datetime
from functools import cache
from typing import Any

from botocore.loaders import create_loader
from moto.cloudwatch.models import Alarm, CloudWatchBackend
from moto.sns.models import sns_backends
from moto.utilities.arns import parse_arn

from local_aws.emulator.sns.service_publishes import service_publish_refusal

logger = logging.getLogger(__name__)

SUBJECT_MAX = 100
CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"


@cache
def region_names() -> dict[str, str]:
    endpoints = create_loader().load_data("endpoints")
    return {code: region["description"] for partition in endpoints["partitions"] for code, region in partition["regions"].items()}


def _time(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


def alarm_message(backend: CloudWatchBackend, alarm: Alarm, old_state: str, at: datetime) -> dict[str, Any]:
    """CloudWatch's notification of `alarm`'s change from `old_state` to its state, at `at`."""
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": backend.account_id,
        "AlarmConfigurationUpdatedTimestamp": _time(alarm.configuration_updated_timestamp),
        "NewStateValue": alarm.state_value,
        "NewStateReason": alarm.state_reason,
        "StateChangeTime": _time(at),
        "Region": region_names().get(backend.region_name, backend.region_name),
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old_state,
        "OKActions": alarm.ok_actions,
        "AlarmActions": alarm.alarm_actions,
        "InsufficientDataActions": alarm.insufficient_data_actions,
        "Trigger": {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "StatisticType": "Statistic",
            "Statistic": str(alarm.statistic).upper(),
            "Unit": alarm.unit,
            "Dimensions": [{"value": dimension.value, "name": dimension.name} for dimension in alarm.dimensions],
            "Period": int(alarm.period),
            "EvaluationPeriods": int(alarm.evaluation_periods),
            "DatapointsToAlarm": int(alarm.datapoints_to_alarm or alarm.evaluation_periods),
            "ComparisonOperator": alarm.comparison_operator,
            "Threshold": float(alarm.threshold),
            "TreatMissingData": alarm.treat_missing_data or "missing",
            "EvaluateLowSampleCountPercentile": alarm.evaluate_low_sample_count_percentile or "",
        },
    }


def subject(backend: CloudWatchBackend, alarm: Alarm) -> str:
    region = region_names().get(backend.region_name, backend.region_name)
    return f'{alarm.state_value}: "{alarm.name}" in {region}'[:SUBJECT_MAX]


def notify_state_change(backend: CloudWatchBackend, alarm: Alarm, old_state: str, at: datetime) -> None:
    if not alarm.actions_enabled:
        return
    by_state = {"ALARM": alarm.alarm_actions, "OK": alarm.ok_actions, "INSUFFICIENT_DATA": alarm.insufficient_data_actions}
    actions = by_state[alarm.state_value]
    for action in actions:
        arn = parse_arn(action)
        if arn.service != "sns":
            logger.warning("alarm %s: no local action %s", alarm.name, action)
            continue
        refusal = service_publish_refusal(CLOUDWATCH_PRINCIPAL, action, alarm.alarm_arn)
        if refusal is not None:
            logger.warning('alarm %s: Failed to execute action %s. Received error: "%s"', alarm.name, action, refusal)
            continue
        message = json.dumps(alarm_message(backend, alarm, old_state, at))
        try:
            sns_backends[arn.account][arn.region].publish(message=message, arn=action, subject=subject(backend, alarm))
        except Exception as error:
            # CloudWatch records a failed action in the alarm's history; the evaluation goes on.
            logger.warning("alarm %s could not publish to %s: %s", alarm.name, action, error)
