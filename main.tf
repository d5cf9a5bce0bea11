# Names, paths and shared lookups. The resources are split by concern:
# storage.tf, glue.tf, lambda.tf, orchestration.tf, notifications.tf and iam.tf.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  create          = var.enabled
  iceberg_enabled = var.cleansed_format == "iceberg"
  account_id      = data.aws_caller_identity.current.account_id
  region          = data.aws_region.current.name
  partition       = data.aws_partition.current.partition

  bucket_name = var.create_bucket ? coalesce(var.bucket_name, "${var.name_prefix}-datalake-${local.account_id}") : var.bucket_name
  bucket_arn  = "arn:${local.partition}:s3:::${local.bucket_name}"

  # Every object the module writes or reads lives under one of these prefixes.
  scripts_prefix    = "scripts/${var.name_prefix}/"
  raw_prefix        = "raw/${var.table_name}/"
  cleansed_prefix   = "cleansed/${var.table_name}/"
  quarantine_prefix = "quarantine/${var.table_name}/"
  reports_prefix    = "reports/${var.table_name}/"
  temp_prefix       = "temp/${var.name_prefix}/"

  raw_path        = "s3://${local.bucket_name}/${local.raw_prefix}"
  cleansed_path   = "s3://${local.bucket_name}/${local.cleansed_prefix}"
  quarantine_path = "s3://${local.bucket_name}/${local.quarantine_prefix}"
  reports_path    = "s3://${local.bucket_name}/${local.reports_prefix}"

  database_name        = coalesce(var.database_name, replace(var.name_prefix, "-", "_"))
  source_table_prefix  = "source_"
  raw_table_name       = "raw_${var.table_name}"
  cleansed_table_name  = "cleansed_${var.table_name}"
  source_catalog_table = coalesce(var.source_catalog_table, var.jdbc_source == null ? null : "${local.source_table_prefix}${lower(replace(var.jdbc_source.include_path, "/", "_"))}")
  jdbc_enabled         = local.create && var.jdbc_source != null
  source_database_name = coalesce(var.source_database_name, local.database_name)

  names = {
    raw_job          = "${var.name_prefix}-extract-to-raw"
    cleanse_job      = "${var.name_prefix}-cleanse-to-parquet"
    source_crawler   = "${var.name_prefix}-source-crawler"
    raw_crawler      = "${var.name_prefix}-raw-crawler"
    cleansed_crawler = "${var.name_prefix}-cleansed-crawler"
    connection       = "${var.name_prefix}-jdbc-source"
    state_machine    = "${var.name_prefix}-pipeline"
    failure_topic    = "${var.name_prefix}-pipeline-failures"
  }

  glue_arn_prefix = "arn:${local.partition}:glue:${local.region}:${local.account_id}"
  crawler_arns    = { for key in local.lake_crawler_keys : key => "${local.glue_arn_prefix}:crawler/${local.names[key]}" }

  tags = merge(var.tags, { "etl-pipeline" = var.name_prefix })
}
