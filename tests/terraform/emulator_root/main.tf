# Test root module: the module under test with a plain provider (providers.tf), which the tests
# point at the local emulator (local_aws/terraform.py writes an emulator_override.tf into a copy).
# The fixtures it adds stand for what a caller would already own: an existing bucket and the
# source's secret.

resource "aws_s3_bucket" "existing" {
  count = var.use_existing_bucket ? 1 : 0

  bucket        = "${var.name_prefix}-existing-lake"
  force_destroy = true

  # A bare bucket on purpose: it stands for a caller's existing bucket, whose settings the module must leave alone.
  #checkov:skip=CKV2_AWS_62:Test fixture standing for a caller's existing bucket.
  #checkov:skip=CKV_AWS_18:Test fixture standing for a caller's existing bucket.
  #checkov:skip=CKV2_AWS_61:Test fixture standing for a caller's existing bucket.
  #checkov:skip=CKV_AWS_144:Test fixture standing for a caller's existing bucket.
  #checkov:skip=CKV2_AWS_6:Test fixture standing for a caller's existing bucket.
  #checkov:skip=CKV_AWS_21:Test fixture standing for a caller's existing bucket.
  #checkov:skip=CKV_AWS_145:Test fixture standing for a caller's existing bucket.
}

resource "aws_secretsmanager_secret" "source" {
  count = var.jdbc_source_enabled ? 1 : 0

  name                    = "${var.name_prefix}-source"
  recovery_window_in_days = 0

  #checkov:skip=CKV2_AWS_57:Test fixture; the secret lives for one test run.
  #checkov:skip=CKV_AWS_149:Test fixture; the secret lives for one test run.
}

module "etl" {
  source = "../../.."

  name_prefix          = var.name_prefix
  create_bucket        = !var.use_existing_bucket
  bucket_name          = var.use_existing_bucket ? aws_s3_bucket.existing[0].bucket : null
  bucket_force_destroy = true
  # Without a JDBC source, the tests catalog a table source_<name> in the module's own database.
  source_database_name = var.jdbc_source_enabled ? null : replace(var.name_prefix, "-", "_")
  source_s3_arns       = var.source_s3_arns
  jdbc_source = var.jdbc_source_enabled ? {
    connection_url = "jdbc:postgresql://127.0.0.1:5432/sales"
    secret_arn     = aws_secretsmanager_secret.source[0].arn
    schema_path    = "sales/public"
  } : null
  tables = { for name, table in var.tables : name => merge({ source_table = var.jdbc_source_enabled ? name : "source_${name}" }, table) }

  glue_version            = var.glue_version
  worker_type             = var.worker_type
  number_of_workers       = var.number_of_workers
  flex_execution          = var.flex_execution
  job_bookmarks_enabled   = var.job_bookmarks_enabled
  cleansed_format         = var.cleansed_format
  catalog_updates         = var.catalog_updates
  schedule_expression     = var.schedule_expression
  log_retention_days      = var.log_retention_days
  crawler_timeout_minutes = var.crawler_timeout_minutes
  crawler_wait            = var.crawler_wait
  orchestration           = var.orchestration
  max_concurrency         = var.max_concurrency
  notify_on_success       = var.notify_on_success
  max_quarantine_ratio    = var.max_quarantine_ratio
  dashboard_enabled       = var.dashboard_enabled
  alarms                  = var.alarms
  kms_key_arn             = one(aws_kms_key.caller[*].arn)
  tags                    = { suite = "terraform-tests" }
}
