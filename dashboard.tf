################################################################################
# The operator's dashboard: runs, failed tables, rows per stage per table, quarantine ratio, durations
# and cost, from the metrics the run report (Step Functions) or the cleanse jobs (Glue workflow)
# publish (glue_scripts/run_figures.py) and, for a workflow's failed jobs, EventBridge's own.
# Both orchestrations get the same widgets in the same places; a widget whose figures only a Step
# Functions run reports says so in its title and, in a Glue workflow, is a text widget saying why, so
# that every metric the dashboard names is one the pipeline publishes.
################################################################################

locals {
  dashboard_name = "${var.name_prefix}-pipeline"
  # The stages whose seconds the report puts (lambdas/report_run.py STEP_STATES): the crawls only when
  # there are crawls.
  published_stages = concat(["ExtractTables"], local.raw_crawl ? ["RawCrawler"] : [], ["CleanseTables"], local.cleansed_crawl ? ["CleansedCrawler"] : [])
  # A run's tables: SucceededTables from either publisher; the failures from the report and the
  # state machine's failed runs (AWS/States, as the failed_tables alarm), or in a workflow from EventBridge (namespace AWS/Events, TriggeredRules by RuleName:
  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html) for each failure rule.
  run_outcome_metrics = concat(
    [[local.metrics_namespace, "SucceededTables", "Pipeline", var.name_prefix, { stat = "Sum", label = "tables succeeded" }]],
    local.workflow_mode ? [
      for kind, rule in aws_cloudwatch_event_rule.workflow_step_failed :
      ["AWS/Events", "TriggeredRules", "RuleName", rule.name, { stat = "Sum", label = "failed ${kind == "job" ? "job runs" : "crawls"}" }]
      ] : [
      [local.metrics_namespace, "FailedTables", "Pipeline", var.name_prefix, { stat = "Maximum", label = "tables failed" }],
      ["AWS/States", "ExecutionsFailed", "StateMachineArn", local.state_machine_arn, { stat = "Sum", label = "runs failed" }],
    ],
  )
  # Each table's funnel: rows read from the source, landed raw, cleansed, quarantined, and the
  # duplicates removed between them (raw = cleansed + quarantined + duplicates removed).
  table_row_metrics = {
    SourceRowsRead    = "source"
    RawRows           = "raw"
    CleansedRows      = "cleansed"
    QuarantinedRows   = "quarantined"
    DuplicatesRemoved = "duplicates removed"
  }

  # Widgets on CloudWatch's 24-column grid: the header, two rows of run figures, then one widget per
  # table, three to a row.
  run_figure_widgets = [
    {
      title   = "Tables succeeded and failed per run"
      x       = 0, y = 2, width = 8
      metrics = local.run_outcome_metrics
      stat    = "Sum"
    },
    {
      title       = "Quarantine ratio: the run's highest table"
      x           = 8, y = 2, width = 8
      metrics     = [[local.metrics_namespace, "QuarantineRatio", "Pipeline", var.name_prefix, { stat = "Maximum", label = "quarantined / input rows" }]]
      stat        = "Maximum"
      y_axis      = { left = { min = 0, max = 1 } }
      annotations = local.alarms_on.quarantine_ratio ? { horizontal = [{ label = "quarantine_ratio alarm", value = local.quarantine_ratio_threshold }] } : null
    },
    {
      title                = "Run duration, seconds (Step Functions runs)"
      x                    = 16, y = 2, width = 8
      metrics              = [[local.metrics_namespace, "RunSeconds", "Pipeline", var.name_prefix, { stat = "Maximum", label = "start to report" }]]
      stat                 = "Maximum"
      annotations          = local.alarms_on.run_duration ? { horizontal = [{ label = "run_duration alarm", value = var.alarms.run_duration.threshold_minutes * 60 }] } : null
      step_functions_only  = true
      not_in_workflow_text = "A Glue workflow run has no report, so no duration of its own: each job run's time is in Glue (`aws glue get-job-runs --job-name <job>`)."
    },
    {
      title                = "Stage durations, seconds (Step Functions runs)"
      x                    = 0, y = 8, width = 12
      metrics              = [for stage in local.published_stages : [local.metrics_namespace, "${stage}Seconds", "Pipeline", var.name_prefix, { stat = "Maximum", label = stage }]]
      stat                 = "Maximum"
      step_functions_only  = true
      not_in_workflow_text = "A Glue workflow run has no report to time its stages: the workflow run's graph in the Glue console shows each job's and crawl's start and end (`aws glue get-workflow-run --name ${local.names.workflow} --run-id <id> --include-graph`)."
    },
    {
      title                = "Estimated cost per run, USD (Step Functions runs)"
      x                    = 12, y = 8, width = 12
      metrics              = [[local.metrics_namespace, "EstimatedCost", "Pipeline", var.name_prefix, { stat = "Maximum", label = "estimated USD (prices input)" }]]
      stat                 = "Maximum"
      step_functions_only  = true
      not_in_workflow_text = "The cost estimate is part of the Step Functions run report; a Glue workflow run has none (its jobs' DPU-seconds are in `aws glue get-job-runs`)."
    },
  ]
  table_widgets = [
    for index, name in sort(keys(local.tables)) : {
      title   = "Rows of ${name}: source, raw, cleansed, quarantined"
      x       = 8 * (index % 3), y = 14 + 6 * floor(index / 3), width = 8
      metrics = [for metric, label in local.table_row_metrics : [local.metrics_namespace, metric, "Pipeline", var.name_prefix, "Table", name, { stat = "Sum", label = label }]]
      stat    = "Sum"
    }
  ]
  header_markdown = join("\n", [
    "## ${var.name_prefix} pipeline",
    "Run by ${local.workflow_mode ? "the Glue workflow `${local.names.workflow}`" : "the state machine `${local.names.state_machine}`"}. Metrics: namespace `${local.metrics_namespace}`, dimension `Pipeline` = `${var.name_prefix}` (each table's rows with `Table` too), one point per run. Failures and alarms go to the topic `${local.names.notification_topic}`. Widgets titled \"(Step Functions runs)\" show what only a Step Functions run reports.",
  ])

  dashboard_widgets = concat(
    [{ type = "text", x = 0, y = 0, width = 24, height = 2, properties = { markdown = local.header_markdown } }],
    [
      # Through JSON: a conditional's two results must have one type, and the two widget kinds differ.
      for widget in concat(local.run_figure_widgets, local.table_widgets) : jsondecode(
        local.workflow_mode && try(widget.step_functions_only, false) ? jsonencode({
          type       = "text", x = widget.x, y = widget.y, width = widget.width, height = 6
          properties = { markdown = "### ${widget.title}\n${widget.not_in_workflow_text}" }
          }) : jsonencode({
          type = "metric", x = widget.x, y = widget.y, width = widget.width, height = 6
          properties = merge(
            {
              title   = widget.title
              region  = local.region
              view    = "timeSeries"
              stacked = false
              period  = 3600
              stat    = widget.stat
              metrics = widget.metrics
            },
            try(widget.y_axis, null) == null ? {} : { yAxis = widget.y_axis },
            try(widget.annotations, null) == null ? {} : { annotations = widget.annotations },
          )
        })
      )
    ],
    length(local.created_alarms) == 0 ? [] : [{
      type = "alarm", x = 0, y = 14 + 6 * ceil(length(local.tables) / 3), width = 24, height = 3
      properties = {
        title  = "Alarms (each notifies ${local.names.notification_topic})"
        alarms = [for key in local.created_alarms : local.alarm_arns[key]]
        # Those in ALARM first (an alarm status widget shows 1 to 100 alarms).
        sortBy = "stateUpdatedTimestamp"
      }
    }],
  )
  # Dashboard Body Structure (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
  # a JSON object with a widgets array of 0 to 500 widgets; the widgets grow by one a table, so the
  # module's 50 tables give 57 at most (tests/operations.tftest.hcl).
  dashboard_body = jsonencode({
    start          = "-P7D"
    periodOverride = "inherit"
    widgets        = local.dashboard_widgets
  })
}

resource "aws_cloudwatch_dashboard" "pipeline" {
  count = var.enabled && var.dashboard_enabled ? 1 : 0

  dashboard_name = local.dashboard_name
  dashboard_body = local.dashboard_body

  # Its alarm widget names the alarms by ARN.
  depends_on = [aws_cloudwatch_metric_alarm.pipeline]
}
