# The pipeline as a Glue workflow: no state machine and no Lambda; its graph (each table's extract
# job, one crawl of raw, each table's cleanse job, one crawl of cleansed) in the Glue console,
# failures alerted through EventBridge to the notification topic. Two tables of the caller's landing zone.

module "etl" {
  source = "../.."

  name_prefix          = "workflow-orders"
  source_database_name = "landing"
  source_s3_arns       = ["arn:aws:s3:::example-landing-zone", "arn:aws:s3:::example-landing-zone/*"]
  orchestration        = "glue_workflow"
  notification_emails  = ["data-team@example.com"]

  tables = {
    orders    = { key_columns = ["order_id"], order_by_column = "updated_at" }
    customers = { key_columns = ["customer_id"], email_columns = ["email"] }
  }

  # Runs are started from elsewhere (no schedule_expression): the freshness alarm, on by default only
  # with a schedule, watches that a table succeeds at least once a day.
  alarms = {
    freshness = { enabled = true, hours = 26 }
  }
}

output "workflow_name" {
  description = "Start a run with `aws glue start-workflow-run --name <this> --run-properties run_id=<id>`."
  value       = module.etl.workflow_name
}

output "workflow_job_names" {
  description = "Each table's two jobs."
  value       = module.etl.workflow_job_names
}

output "bucket_name" {
  description = "The data lake bucket."
  value       = module.etl.bucket_name
}

output "tables" {
  description = "Each table's catalog tables and folders (raw_path, cleansed_path, quarantine_path, reports_path)."
  value       = module.etl.tables
}

output "metrics_namespace" {
  description = "CloudWatch namespace of each table's metrics (dimensions Pipeline and Table), put by its cleanse job."
  value       = module.etl.metrics_namespace
}

output "notification_topic_arn" {
  description = "The SNS topic a failed job or crawl alerts."
  value       = module.etl.notification_topic_arn
}

output "database_name" {
  description = "The Glue database of the raw_<table> and cleansed_<table> catalog tables."
  value       = module.etl.database_name
}

output "dashboard_name" {
  description = "The pipeline's CloudWatch dashboard: each table's rows per stage and the quarantine ratio (the widgets of what only a Step Functions run reports say so)."
  value       = module.etl.dashboard_name
}

output "alarm_names" {
  description = "The pipeline's CloudWatch alarms by alarm (failed_tables, quarantine_ratio, freshness), each notifying the topic."
  value       = module.etl.alarm_names
}
