locals {
  # Crawler status checks: waits grow from the first interval by the backoff rate up to the
  # longest interval, and stop once they add up to the crawler timeout. The list is both the
  # backoff schedule and the poll bound of the state machine.
  max_crawler_polls       = 500
  crawler_timeout_seconds = var.crawler_timeout_minutes * 60
  candidate_poll_waits = [
    for attempt in range(local.max_crawler_polls) :
    floor(min(var.crawler_poll_interval_seconds * pow(var.crawler_poll_backoff_rate, attempt), var.crawler_poll_max_interval_seconds))
  ]
  polls_before_timeout = length([
    for attempt in range(local.max_crawler_polls) : attempt
    if sum(slice(local.candidate_poll_waits, 0, attempt + 1)) < local.crawler_timeout_seconds
  ])
  crawler_poll_waits = slice(local.candidate_poll_waits, 0, min(local.polls_before_timeout + 1, local.max_crawler_polls))

  job_task_timeout_seconds    = var.job_timeout_minutes * 60 + 300
  lambda_task_timeout_seconds = var.lambda_timeout_seconds + 30
  # Map concurrency of each stage (the extract job one table at a time with bookmarks, see glue.tf); each stage
  # takes as many rounds of job runs as its tables need.
  extract_concurrency = local.shared_glue_jobs.extract_job.max_concurrent_runs
  cleanse_concurrency = local.shared_glue_jobs.cleanse_job.max_concurrent_runs
  job_rounds          = ceil(length(local.tables) / local.extract_concurrency) + ceil(length(local.tables) / local.cleanse_concurrency)
  # The jobs' rounds, each crawl (possibly after a crawl already running; none with catalog_updates =
  # "jobs"), and slack for retries.
  execution_timeout_seconds = local.job_rounds * local.job_task_timeout_seconds + 2 * length(local.lake_crawler_keys) * local.crawler_timeout_seconds + 3600

  # What the state machine knows of each table (LoadTables), in the names its states read.
  state_machine_tables = [
    for name, table in local.tables : {
      name              = name
      source_table      = table.source_catalog_table
      number_of_workers = table.number_of_workers
      raw_path          = table.raw_path
      cleansed_path     = table.cleansed_path
      quarantine_path   = table.quarantine_path
      reports_path      = table.reports_path
      raw_table         = "${local.database_name}.${table.raw_table}"
      cleansed_table    = "${local.database_name}.${table.cleansed_table}"
      cleansing_rules   = jsonencode(table.cleansing_rules)
      # Only the arguments that apply to the table (main.tf): RunExtractJob and RunCleanseJob merge
      # them into each run's Arguments.
      extract_job_arguments = table.extract_job_arguments
      cleanse_job_arguments = table.cleanse_job_arguments
    }
  ]

  # The definition is state_machine.asl.json, valid JSON as committed: the states of every mode in
  # States, the states that depend on the mode in named groups under ModeStates (not ASL). A mode adds
  # the groups it chooses to States, whole: no state is edited or dropped by name. Placeholders are
  # inside strings only; the two values that are not strings, TimeoutSeconds and LoadTables' Result,
  # are set below. Each mode's rendering is committed in docs/state_machine/ (make docs).
  # The lake crawls of the mode (glue.tf): none with catalog_updates = "jobs", whose jobs catalog
  # what they write; no cleansed crawl with Iceberg, whose tables are the cleanse job's.
  raw_crawl      = contains(local.lake_crawler_keys, "raw_crawler")
  cleansed_crawl = contains(local.lake_crawler_keys, "cleansed_crawler")
  state_machine_mode_states = {
    raw_crawl                 = local.raw_crawl
    raw_crawl_by_polling      = local.raw_crawl && var.crawler_wait == "poll"
    raw_crawl_on_event        = local.raw_crawl && var.crawler_wait == "event"
    cleansed_crawl            = local.cleansed_crawl
    cleansed_crawl_by_polling = local.cleansed_crawl && var.crawler_wait == "poll"
    cleansed_crawl_on_event   = local.cleansed_crawl && var.crawler_wait == "event"
  }
  state_machine_template_values = {
    partition                       = local.partition
    name_prefix                     = var.name_prefix
    table_names                     = join(",", keys(local.tables))
    table_names_readable            = join(", ", keys(local.tables))
    extract_job_name                = local.names.extract_job
    cleanse_job_name                = local.names.cleanse_job
    raw_crawler_name                = local.names.raw_crawler
    cleansed_crawler_name           = local.names.cleansed_crawler
    resolve_run_function_arn        = try(aws_lambda_function.this["resolve_run"].arn, "")
    start_crawler_function_arn      = try(aws_lambda_function.this["start_crawler"].arn, "")
    get_crawler_status_function_arn = try(aws_lambda_function.this["get_crawler_status"].arn, "")
    report_run_function_arn         = try(aws_lambda_function.this["report_run"].arn, "")
    notification_topic_arn          = try(aws_sns_topic.notifications[0].arn, "")
    poll_waits_seconds              = jsonencode(local.crawler_poll_waits)
    crawl_heartbeat_seconds         = tostring(local.crawler_timeout_seconds)
    crawl_wait_timeout_seconds      = tostring(2 * local.crawler_timeout_seconds)
    job_task_timeout_seconds        = tostring(local.job_task_timeout_seconds)
    lambda_task_timeout_seconds     = tostring(local.lambda_task_timeout_seconds)
    cleansed_format                 = var.cleansed_format
    worker_type                     = var.worker_type
    extract_concurrency             = tostring(local.extract_concurrency)
    cleanse_concurrency             = tostring(local.cleanse_concurrency)
    # The transitions into the groups chosen above.
    raw_crawl_first_state      = !local.raw_crawl ? "CleanseTables" : var.crawler_wait == "poll" ? "StartRawCrawler" : "AwaitRawCrawl"
    cleansed_crawl_first_state = var.crawler_wait == "poll" ? "StartCleansedCrawler" : "AwaitCleansedCrawl"
    after_cleanse_state        = local.cleansed_crawl ? "FindCleansedTables" : "ReportRun"
  }
  state_machine_template = jsondecode(templatefile("${path.module}/state_machine.asl.json", local.state_machine_template_values))
  # Everything but ModeStates; States with the chosen groups merged in (state names are unique across
  # groups, tests/test_state_machine_definition.py) and the tables in LoadTables.
  state_machine_definition = jsonencode(merge(
    { for key, value in local.state_machine_template : key => value if key != "ModeStates" },
    {
      TimeoutSeconds = local.execution_timeout_seconds
      States = merge(
        local.state_machine_template.States,
        { LoadTables = merge(local.state_machine_template.States.LoadTables, { Result = local.state_machine_tables }) },
        [for group, chosen in local.state_machine_mode_states : local.state_machine_template.ModeStates[group] if chosen]...
      )
    }
  ))
}

resource "aws_cloudwatch_log_group" "state_machine" {
  count = local.step_functions ? 1 : 0

  name              = "/aws/vendedlogs/states/${local.names.state_machine}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags

  #checkov:skip=CKV_AWS_338:Retention is the caller's choice (log_retention_days).
  #checkov:skip=CKV_AWS_158:Encrypted with kms_key_arn when the caller gives one; CloudWatch Logs encrypts at rest otherwise.
}

resource "aws_sfn_state_machine" "pipeline" {
  count = local.step_functions ? 1 : 0

  name       = local.names.state_machine
  role_arn   = aws_iam_role.state_machine[0].arn
  definition = local.state_machine_definition
  type       = "STANDARD"

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.state_machine[0].arn}:*"
    include_execution_data = true
    level                  = "ERROR"
  }

  tracing_configuration {
    enabled = false
  }

  tags = local.tags

  # The role is attached in role_arn, its permissions only by the policy: without this, the
  # state machine can exist, and a first run start, before the role may do anything.
  depends_on = [aws_iam_role_policy.state_machine]

  lifecycle {
    precondition {
      condition     = !local.lake_crawls || sum(local.crawler_poll_waits) >= local.crawler_timeout_seconds
      error_message = "Waiting ${var.crawler_timeout_minutes} minutes for a crawler with checks every ${var.crawler_poll_interval_seconds} to ${var.crawler_poll_max_interval_seconds} seconds needs more than ${local.max_crawler_polls} status checks per crawl: raise crawler_poll_max_interval_seconds or lower crawler_timeout_minutes."
    }
  }

  #checkov:skip=CKV_AWS_284:X-Ray tracing is off: the Glue and Lambda steps have their own logs and metrics.
  #checkov:skip=CKV_AWS_285:Logging is on at ERROR level with execution data; ALL would log every poll of the crawler loop.
}

################################################################################
# Optional schedule
################################################################################

resource "aws_cloudwatch_event_rule" "schedule" {
  count = local.step_functions && var.schedule_expression != null ? 1 : 0

  name                = "${var.name_prefix}-pipeline-schedule"
  description         = "Starts the ${var.name_prefix} pipeline."
  schedule_expression = var.schedule_expression
  tags                = local.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  count = local.step_functions && var.schedule_expression != null ? 1 : 0

  rule     = aws_cloudwatch_event_rule.schedule[0].name
  arn      = aws_sfn_state_machine.pipeline[0].arn
  role_arn = aws_iam_role.scheduler[0].arn
  input    = jsonencode({})
}
