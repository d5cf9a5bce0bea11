variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "etl-complete"
}

variable "source_jdbc_url" {
  description = "JDBC URL of the source PostgreSQL database."
  type        = string
  default     = "jdbc:postgresql://127.0.0.1:5432/sales"
}

variable "source_tls_certificate_s3_path" {
  description = "s3:// location of the root certificate (PEM) the source database's TLS certificate must chain to, e.g. the root of your RDS instance's CA in your region; null: Glue's default certificates."
  type        = string
  default     = null
}

variable "source_database_username" {
  description = "User the pipeline reads the source database as."
  type        = string
  default     = "etl_reader"
}

variable "source_database_password" {
  description = "Password of that user, written to the Secrets Manager secret only (pass it with TF_VAR_source_database_password): ephemeral, so Terraform keeps it in neither the plan nor the state. Give it on every plan and apply."
  type        = string
  default     = "change-me"
  sensitive   = true
  ephemeral   = true
}

variable "source_database_password_version" {
  description = "Version of the password in the secret: the secret is written when this changes (Terraform cannot compare a value it does not keep), so raise it with a new password."
  type        = number
  default     = 1
}

variable "schedule_expression" {
  description = "When the pipeline runs."
  type        = string
  default     = "cron(0 3 * * ? *)"
}

variable "notification_emails" {
  description = "Who hears about failed runs."
  type        = list(string)
  default     = []
}

variable "use_customer_managed_key" {
  description = "Create a customer-managed KMS key (kms.tf) and encrypt the data lake, the logs and the failure topic with it. False: SSE-S3, and the logs and topic without a KMS key."
  type        = bool
  default     = false
}

variable "glue_version" {
  description = "Glue version of the jobs: \"5.0\", \"5.1\", \"6.0\" or \"6.1\"; null: the module's default (5.1)."
  type        = string
  default     = null
}

variable "cleansed_format" {
  description = "How the cleansed rows are kept: \"iceberg\" (the current state, one row per key) or \"parquet\" (a history of runs)."
  type        = string
  default     = "iceberg"
}

variable "catalog_updates" {
  description = "What catalogs raw_<table> and cleansed_<table> after each run: \"crawlers\" (one crawl of raw, and of cleansed with Parquet) or \"jobs\" (each job what it wrote; no lake crawler, no crawl)."
  type        = string
  default     = "crawlers"
}
