# Every feature on: a PostgreSQL source over JDBC (its password in Secrets Manager, not in the state), three of its
# tables with their cleansing rules, the cleansed tables as Iceberg current states (one row per key; cleansed_format), a quality gate, Flex jobs, bookmarks, a nightly schedule, e-mail notifications and, with
# use_customer_managed_key, a customer-managed KMS key (kms.tf).

resource "aws_secretsmanager_secret" "source_database" {
  name                    = "${var.name_prefix}-source-database"
  description             = "username and password the extract job and the source crawler use to read the source database."
  recovery_window_in_days = 0

  #checkov:skip=CKV_AWS_149:An example; use your own KMS key in production.
  #checkov:skip=CKV2_AWS_57:Rotation depends on the database; configure it where the database is managed.
}

# The password goes to Secrets Manager and nowhere else: a write-only argument (Terraform 1.11)
# fed by an ephemeral variable is sent to the API and never saved in the plan or the state.
# Terraform cannot see a change of a write-only value: raise source_database_password_version to
# write a new password.
resource "aws_secretsmanager_secret_version" "source_database" {
  secret_id = aws_secretsmanager_secret.source_database.id
  secret_string_wo = jsonencode({
    username = var.source_database_username
    password = var.source_database_password
  })
  secret_string_wo_version = var.source_database_password_version
}

module "etl" {
  source = "../.."

  name_prefix   = var.name_prefix
  database_name = "${replace(var.name_prefix, "-", "_")}_lake"

  # TLS is required (require_tls defaults to true); the server's certificate is verified against
  # the root certificate at tls_certificate_s3_path (e.g. your RDS instance's CA), or Glue's default ones.
  jdbc_source = {
    connection_url          = var.source_jdbc_url
    secret_arn              = aws_secretsmanager_secret.source_database.arn
    schema_path             = "sales/public"
    tls_certificate_s3_path = var.source_tls_certificate_s3_path
  }

  tables = {
    customers = {
      key_columns     = ["customer_id"]
      order_by_column = "updated_at"
      column_types = {
        customer_id = "int"
        signup_date = "date"
        updated_at  = "timestamp"
        balance     = "decimal(12,2)"
        is_active   = "boolean"
      }
      required_columns = ["customer_id", "email"]
      email_columns    = ["email"]
      # Read whole every run, so that customers deleted at the source leave the current state too
      # (a current state only: the Parquet history keeps every run's rows).
      job_bookmarks = false
      deletes       = var.cleansed_format == "iceberg" ? "mirror" : "keep"
    }
    orders = {
      key_columns     = ["order_id"]
      order_by_column = "updated_at"
      column_types = {
        order_id    = "int"
        customer_id = "int"
        ordered_on  = "date"
        amount      = "decimal(12,2)"
        updated_at  = "timestamp"
      }
      required_columns = ["order_id", "customer_id", "amount"]
      # Each run reads the orders written or updated since the last one (updated_at only grows).
      bookmark_keys = ["updated_at"]
    }
    countries = {
      key_columns      = ["country_code"]
      required_columns = ["country_code", "name"]
    }
  }
  glue_version    = var.glue_version
  cleansed_format = var.cleansed_format
  catalog_updates = var.catalog_updates
  # A run that rejects more than half its rows publishes nothing (the quarantine is still written).
  max_quarantine_ratio = 0.5
  # A run that would delete more than half a mirrored table publishes nothing: the source may be truncated.
  max_deleted_ratio = 0.5

  worker_type           = "G.1X"
  number_of_workers     = 2
  flex_execution        = true
  job_bookmarks_enabled = true
  schedule_expression   = var.schedule_expression
  notification_emails   = var.notification_emails
  bucket_force_destroy  = true
  kms_key_arn           = one(aws_kms_key.pipeline[*].arn)

  tags = {
    team = "data-engineering"
  }
}
