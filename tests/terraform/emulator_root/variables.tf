variable "name_prefix" {
  description = "Prefix of the stack under test."
  type        = string
}

variable "use_existing_bucket" {
  description = "Create a bucket here and pass it to the module as an existing one."
  type        = bool
  default     = false
}

variable "jdbc_source_enabled" {
  description = "Configure a JDBC source with its secret."
  type        = bool
  default     = false
}

variable "cleansed_format" {
  description = "Passed through to the module."
  type        = string
  default     = "parquet"
}

variable "source_s3_arns" {
  description = "Passed through to the module: where the tests' own source tables (in the module's database) keep their data."
  type        = list(string)
  default     = []
}

variable "glue_version" {
  description = "Passed through to the module; null: the module's default."
  type        = string
  default     = null
}

variable "worker_type" {
  description = "Passed through to the module."
  type        = string
  default     = "G.1X"
}

variable "number_of_workers" {
  description = "Passed through to the module."
  type        = number
  default     = 2
}

variable "flex_execution" {
  description = "Passed through to the module."
  type        = bool
  default     = false
}

variable "job_bookmarks_enabled" {
  description = "Passed through to the module."
  type        = bool
  default     = false
}

variable "schedule_expression" {
  description = "Passed through to the module."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Passed through to the module."
  type        = number
  default     = 30
}

variable "crawler_timeout_minutes" {
  description = "Passed through to the module."
  type        = number
  default     = 30
}

variable "orchestration" {
  description = "Passed through to the module."
  type        = string
  default     = "step_functions"
}

variable "crawler_wait" {
  description = "Passed through to the module."
  type        = string
  default     = "poll"
}

variable "tables" {
  description = "Passed through to the module, each table's source_table defaulting to source_<name> (or, with jdbc_source_enabled, <name>)."
  type        = any
  default     = { customers = { key_columns = ["id"] } }
}

variable "customer_managed_key" {
  description = "Create a customer-managed KMS key here and pass it to the module as kms_key_arn."
  type        = bool
  default     = false
}

variable "max_concurrency" {
  description = "Passed through to the module."
  type        = number
  default     = 4
}

variable "notify_on_success" {
  description = "Passed through to the module."
  type        = bool
  default     = false
}

variable "catalog_updates" {
  description = "Passed through to the module."
  type        = string
  default     = "crawlers"
}

variable "max_quarantine_ratio" {
  description = "Passed through to the module."
  type        = number
  default     = null
}

variable "dashboard_enabled" {
  description = "Passed through to the module."
  type        = bool
  default     = true
}

variable "alarms" {
  description = "Passed through to the module (e.g. { freshness = { enabled = true, hours = 1 } })."
  type        = any
  default     = {}
}
