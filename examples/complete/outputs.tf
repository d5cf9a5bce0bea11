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

output "failure_topic_arn" {
  description = "SNS topic of failed runs."
  value       = module.etl.failure_topic_arn
}

output "raw_path" {
  description = "Where job1 writes each run's extract (raw/<table>/run_id=<run>/)."
  value       = module.etl.raw_path
}

output "cleansed_path" {
  description = "Location of the Iceberg table cleansed_customers, the current state job2 MERGEs each run into."
  value       = module.etl.cleansed_path
}

output "cleansed_table_name" {
  description = "The Iceberg table of the cleansed customers, one row per customer (query it with Athena, or Spark's Iceberg)."
  value       = module.etl.cleansed_table_name
}

output "cleansed_format" {
  description = "How job2 keeps the cleansed rows: here \"iceberg\", the current state."
  value       = module.etl.cleansed_format
}

output "quarantine_path" {
  description = "Where job2 writes rejected rows with their _reject_reason."
  value       = module.etl.quarantine_path
}

output "kms_key_arn" {
  description = "Customer-managed key of the pipeline (null unless use_customer_managed_key)."
  value       = one(aws_kms_key.pipeline[*].arn)
}
