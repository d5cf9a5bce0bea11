output "bucket_name" {
  description = "Data lake bucket: this pipeline's data under raw/, cleansed/, quarantine/, reports/, scripts/ and temp/, each in a folder named by name_prefix."
  value       = var.enabled ? local.bucket_name : null
}

output "bucket_arn" {
  description = "ARN of the data lake bucket."
  value       = var.enabled ? local.bucket_arn : null
}

output "database_name" {
  description = "Glue catalog database of the source, raw and cleansed tables."
  value       = try(aws_glue_catalog_database.this[0].name, null)
}

output "tables" {
  description = "Each table by name: source_table (the catalog table the extract job reads), raw_table and cleansed_table (catalog tables, in database_name), raw_path (the extract job's CSV, one run_id=<run>/ folder per run), cleansed_path (the cleanse job's Parquet history, or the Iceberg table's location, by cleansed_format) quarantine_path (rejected rows with their _reject_reason) and reports_path (each run's figures, one run_id=<run>/ folder per run, which the run report reads)."
  value = var.enabled ? {
    for name, table in local.tables : name => {
      source_table    = table.source_catalog_table
      raw_table       = table.raw_table
      cleansed_table  = table.cleansed_table
      raw_path        = table.raw_path
      cleansed_path   = table.cleansed_path
      quarantine_path = table.quarantine_path
      reports_path    = table.reports_path
    }
  } : {}
}

output "manual_run_arguments" {
  description = "Per table, the arguments of a run of each job started by hand, by job: extract_job and cleanse_job (`aws glue start-job-run --job-name <extract_job_name> --arguments '<extract_job>'`), writing to the run id \"manual\"; the state machine passes the same with each run's own. A run by hand runs one table, so its cleanse_job says `--run_covers_all_tables false`: a table's deletes = \"mirror\" deletes nothing then."
  value       = var.enabled ? local.manual_run_arguments : {}
}

output "cleansed_format" {
  description = "How the cleansed rows are kept: \"parquet\" (a history of runs) or \"iceberg\" (the current state, one row per key)."
  value       = var.enabled ? var.cleansed_format : null
}

output "glue_runtime" {
  description = "What both jobs run: glue_version and that version's spark, python, scala and iceberg versions as AWS documents them (iceberg null on 6.1, whose Iceberg the module does not record yet); null when disabled."
  value       = var.enabled ? merge({ glue_version = var.glue_version }, local.glue_runtimes[var.glue_version]) : null
}

output "jdbc_connection_name" {
  description = "Glue connection to the JDBC source (null without jdbc_source)."
  value       = try(aws_glue_connection.jdbc_source[0].name, null)
}

output "source_crawler_name" {
  description = "Crawler that catalogs the JDBC source table (null without jdbc_source)."
  value       = try(aws_glue_crawler.source[0].name, null)
}

output "catalog_updates" {
  description = "What catalogs the lake's tables after each run: \"crawlers\" (the raw and cleansed crawlers) or \"jobs\" (each job what it wrote; no lake crawler); null when disabled."
  value       = var.enabled ? var.catalog_updates : null
}

output "raw_crawler_name" {
  description = "The raw crawler, over the raw prefix (null with catalog_updates = \"jobs\", whose extract job catalogs raw_<table> itself)."
  value       = try(aws_glue_crawler.lake["raw_crawler"].name, null)
}

output "cleansed_crawler_name" {
  description = "The cleansed crawler, over the cleansed prefix (null with cleansed_format = \"iceberg\", whose table needs no crawler, and with catalog_updates = \"jobs\", whose cleanse job catalogs cleansed_<table> itself)."
  value       = try(aws_glue_crawler.lake["cleansed_crawler"].name, null)
}

output "crawler_arns" {
  description = "ARNs of the crawlers, by role: source (when configured), raw (with catalog_updates = \"crawlers\"), cleansed (with catalog_updates = \"crawlers\" and cleansed_format = \"parquet\")."
  value = merge(
    { for key, crawler in aws_glue_crawler.lake : trimsuffix(key, "_crawler") => crawler.arn },
    { for crawler in aws_glue_crawler.source : "source" => crawler.arn },
  )
}

output "extract_job_name" {
  description = "The extract job: source table -> raw CSV, shared by every table (null with orchestration = \"glue_workflow\": see workflow_job_names)."
  value       = try(aws_glue_job.this["extract_job"].name, null)
}

output "cleanse_job_name" {
  description = "The cleanse job: raw CSV -> cleansed rows (Parquet history or the Iceberg table), shared by every table (null with orchestration = \"glue_workflow\": see workflow_job_names)."
  value       = try(aws_glue_job.this["cleanse_job"].name, null)
}

output "job_arns" {
  description = "ARNs of the Glue jobs, by job: extract_job and cleanse_job (with orchestration = \"glue_workflow\", each table's: extract_job_<table> and cleanse_job_<table>)."
  value = var.enabled ? (local.workflow_mode ? merge([
    for job, prefix in local.workflow_job_key_prefixes : { for name in keys(local.tables) : "${job}_${name}" => aws_glue_job.this["${prefix}_${name}"].arn }
  ]...) : { for job, glue_job in aws_glue_job.this : job => glue_job.arn }) : {}
}

output "workflow_name" {
  description = "The Glue workflow (orchestration = \"glue_workflow\"): start a run with `aws glue start-workflow-run --name <name>` (optionally `--run-properties run_id=<id>` to name the run's folders), watch it with `aws glue get-workflow-run --name <name> --run-id <id>`."
  value       = try(aws_glue_workflow.pipeline[0].name, null)
}

output "workflow_job_names" {
  description = "Each table's jobs in the Glue workflow, by table: extract_job and cleanse_job (empty with Step Functions, whose two jobs serve every table)."
  value = local.workflow_mode ? {
    for name in keys(local.tables) : name => { for job, prefix in local.workflow_job_key_prefixes : job => aws_glue_job.this["${prefix}_${name}"].name } if var.enabled
  } : {}
}

output "lambda_function_names" {
  description = "Names of the Lambdas by role: resolve_run, report_run, start_crawler and get_crawler_status (with catalog_updates = \"crawlers\"), and crawl_finished with crawler_wait = \"event\" (with catalog_updates = \"crawlers\"); none with orchestration = \"glue_workflow\"."
  value       = { for key, function in aws_lambda_function.this : key => function.function_name }
}

output "lambda_function_arns" {
  description = "ARNs of the Lambdas by role: resolve_run, report_run, start_crawler and get_crawler_status (with catalog_updates = \"crawlers\"), and crawl_finished with crawler_wait = \"event\" (with catalog_updates = \"crawlers\"); none with orchestration = \"glue_workflow\"."
  value       = { for key, function in aws_lambda_function.this : key => function.arn }
}

output "state_machine_arn" {
  description = "ARN of the pipeline state machine: start it with `aws stepfunctions start-execution --state-machine-arn <arn>`."
  value       = try(aws_sfn_state_machine.pipeline[0].arn, null)
}

output "state_machine_name" {
  description = "Name of the pipeline state machine."
  value       = try(aws_sfn_state_machine.pipeline[0].name, null)
}

output "state_machine_definition" {
  description = "The rendered Amazon States Language definition deployed to the state machine."
  value       = local.step_functions ? local.state_machine_definition : null
}

output "metrics_namespace" {
  description = "CloudWatch namespace of each run's figures: each table's rows (dimensions Pipeline = name_prefix, Table = the table's name) and, with Pipeline alone, SucceededTables and each table's QuarantineRatio (the Step Functions run report; in a Glue workflow each cleanse job its table's) and, from the Step Functions run report only, FailedTables, RunSeconds, each stage's <stage>Seconds and EstimatedCost; what dashboard_name shows and alarm_names watch. Null when disabled."
  value       = var.enabled ? local.metrics_namespace : null
}

output "notification_topic_arn" {
  description = "SNS topic of the pipeline's notifications: one message per failed, timed-out or aborted run and, with `notify_on_success`, each successful run's report (message attribute `outcome` = \"succeeded\")."
  value       = try(aws_sns_topic.notifications[0].arn, null)
}

output "role_arns" {
  description = "IAM roles by principal: extract_job (the extract job: the source, through the connection and its secret, and raw), cleanse_job (the cleanse job: raw, cleansed, quarantine and reports; no secret), lake_crawler (the raw and cleansed crawlers; none with catalog_updates = \"jobs\"), source_crawler (with jdbc_source: the source, through the connection and its secret), state_machine, one per Lambda (as lambda_function_names), and scheduler when a schedule is set."
  value = var.enabled ? merge(
    { for key, role in aws_iam_role.glue : key => role.arn },
    { for role in aws_iam_role.state_machine : "state_machine" => role.arn },
    { for key, role in aws_iam_role.lambda : key => role.arn },
    { for role in aws_iam_role.scheduler : "scheduler" => role.arn },
  ) : {}
}

output "log_group_names" {
  description = "CloudWatch log groups the module creates: the state machine's, the Lambdas', and each Glue job kind's output and error groups (/aws-glue/jobs/<name_prefix>/extract/... and .../cleanse/...). The crawlers log to Glue's /aws-glue/crawlers, in a stream named after each crawler."
  value = concat(
    aws_cloudwatch_log_group.state_machine[*].name,
    [for group in aws_cloudwatch_log_group.lambda : group.name],
    [for group in aws_cloudwatch_log_group.glue_job : group.name],
  )
}

output "lake_prefixes" {
  description = "This pipeline's key prefixes in the bucket, by stage: raw, cleansed, quarantine, reports (each holding one folder per table), scripts and temp. With create_bucket = false, add lifecycle rules for raw and quarantine to your bucket's own lifecycle configuration (the module sets none there): see raw_retention_days and quarantine_retention_days."
  value       = var.enabled ? merge(local.lake_prefixes, { scripts = local.scripts_prefix, temp = local.temp_prefix }) : {}
}

output "dashboard_name" {
  description = "The CloudWatch dashboard of the pipeline's runs, tables, quarantine ratio, durations and cost (null with dashboard_enabled = false or when disabled): open it at https://<region>.console.aws.amazon.com/cloudwatch/home?region=<region>#dashboards/dashboard/<name>."
  value       = try(aws_cloudwatch_dashboard.pipeline[0].dashboard_name, null)
}

output "alarm_names" {
  description = "The CloudWatch alarms created, by alarm: failed_tables, failed_crawls (a Glue workflow with crawlers), quarantine_ratio, run_duration (Step Functions only) and freshness, as the alarms input switches them; each notifies the notification topic on ALARM (and on OK with alarms.notify_ok)."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.pipeline : key => alarm.alarm_name }
}
