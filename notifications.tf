resource "aws_sns_topic" "notifications" {
  count = var.enabled ? 1 : 0

  name              = local.names.notification_topic
  display_name      = "${var.name_prefix} pipeline notifications"
  kms_master_key_id = var.kms_key_arn
  tags              = local.tags

  #checkov:skip=CKV_AWS_26:Encrypted with kms_key_arn when given. The AWS-managed SNS key cannot be used: EventBridge could not publish the timeout notifications.
}

data "aws_iam_policy_document" "notification_topic" {
  count = var.enabled ? 1 : 0

  source_policy_documents = data.aws_iam_policy_document.alarm_notifications[*].json

  statement {
    sid       = "EventBridgePublishesTimedOutAndAbortedRuns"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.notifications[0].arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = concat(aws_cloudwatch_event_rule.run_ended_abnormally[*].arn, [for rule in aws_cloudwatch_event_rule.workflow_step_failed : rule.arn])
    }
  }
}

# The topic's own policy replaces SNS's default (which lets the account's principals publish), so the
# alarms (alarms.tf) publish through this grant to the CloudWatch service principal
# (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html). The ARNs are built
# from the names, so that the grant is known at plan.
data "aws_iam_policy_document" "alarm_notifications" {
  count = length(local.created_alarms) > 0 ? 1 : 0

  statement {
    sid       = "CloudWatchAlarmsPublishTheirStateChanges"
    actions   = ["sns:Publish"]
    resources = ["arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.names.notification_topic}"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [for key in local.created_alarms : local.alarm_arns[key]]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "notifications" {
  count = var.enabled ? 1 : 0

  arn    = aws_sns_topic.notifications[0].arn
  policy = data.aws_iam_policy_document.notification_topic[0].json
}

resource "aws_sns_topic_subscription" "notification_emails" {
  for_each = var.enabled ? toset(var.notification_emails) : toset([])

  topic_arn = aws_sns_topic.notifications[0].arn
  protocol  = "email"
  endpoint  = each.value
}

# A run that times out or is stopped never reaches the state machine's own failure path.
resource "aws_cloudwatch_event_rule" "run_ended_abnormally" {
  count = local.step_functions ? 1 : 0

  name        = "${var.name_prefix}-pipeline-timed-out-or-aborted"
  description = "Notifies when a run of the ${var.name_prefix} pipeline times out or is aborted."
  event_pattern = jsonencode({
    source      = ["aws.states"]
    detail-type = ["Step Functions Execution Status Change"]
    detail = {
      stateMachineArn = [aws_sfn_state_machine.pipeline[0].arn]
      status          = ["TIMED_OUT", "ABORTED"]
    }
  })
  tags = local.tags
}

resource "aws_cloudwatch_event_target" "run_ended_abnormally" {
  count = local.step_functions ? 1 : 0

  rule = aws_cloudwatch_event_rule.run_ended_abnormally[0].name
  arn  = aws_sns_topic.notifications[0].arn
}
