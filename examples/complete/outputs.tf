output "state_machine_arn" {
  description = "Start a run with `aws stepfunctions start-execution --state-machine-arn <this>`."
  value       = module.etl.state_machine_arn
}

output "bucket_name" {
  description = "Data lake bucket."
  value       = module.etl.bucket_name
}

output "source_crawler_name" {
  description = "Run once to catalog the source table before the first pipeline run."
  value       = module.etl.source_crawler_name
}

output "database_name" {
  description = "Glue database of the source, raw and cleansed tables."
  value       = module.etl.database_name
}

output "notification_topic_arn" {
  description = "SNS topic of failed runs."
  value       = module.etl.notification_topic_arn
}

output "tables" {
  description = "Each table's catalog tables (raw_<name>, cleansed_<name>: by default Iceberg, one row per key; query them with Athena, or Spark's Iceberg) and S3 locations (raw, cleansed, quarantine)."
  value       = module.etl.tables
}

output "cleansed_format" {
  description = "How the cleanse job keeps the cleansed rows: \"iceberg\" (the default here, the current state) or \"parquet\"."
  value       = module.etl.cleansed_format
}

output "glue_runtime" {
  description = "The jobs' Glue version and the Spark, Python, Scala and Iceberg it runs."
  value       = module.etl.glue_runtime
}

output "kms_key_arn" {
  description = "Customer-managed key of the pipeline (null unless use_customer_managed_key)."
  value       = one(aws_kms_key.pipeline[*].arn)
}

output "dashboard_name" {
  description = "The pipeline's CloudWatch dashboard: runs, each table's rows per stage, quarantine ratio, durations and cost."
  value       = module.etl.dashboard_name
}

output "alarm_names" {
  description = "The pipeline's CloudWatch alarms by alarm (failed_tables, quarantine_ratio, run_duration, freshness), each notifying the topic."
  value       = module.etl.alarm_names
}
