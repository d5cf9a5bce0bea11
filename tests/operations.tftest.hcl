# The operator's view (issue #30) at plan level, offline: the dashboard names exactly the metrics the
# pipeline publishes in each way of running (the run report: lambdas/report_run.py; a workflow's
# cleanse jobs: glue_scripts/cleanse_job.py; EventBridge's TriggeredRules), the same widgets in both;
# each alarm's metric, threshold and actions; the switches; the refusals (their messages:
# tests/test_static.py); and the module's maximum of 50 tables within CloudWatch's dashboard quotas.
# Run by `terraform test` (and by tests/test_static.py in `make test`), with module_plan's provider
# setup (the mocks in tests/mocks); the run that reads the topic's rendered policy uses the real
# provider, aws.offline, which renders policy documents locally and calls nothing.

mock_provider "aws" {
  source = "./tests/mocks"
}

provider "aws" {
  alias                       = "offline"
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 1
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
  }
}

variables {
  name_prefix          = "plan-test"
  source_database_name = "plan_test"
  tables = {
    customers = { key_columns = ["id"], source_table = "source_customers" }
    orders    = { key_columns = ["order_id"], source_table = "source_orders" }
  }
}

run "a_step_functions_dashboard_names_exactly_what_the_run_report_puts" {
  command = plan

  assert {
    # Each metric as "<namespace> <name> <dimension> <value> ...": what PutMetricData puts under.
    condition = toset(flatten([
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets : [
        for metric in widget.properties.metrics : join(" ", [for part in metric : part if can(tostring(part))])
      ] if widget.type == "metric"
      ])) == toset(concat(
      [
        for metric in [
          "FailedTables", "SucceededTables", "QuarantineRatio", "RunSeconds", "EstimatedCost",
          "ExtractTablesSeconds", "RawCrawlerSeconds", "CleanseTablesSeconds", "CleansedCrawlerSeconds",
        ] : "GlueEtlPipeline ${metric} Pipeline plan-test"
      ],
      flatten([
        for table in ["customers", "orders"] : [
          for metric in ["SourceRowsRead", "RawRows", "CleansedRows", "QuarantinedRows", "DuplicatesRemoved"] :
          "GlueEtlPipeline ${metric} Pipeline plan-test Table ${table}"
        ]
      ]),
      ["AWS/States ExecutionsFailed StateMachineArn arn:aws:states:eu-west-1:123456789012:stateMachine:plan-test-pipeline"],
    ))
    error_message = "The report's metrics, each stage's seconds (both crawls with Parquet and crawlers), each table's funnel and the state machine's failed runs; nothing the report does not put."
  }

  assert {
    condition = [
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets :
      widget.type == "metric" ? widget.properties.title : split("\n", widget.properties.markdown)[0]
      if widget.type != "alarm"
      ] == [
      "## plan-test pipeline",
      "Tables succeeded and failed per run",
      "Quarantine ratio: the run's highest table",
      "Run duration, seconds (Step Functions runs)",
      "Stage durations, seconds (Step Functions runs)",
      "Estimated cost per run, USD (Step Functions runs)",
      "Rows of customers: source, raw, cleansed, quarantined",
      "Rows of orders: source, raw, cleansed, quarantined",
    ]
    error_message = "The header, the run figures, then one widget per table."
  }

  assert {
    condition = alltrue([
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets :
      widget.properties.region == "eu-west-1" && widget.properties.view == "timeSeries" if widget.type == "metric"
    ])
    error_message = "Every graph reads the pipeline's own region."
  }

  assert {
    condition     = aws_cloudwatch_dashboard.pipeline[0].dashboard_name == "plan-test-pipeline"
    error_message = "The dashboard is <name_prefix>-pipeline."
  }
}

run "a_glue_workflow_dashboard_has_the_same_widgets_naming_only_what_a_workflow_publishes" {
  command = plan

  variables {
    orchestration = "glue_workflow"
  }

  assert {
    condition = toset(flatten([
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets : [
        for metric in widget.properties.metrics : join(" ", [for part in metric : part if can(tostring(part))])
      ] if widget.type == "metric"
      ])) == toset(concat(
      [
        "GlueEtlPipeline SucceededTables Pipeline plan-test",
        "GlueEtlPipeline QuarantineRatio Pipeline plan-test",
        "AWS/Events TriggeredRules RuleName ${aws_cloudwatch_event_rule.workflow_step_failed["job"].name}",
        "AWS/Events TriggeredRules RuleName ${aws_cloudwatch_event_rule.workflow_step_failed["crawl"].name}",
      ],
      flatten([
        for table in ["customers", "orders"] : [
          for metric in ["SourceRowsRead", "RawRows", "CleansedRows", "QuarantinedRows", "DuplicatesRemoved"] :
          "GlueEtlPipeline ${metric} Pipeline plan-test Table ${table}"
        ]
      ]),
    ))
    error_message = "A workflow's cleanse jobs put each table's funnel, its QuarantineRatio and SucceededTables; its failures are EventBridge's TriggeredRules of the module's failure rules. No FailedTables, RunSeconds, stage seconds or cost: a workflow run has no report."
  }

  assert {
    # Same places and headings as a Step Functions pipeline's (the run above).
    condition = [
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets :
      "${widget.type == "metric" ? widget.properties.title : trimprefix(trimprefix(split("\n", widget.properties.markdown)[0], "### "), "## ")} at ${widget.x},${widget.y} ${widget.width}x${widget.height}"
      if widget.type != "alarm"
      ] == [
      "plan-test pipeline at 0,0 24x2",
      "Tables succeeded and failed per run at 0,2 8x6",
      "Quarantine ratio: the run's highest table at 8,2 8x6",
      "Run duration, seconds (Step Functions runs) at 16,2 8x6",
      "Stage durations, seconds (Step Functions runs) at 0,8 12x6",
      "Estimated cost per run, USD (Step Functions runs) at 12,8 12x6",
      "Rows of customers: source, raw, cleansed, quarantined at 0,14 8x6",
      "Rows of orders: source, raw, cleansed, quarantined at 8,14 8x6",
    ]
    error_message = "The same widgets in the same places as with Step Functions."
  }

  assert {
    condition = [
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets :
      widget.type == "text" && length(regexall("A Glue workflow run has no report|a Glue workflow run has none", widget.properties.markdown)) == 1
      if strcontains(try(widget.properties.title, split("\n", widget.properties.markdown)[0]), "(Step Functions runs)")
    ] == [true, true, true]
    error_message = "In a workflow, each \"(Step Functions runs)\" widget is text saying why it has no figures (and where the jobs' times are)."
  }
}

run "with_jobs_cataloging_there_is_no_crawl_stage_or_crawl_failure_to_graph" {
  command = plan

  variables {
    catalog_updates = "jobs"
  }

  assert {
    condition = toset(flatten([
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets : [
        for metric in widget.properties.metrics : metric[1] if endswith(metric[1], "Seconds") && metric[1] != "RunSeconds"
      ] if widget.type == "metric"
    ])) == toset(["ExtractTablesSeconds", "CleanseTablesSeconds"])
    error_message = "The report times the stages the run has: no RawCrawler or CleansedCrawler without crawls."
  }
}

run "a_glue_workflow_cataloging_by_jobs_graphs_its_failed_jobs_only" {
  command = plan

  variables {
    orchestration   = "glue_workflow"
    catalog_updates = "jobs"
  }

  assert {
    condition = flatten([
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets : [
        for metric in widget.properties.metrics : metric[3] if metric[1] == "TriggeredRules"
      ] if widget.type == "metric"
    ]) == ["plan-test-workflow-job-failed"]
    error_message = "No crawl, no crawl-failure rule: only the failed-job rule's TriggeredRules."
  }
}

run "step_functions_alarms_watch_the_reports_metrics_and_notify_the_topic" {
  # apply (against the mocked provider) so that the topic's ARN is known.
  command = apply

  assert {
    condition     = output.alarm_names == { failed_tables = "plan-test-pipeline-failed-tables", quarantine_ratio = "plan-test-pipeline-quarantine-ratio", run_duration = "plan-test-pipeline-run-duration" }
    error_message = "By default: failed tables, quarantine ratio and run duration; no freshness alarm without a schedule."
  }

  assert {
    condition = {
      for key, alarm in aws_cloudwatch_metric_alarm.pipeline : key => [
        alarm.namespace, alarm.metric_name, alarm.dimensions, alarm.statistic, alarm.comparison_operator, alarm.threshold,
        alarm.period, alarm.evaluation_periods, alarm.datapoints_to_alarm, alarm.treat_missing_data,
      ]
      } == {
      failed_tables    = ["AWS/States", "ExecutionsFailed", tomap({ StateMachineArn = "arn:aws:states:eu-west-1:123456789012:stateMachine:plan-test-pipeline" }), "Sum", "GreaterThanThreshold", 0, 300, 1, 1, "notBreaching"]
      quarantine_ratio = ["GlueEtlPipeline", "QuarantineRatio", tomap({ Pipeline = "plan-test" }), "Maximum", "GreaterThanThreshold", 0.2, 300, 1, 1, "ignore"]
      run_duration     = ["GlueEtlPipeline", "RunSeconds", tomap({ Pipeline = "plan-test" }), "Maximum", "GreaterThanThreshold", 7200, 300, 1, 1, "ignore"]
    }
    error_message = "Each alarm's metric, statistic, threshold and periods: a failed run of the state machine (no point, no failure), a ratio above 0.2, a run over 120 minutes (the state a run set holds until the next run reports)."
  }

  assert {
    condition = alltrue([
      for alarm in aws_cloudwatch_metric_alarm.pipeline :
      alarm.alarm_actions == toset([aws_sns_topic.notifications[0].arn]) && try(length(alarm.ok_actions), 0) == 0
      && alarm.actions_enabled && try(length(alarm.insufficient_data_actions), 0) == 0
    ])
    error_message = "Every alarm notifies the pipeline's topic when it goes to ALARM, and by default not when it is back to OK."
  }

  assert {
    # AlarmDescription: at most 1,024 characters (API_PutMetricAlarm).
    condition = alltrue([
      for alarm in aws_cloudwatch_metric_alarm.pipeline :
      length(alarm.alarm_description) <= 1024
    ]) && strcontains(aws_cloudwatch_metric_alarm.pipeline["failed_tables"].alarm_description, "then start a new run: aws stepfunctions start-execution")
    error_message = "Each description fits PutMetricAlarm's 1,024 characters; the failed-table one says how to start the run that follows the fix."
  }

  assert {
    condition = alltrue([
      strcontains(aws_cloudwatch_metric_alarm.pipeline["quarantine_ratio"].alarm_description, "more than 20% of its input rows"),
      strcontains(aws_cloudwatch_metric_alarm.pipeline["quarantine_ratio"].alarm_description, "quarantine/plan-test/<table>/run_id=<run>/"),
      strcontains(aws_cloudwatch_metric_alarm.pipeline["run_duration"].alarm_description, "more than 120 minutes"),
      strcontains(aws_cloudwatch_metric_alarm.pipeline["failed_tables"].alarm_description, "name the step, the error and each failed table"),
    ])
    error_message = "The descriptions name the threshold and where to look."
  }

  assert {
    condition = [
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets : widget.properties.alarms if widget.type == "alarm"
      ] == [[
        "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:plan-test-pipeline-failed-tables",
        "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:plan-test-pipeline-quarantine-ratio",
        "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:plan-test-pipeline-run-duration",
    ]]
    error_message = "The dashboard's alarm widget shows the alarms' states."
  }
}

run "glue_workflow_alarms_watch_the_failed_job_rule_and_freshness" {
  command = apply

  variables {
    orchestration       = "glue_workflow"
    schedule_expression = "cron(0 3 * * ? *)"
    alarms              = { notify_ok = true }
  }

  assert {
    condition     = toset(keys(output.alarm_names)) == toset(["failed_tables", "failed_crawls", "quarantine_ratio", "freshness"])
    error_message = "No run_duration in a workflow (it reports none); its failed crawls have their own alarm; freshness is on with a daily schedule."
  }

  assert {
    condition = [
      for alarm in [aws_cloudwatch_metric_alarm.pipeline["failed_crawls"]] : [alarm.namespace, alarm.metric_name, alarm.dimensions, alarm.statistic, alarm.treat_missing_data]
    ] == [["AWS/Events", "TriggeredRules", tomap({ RuleName = aws_cloudwatch_event_rule.workflow_step_failed["crawl"].name }), "Sum", "notBreaching"]]
    error_message = "A failed crawl is a match of the failed-crawl rule."
  }

  assert {
    condition = [
      for alarm in [aws_cloudwatch_metric_alarm.pipeline["failed_tables"]] : [
        alarm.namespace, alarm.metric_name, alarm.dimensions, alarm.statistic, alarm.comparison_operator, alarm.threshold,
        alarm.period, alarm.evaluation_periods, alarm.treat_missing_data,
      ]
      ] == [[
        "AWS/Events", "TriggeredRules", tomap({ RuleName = aws_cloudwatch_event_rule.workflow_step_failed["job"].name }), "Sum", "GreaterThanThreshold", 0, 300, 1, "notBreaching",
    ]]
    error_message = "A failed job run is a match of the failed-job rule (TriggeredRules by RuleName); no match, no failure."
  }

  assert {
    condition = [
      for alarm in [aws_cloudwatch_metric_alarm.pipeline["freshness"]] : [
        alarm.namespace, alarm.metric_name, alarm.dimensions, alarm.statistic, alarm.comparison_operator, alarm.threshold,
        alarm.period, alarm.evaluation_periods, alarm.datapoints_to_alarm, alarm.treat_missing_data,
      ]
      ] == [[
        "GlueEtlPipeline", "SucceededTables", tomap({ Pipeline = "plan-test" }), "Sum", "LessThanThreshold", 1, 3600, 26, 26, "breaching",
    ]]
    error_message = "Freshness: every hour of the last 26 without a succeeded table (no data counted as none) alarms."
  }

  assert {
    condition = alltrue([
      for alarm in aws_cloudwatch_metric_alarm.pipeline :
      alarm.alarm_actions == toset([aws_sns_topic.notifications[0].arn]) && alarm.ok_actions == toset([aws_sns_topic.notifications[0].arn])
      && length(alarm.alarm_description) <= 1024
      ]) && alltrue([
      for key in ["failed_tables", "freshness"] :
      strcontains(aws_cloudwatch_metric_alarm.pipeline[key].alarm_description, "start a new run: aws glue start-workflow-run --name plan-test-pipeline")
      || strcontains(aws_cloudwatch_metric_alarm.pipeline[key].alarm_description, "then start a run: aws glue start-workflow-run --name plan-test-pipeline")
    ])
    error_message = "Every workflow alarm notifies the topic; the failed-job and freshness ones say how to start a workflow run."
  }
}

run "the_thresholds_follow_the_alarms_input" {
  command = apply

  variables {
    alarms = {
      quarantine_ratio = { threshold = 0.05 }
      run_duration     = { threshold_minutes = 45 }
      freshness        = { enabled = true, hours = 48 }
    }
  }

  assert {
    condition = alltrue([
      aws_cloudwatch_metric_alarm.pipeline["quarantine_ratio"].threshold == 0.05,
      aws_cloudwatch_metric_alarm.pipeline["run_duration"].threshold == 2700,
      aws_cloudwatch_metric_alarm.pipeline["freshness"].evaluation_periods == 48,
      aws_cloudwatch_metric_alarm.pipeline["freshness"].datapoints_to_alarm == 48,
      strcontains(aws_cloudwatch_metric_alarm.pipeline["freshness"].alarm_description, "for at least 48 hours"),
    ])
    error_message = "Thresholds: a ratio, minutes (in seconds for RunSeconds), hours (one period each); freshness on without a schedule when asked."
  }

  assert {
    condition = [
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets :
      widget.properties.annotations.horizontal[0].value if can(widget.properties.annotations)
    ] == [0.05, 2700]
    error_message = "The quarantine ratio and run duration graphs draw their alarm's threshold."
  }
}

run "with_a_quality_gate_the_quarantine_alarm_warns_below_it" {
  command = apply

  variables {
    max_quarantine_ratio = 0.1
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.pipeline["quarantine_ratio"].threshold == 0.05
    error_message = "Half the gate: a table past max_quarantine_ratio fails and puts no ratio, so the alarm must warn before it."
  }
}

run "the_dashboard_and_each_alarm_can_be_switched_off" {
  command = apply

  variables {
    dashboard_enabled   = false
    schedule_expression = "rate(1 day)"
    alarms = {
      failed_tables    = { enabled = false }
      quarantine_ratio = { enabled = false }
      run_duration     = { enabled = false }
      freshness        = { enabled = false }
    }
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.pipeline) == 0 && length(aws_cloudwatch_metric_alarm.pipeline) == 0
    error_message = "No dashboard, no alarm."
  }

  assert {
    condition     = output.dashboard_name == null && output.alarm_names == {}
    error_message = "The outputs say there is none."
  }
}

run "a_disabled_module_has_no_dashboard_or_alarm" {
  command = plan

  variables {
    enabled             = false
    schedule_expression = "rate(1 day)"
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.pipeline) == 0 && length(aws_cloudwatch_metric_alarm.pipeline) == 0 && output.dashboard_name == null && output.alarm_names == {}
    error_message = "enabled = false creates neither."
  }
}

run "the_topic_lets_exactly_the_pipelines_alarms_publish" {
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

  assert {
    condition = [
      for statement in jsondecode(data.aws_iam_policy_document.alarm_notifications[0].json).Statement : statement
      ] == [{
        Sid       = "CloudWatchAlarmsPublishTheirStateChanges"
        Effect    = "Allow"
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:eu-west-1:123456789012:plan-test-pipeline-notifications"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Condition = {
          ArnEquals = {
            "aws:SourceArn" = [
              "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:plan-test-pipeline-failed-tables",
              "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:plan-test-pipeline-quarantine-ratio",
              "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:plan-test-pipeline-run-duration",
            ]
          }
          StringEquals = { "aws:SourceAccount" = "123456789012" }
        }
    }]
    error_message = "The topic's policy (which takes in this document) replaces SNS's default, so it grants CloudWatch sns:Publish for the module's alarms only."
  }
}

run "fifty_tables_of_the_longest_names_stay_within_the_dashboard_quotas" {
  command = plan

  variables {
    name_prefix = "a-thirty-two-character-prefix-00"
    tables      = { for index in range(50) : format("table_%02d_%s", index, join("", [for _ in range(46) : "x"])) => { key_columns = ["id"] } }
  }

  assert {
    # Dashboard Body Structure: 0 to 500 widgets
    # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
    condition     = length(jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets) == 57
    error_message = "The header, five run widgets, one per table and the alarms': 57 widgets, far under 500."
  }

  assert {
    # CloudWatch's quotas allow 500 metrics a dashboard widget
    # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html); a graph
    # drawn by GetMetricWidgetImage takes 1 to 100. The widgets stay under the lower.
    condition = alltrue([
      for widget in jsondecode(aws_cloudwatch_dashboard.pipeline[0].dashboard_body).widgets :
      length(widget.properties.metrics) >= 1 && length(widget.properties.metrics) <= 100 if widget.type == "metric"
    ])
    error_message = "Every graph names 1 to 100 metrics."
  }

  assert {
    # AWS documents no size limit of its own for DashboardBody (PutDashboard): this bound only keeps
    # the body from growing more than linearly with the tables (about 1.5 KB a table).
    condition     = length(aws_cloudwatch_dashboard.pipeline[0].dashboard_body) < 100000
    error_message = "The body of 50 tables stays under 100,000 characters."
  }

  assert {
    # DashboardName: at most 255 characters of A-Z, a-z, 0-9, "-" and "_" (PutDashboard).
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", aws_cloudwatch_dashboard.pipeline[0].dashboard_name))
    error_message = "The dashboard's name is one PutDashboard accepts."
  }
}

run "rejects_a_quarantine_threshold_that_is_not_a_share" {
  command = plan

  variables {
    alarms = { quarantine_ratio = { threshold = 1.5 } }
  }

  expect_failures = [var.alarms]
}

run "rejects_a_quarantine_threshold_at_or_above_the_quality_gate" {
  command = plan

  variables {
    max_quarantine_ratio = 0.05
    alarms               = { quarantine_ratio = { threshold = 0.1 } }
  }

  expect_failures = [var.alarms]
}

run "rejects_a_run_duration_of_part_of_a_minute" {
  command = plan

  variables {
    alarms = { run_duration = { threshold_minutes = 0.5 } }
  }

  expect_failures = [var.alarms]
}

run "rejects_a_run_duration_alarm_in_a_glue_workflow" {
  command = plan

  variables {
    orchestration = "glue_workflow"
    alarms        = { run_duration = { enabled = true } }
  }

  expect_failures = [var.alarms]
}

run "rejects_a_run_duration_the_run_would_time_out_before" {
  command = plan

  variables {
    # Default timeouts: two rounds of jobs and two crawls, far under 100 hours.
    alarms = { run_duration = { threshold_minutes = 6000 } }
  }

  expect_failures = [aws_cloudwatch_metric_alarm.pipeline]
}

run "freshness_follows_a_schedule_of_days" {
  command = apply

  variables {
    schedule_expression = "rate(2 days)"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.pipeline["freshness"].evaluation_periods == 50
    error_message = "Two hours past a 48-hour schedule: a late run does not alarm, a missed one does."
  }
}

run "freshness_is_off_by_default_for_a_weekly_or_weekday_schedule" {
  command = plan

  variables {
    schedule_expression = "cron(0 3 ? * MON-FRI *)"
  }

  assert {
    condition     = !contains(keys(output.alarm_names), "freshness")
    error_message = "A cron of some days only has gaps longer than a day: no freshness alarm unless asked for with its hours."
  }
}

run "rejects_a_freshness_window_the_schedule_outlasts" {
  command = plan

  variables {
    schedule_expression = "rate(2 days)"
    alarms              = { freshness = { enabled = true, hours = 30 } }
  }

  expect_failures = [aws_cloudwatch_metric_alarm.pipeline]
}

run "rejects_freshness_on_a_schedule_longer_than_a_week" {
  command = plan

  variables {
    schedule_expression = "rate(7 days)"
    alarms              = { freshness = { enabled = true } }
  }

  expect_failures = [aws_cloudwatch_metric_alarm.pipeline]
}

run "rejects_a_freshness_window_longer_than_cloudwatch_evaluates" {
  command = plan

  variables {
    alarms = { freshness = { enabled = true, hours = 169 } }
  }

  expect_failures = [var.alarms]
}
