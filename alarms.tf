################################################################################
# Alarms on the pipeline's and AWS's metrics (var.alarms), each to the notification topic on ALARM, and on OK
# with alarms.notify_ok: CloudWatch sends OK on any move to OK, the first one out of INSUFFICIENT_DATA
# after a deployment included, so the recovery notices are opt-in.
# Each watches one metric (no metric math). PutMetricAlarm's rules
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html): Period 10,
# 20, 30 or a multiple of 60 seconds; Period x EvaluationPeriods at most 86,400 s when Period is under
# an hour, 604,800 s otherwise; AlarmDescription at most 1,024 characters; TreatMissingData breaching,
# notBreaching, ignore (the state is kept) or missing; at most 5 AlarmActions and 5 OKActions.
################################################################################

locals {
  # The hours between two scheduled runs: a rate's, 24 for a cron expression that runs every day
  # (any day of the month and of the week), null when unknown (a cron of some days only, or no
  # schedule). Schedule expressions: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
  schedule_rate  = try(regex("^rate\\((\\d+) (minute|hour|day)s?\\)$", var.schedule_expression), null)
  schedule_cron  = try(split(" ", regex("^cron\\((.+)\\)$", var.schedule_expression)[0]), null)
  schedule_daily = try(contains(["*", "?"], local.schedule_cron[2]) && contains(["*", "?"], local.schedule_cron[4]), false)
  schedule_hours = local.schedule_rate != null ? tonumber(local.schedule_rate[0]) * { minute = 1 / 60, hour = 1, day = 24 }[local.schedule_rate[1]] : (local.schedule_daily ? 24 : null)
  # Two hours past the schedule's interval, at least 26 (a daily run may start late).
  freshness_hours = coalesce(var.alarms.freshness.hours, local.schedule_hours == null ? 26 : max(26, ceil(local.schedule_hours) + 2))

  # run_duration and freshness left unset follow the pipeline: a run duration only Step Functions
  # reports, and freshness needs runs to come on their own, at least once a week (a schedule whose
  # interval the alarm's 7 days at most can cover). A Glue workflow's failed crawls have a rule of
  # their own, watched with its failed jobs.
  alarms_on = {
    failed_tables    = var.alarms.failed_tables.enabled
    failed_crawls    = var.alarms.failed_tables.enabled && local.workflow_mode && local.lake_crawls
    quarantine_ratio = var.alarms.quarantine_ratio.enabled
    run_duration     = !local.workflow_mode && coalesce(var.alarms.run_duration.enabled, true)
    freshness        = coalesce(var.alarms.freshness.enabled, local.schedule_hours != null && local.freshness_hours <= 168)
  }
  created_alarms = var.enabled ? sort([for key, on in local.alarms_on : key if on]) : []
  # Below max_quarantine_ratio: a table past that gate fails and publishes no ratio.
  quarantine_ratio_threshold = coalesce(var.alarms.quarantine_ratio.threshold, var.max_quarantine_ratio == null ? 0.2 : min(0.2, var.max_quarantine_ratio / 2))
  alarm_names                = { for key in keys(local.alarms_on) : key => "${var.name_prefix}-pipeline-${replace(key, "_", "-")}" }
  alarm_arns                 = { for key, name in local.alarm_names : key => "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${name}" }
  pipeline_dimensions        = tomap({ Pipeline = var.name_prefix })
  # Each failure rule's own name; the name it would have when the module is disabled (no rule, no alarm).
  failure_rule_names = { for kind in ["job", "crawl"] : kind => coalesce(one([for key, rule in aws_cloudwatch_event_rule.workflow_step_failed : rule.name if key == kind]), "${var.name_prefix}-workflow-${kind}-failed") }
  state_machine_arn  = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${local.names.state_machine}"
  run_command        = local.workflow_mode ? "aws glue start-workflow-run --name ${local.names.workflow}" : "aws stepfunctions start-execution --state-machine-arn <state_machine_arn output>"

  # Single-metric alarms, each evaluated over 5-minute periods but freshness (hours). A failure
  # counts when it happens: an ended run, a matched rule (no point means no failure, notBreaching),
  # and is forgotten once out of CloudWatch's evaluation range, a few periods; a per-run figure
  # ("ignore") keeps the state the last run set until the next run reports.
  # AWS/States metrics (dimension StateMachineArn): https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
  # AWS/Events TriggeredRules (dimension RuleName): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
  failure_alarm = {
    statistic           = "Sum"
    comparison_operator = "GreaterThanThreshold"
    threshold           = 0
    period              = 300
    evaluation_periods  = 1
    treat_missing_data  = "notBreaching"
  }
  alarm_definitions = {
    failed_tables = merge(local.failure_alarm, local.workflow_mode ? {
      namespace   = "AWS/Events"
      metric_name = "TriggeredRules"
      dimensions  = tomap({ RuleName = local.failure_rule_names.job })
      description = "A Glue job run of the ${var.name_prefix} workflow failed, timed out or was stopped (EventBridge rule ${local.failure_rule_names.job} matched; with job_max_retries, also an attempt Glue then retried): the stages after it did not run for any table. The message on this topic names the job, its run and error. Fix the cause (aws glue get-job-run --job-name <job> --run-id <run>: its ErrorMessage, and the job's logs under /aws-glue/jobs/${var.name_prefix}/), then start a new run: ${local.run_command}. Back to OK when no job run has failed for a few 5-minute periods."
      } : {
      namespace   = "AWS/States"
      metric_name = "ExecutionsFailed"
      dimensions  = tomap({ StateMachineArn = local.state_machine_arn })
      description = "A run of the ${var.name_prefix} pipeline failed (ExecutionsFailed of the state machine ${local.names.state_machine}): a table failed (the others are published), or a crawl or the report failed. The failure message on this topic, and the execution's output (aws stepfunctions describe-execution), name the step, the error and each failed table. Fix the cause (the job run's ErrorMessage: aws glue get-job-run; the job's logs under /aws-glue/jobs/${var.name_prefix}/), then start a new run: ${local.run_command}. A run that times out alerts on this topic as TIMED_OUT. Back to OK when no run has failed for a few 5-minute periods."
    })
    failed_crawls = merge(local.failure_alarm, {
      namespace   = "AWS/Events"
      metric_name = "TriggeredRules"
      dimensions  = tomap({ RuleName = local.failure_rule_names.crawl })
      description = "A crawl of the ${var.name_prefix} workflow failed (EventBridge rule ${local.failure_rule_names.crawl} matched): the stages after it did not run for any table. The message on this topic names the crawler and its error. Fix the cause (aws glue get-crawler --name <crawler>: LastCrawl's ErrorMessage, and its logs under /aws-glue/crawlers), then start a new run: ${local.run_command}. Back to OK when no crawl has failed for a few 5-minute periods."
    })
    quarantine_ratio = {
      namespace           = local.metrics_namespace
      metric_name         = "QuarantineRatio"
      dimensions          = local.pipeline_dimensions
      statistic           = "Maximum"
      comparison_operator = "GreaterThanThreshold"
      threshold           = local.quarantine_ratio_threshold
      period              = 300
      evaluation_periods  = 1
      treat_missing_data  = "ignore"
      description         = "A table of the ${var.name_prefix} pipeline quarantined more than ${local.quarantine_ratio_threshold * 100}% of its input rows in a run (QuarantineRatio). Its valid rows were published, but the source may be sending bad data. Find the table on the dashboard ${local.dashboard_name} (its QuarantinedRows), read its quarantined rows and their _reject_reason under quarantine/${var.name_prefix}/<table>/run_id=<run>/ in the data lake bucket (and the run report's quarantined_by_reason), then fix the source's data or the table's cleansing rules (tables input). Back to OK when a later table's ratio is under the threshold."
    }
    run_duration = {
      namespace           = local.metrics_namespace
      metric_name         = "RunSeconds"
      dimensions          = local.pipeline_dimensions
      statistic           = "Maximum"
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.alarms.run_duration.threshold_minutes * 60
      period              = 300
      evaluation_periods  = 1
      treat_missing_data  = "ignore"
      description         = "A run of the ${var.name_prefix} pipeline took more than ${var.alarms.run_duration.threshold_minutes} minutes from its start to its report (RunSeconds). Its data is published if its tables succeeded, but later runs may overlap or miss their window. See on the dashboard ${local.dashboard_name} which stage grew (more rows, a slow crawl, Glue capacity) and in the execution's history which table; raise number_of_workers or max_concurrency, or alarms.run_duration.threshold_minutes if the growth is expected. A run that never reaches its report alerts on this topic as TIMED_OUT instead."
    }
    freshness = {
      namespace           = local.metrics_namespace
      metric_name         = "SucceededTables"
      dimensions          = local.pipeline_dimensions
      statistic           = "Sum"
      comparison_operator = "LessThanThreshold"
      threshold           = 1
      period              = 3600
      # ALARM when every hour of the window had no success; an hour without data counts as none.
      evaluation_periods = local.freshness_hours
      treat_missing_data = "breaching"
      description        = "No table of the ${var.name_prefix} pipeline has succeeded in any run for at least ${local.freshness_hours} hours (SucceededTables, no data counted as no success): its cleansed tables are getting stale. Check that runs start (${local.workflow_mode ? "the workflow's start trigger ${var.name_prefix}-start" : "the schedule rule ${var.name_prefix}-pipeline-schedule"} is enabled, or whoever starts the runs) and whether they fail (the failed_tables alarm and the failure messages on this topic); then start a run: ${local.run_command}. In ALARM from deployment until the first successful run."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "pipeline" {
  for_each = { for key in local.created_alarms : key => local.alarm_definitions[key] }

  alarm_name          = local.alarm_names[each.key]
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  comparison_operator = each.value.comparison_operator
  threshold           = each.value.threshold
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.evaluation_periods
  treat_missing_data  = each.value.treat_missing_data
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.notifications[0].arn]
  ok_actions          = var.alarms.notify_ok ? [aws_sns_topic.notifications[0].arn] : []
  tags                = local.tags

  lifecycle {
    # RunSeconds is put by the report, at the end of a run: a threshold past the execution's timeout
    # could never be crossed (the run would time out first, and alert as TIMED_OUT).
    precondition {
      condition     = each.key != "run_duration" || var.alarms.run_duration.threshold_minutes * 60 < local.execution_timeout_seconds
      error_message = "alarms.run_duration.threshold_minutes (${var.alarms.run_duration.threshold_minutes}) must be under the state machine's timeout, ${floor(local.execution_timeout_seconds / 60)} minutes (its job and crawl timeouts): a run that long times out before its report, so this alarm could never fire. Lower the threshold."
    }
    # PutMetricAlarm: Period x EvaluationPeriods at most 604,800 s (7 days) for hour-long periods.
    precondition {
      condition     = each.key != "freshness" || local.freshness_hours <= 168
      error_message = "alarms.freshness needs hours of at most 168 (CloudWatch evaluates an alarm over 7 days at most), and schedule_expression (${coalesce(var.schedule_expression, "none")}) runs less often: two hours past its interval is ${local.freshness_hours}. Set alarms.freshness.enabled = false, or hours to at most 168."
    }
    # A window no longer than the schedule's interval is without a success between two good runs.
    precondition {
      condition     = each.key != "freshness" || local.schedule_hours == null || local.freshness_hours > coalesce(local.schedule_hours, 0)
      error_message = "alarms.freshness.hours (${local.freshness_hours}) must be more than the ${coalesce(local.schedule_hours, 0)} hours between two runs of schedule_expression (${coalesce(var.schedule_expression, "none")}): the alarm would fire between two good runs. Raise hours (at most 168), or leave it unset to follow the schedule."
    }
  }
}
