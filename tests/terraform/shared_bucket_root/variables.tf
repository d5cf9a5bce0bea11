variable "name_prefix" {
  description = "The pipeline's name_prefix: its folder in each stage of the shared bucket."
  type        = string
}

variable "bucket_name" {
  description = "The shared bucket, created by the test."
  type        = string
}

variable "source_database_name" {
  description = "The catalog database holding this pipeline's source table customers."
  type        = string
}

variable "source_s3_arns" {
  description = "Where that source table's files are, which the extract job may read."
  type        = list(string)
}
