output "bucket_name" {
  description = "Data lake bucket holding scripts/, raw/, cleansed/ and quarantine/."
  value       = local.create ? local.bucket_name : null
}

output "bucket_arn" {
  description = "ARN of the data lake bucket."
  value       = local.create ? local.bucket_arn : null
}

output "raw_path" {
  description = "S3 prefix job1 writes the raw CSV to."
  value       = local.create ? local.raw_path : null
}

output "cleansed_path" {
  description = "S3 prefix of the cleansed rows: job2's Parquet history, or the Iceberg table's location (cleansed_format)."
  value       = local.create ? local.cleansed_path : null
}

output "quarantine_path" {
  description = "S3 prefix job2 writes rejected rows to, each with its _reject_reason."
  value       = local.create ? local.quarantine_path : null
}

output "database_name" {
  description = "Glue catalog database of the source, raw and cleansed tables."
  value       = try(aws_glue_catalog_database.this[0].name, null)
}

output "source_table_name" {
  description = "Catalog table job1 reads."
  value       = local.create ? local.source_catalog_table : null
}

output "raw_table_name" {
  description = "Catalog table crawler1 creates over the raw CSV."
  value       = local.create ? local.raw_table_name : null
}

output "cleansed_table_name" {
  description = "Catalog table of the cleansed rows: created by crawler2 over the Parquet history, or by job2 as an Iceberg table (cleansed_format)."
  value       = local.create ? local.cleansed_table_name : null
}

output "cleansed_format" {
  description = "How the cleansed rows are kept: \"parquet\" (a history of runs) or \"iceberg\" (the current state, one row per key)."
  value       = var.cleansed_format
}

output "jdbc_connection_name" {
  description = "Glue connection to the JDBC source (null without jdbc_source)."
  value       = try(aws_glue_connection.jdbc_source[0].name, null)
}

output "source_crawler_name" {
  description = "Crawler that catalogs the JDBC source table (null without jdbc_source)."
  value       = try(aws_glue_crawler.source[0].name, null)
}

output "raw_crawler_name" {
  description = "crawler1, over the raw prefix."
  value       = try(aws_glue_crawler.lake["raw_crawler"].name, null)
}

output "cleansed_crawler_name" {
  description = "crawler2, over the cleansed prefix (null with cleansed_format = \"iceberg\", whose table needs no crawler)."
  value       = try(aws_glue_crawler.lake["cleansed_crawler"].name, null)
}

output "crawler_arns" {
  description = "ARNs of the crawlers, by role: source (when configured), raw, cleansed (with cleansed_format = \"parquet\")."
  value = merge(
    { for key, crawler in aws_glue_crawler.lake : trimsuffix(key, "_crawler") => crawler.arn },
    { for crawler in aws_glue_crawler.source : "source" => crawler.arn },
  )
}

output "raw_job_name" {
  description = "job1: source table -> raw CSV."
  value       = try(aws_glue_job.this["raw_job"].name, null)
}

output "cleanse_job_name" {
  description = "job2: raw CSV -> cleansed rows (Parquet history or the Iceberg table)."
  value       = try(aws_glue_job.this["cleanse_job"].name, null)
}

output "job_arns" {
  description = "ARNs of the Glue jobs, by role: raw, cleanse."
  value       = local.create ? { raw = aws_glue_job.this["raw_job"].arn, cleanse = aws_glue_job.this["cleanse_job"].arn } : {}
}

output "lambda_function_names" {
  description = "Lambdas by role: start_crawler, get_crawler_status, report_run."
  value       = { for key, function in aws_lambda_function.this : key => function.function_name }
}

output "lambda_function_arns" {
  description = "ARNs of the Lambdas by role: start_crawler, get_crawler_status, report_run."
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
  value       = local.create ? local.state_machine_definition : null
}

output "metrics_namespace" {
  description = "CloudWatch namespace of each successful run's figures (dimensions Pipeline = name_prefix, Table = table_name)."
  value       = local.metrics_namespace
}

output "failure_topic_arn" {
  description = "SNS topic that receives one message per failed, timed-out or aborted run."
  value       = try(aws_sns_topic.failures[0].arn, null)
}

output "role_arns" {
  description = "IAM roles by principal: glue_job, glue_crawler, state_machine, start_crawler, get_crawler_status, and scheduler when a schedule is set."
  value = local.create ? merge(
    {
      glue_job      = aws_iam_role.glue_job[0].arn
      glue_crawler  = aws_iam_role.glue_crawler[0].arn
      state_machine = aws_iam_role.state_machine[0].arn
    },
    { for key, role in aws_iam_role.lambda : key => role.arn },
    var.schedule_expression == null ? {} : { scheduler = aws_iam_role.scheduler[0].arn },
  ) : {}
}

output "log_group_names" {
  description = "CloudWatch log groups of the state machine and the Lambdas."
  value       = local.create ? concat([aws_cloudwatch_log_group.state_machine[0].name], [for group in aws_cloudwatch_log_group.lambda : group.name]) : []
}
