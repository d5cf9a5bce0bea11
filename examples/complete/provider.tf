# Real AWS by default. With `local_endpoint` set (e.g. http://127.0.0.1:4566, as `make demo`
# and the tests do), every service used goes to the local emulator instead.
variable "local_endpoint" {
  description = "Endpoint of a local AWS emulator (moto or LocalStack). Null: real AWS."
  type        = string
  default     = null
}

variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

locals {
  emulated = var.local_endpoint != null
}

provider "aws" {
  region = var.region

  access_key                  = local.emulated ? "test" : null
  secret_key                  = local.emulated ? "test" : null
  skip_credentials_validation = local.emulated
  skip_metadata_api_check     = local.emulated
  skip_region_validation      = local.emulated
  s3_use_path_style           = local.emulated
  # An emulator that lacks a call would otherwise be retried for ten minutes.
  max_retries = local.emulated ? 2 : null

  dynamic "endpoints" {
    for_each = local.emulated ? [var.local_endpoint] : []
    content {
      cloudwatch     = endpoints.value
      cloudwatchlogs = endpoints.value
      dynamodb       = endpoints.value
      ec2            = endpoints.value
      eventbridge    = endpoints.value
      glue           = endpoints.value
      iam            = endpoints.value
      kms            = endpoints.value
      lambda         = endpoints.value
      s3             = endpoints.value
      secretsmanager = endpoints.value
      sfn            = endpoints.value
      sns            = endpoints.value
      sqs            = endpoints.value
      sts            = endpoints.value
    }
  }
}
