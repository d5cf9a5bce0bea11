# An optional customer-managed key for the data lake, the logs and the notification topic, with the
# key policy the module needs (docs/security.md: "Using a customer-managed KMS key").

data "aws_caller_identity" "current" {
  count = var.use_customer_managed_key ? 1 : 0
}

data "aws_region" "current" {
  count = var.use_customer_managed_key ? 1 : 0
}

data "aws_partition" "current" {
  count = var.use_customer_managed_key ? 1 : 0
}

locals {
  key_account_id = one(data.aws_caller_identity.current[*].account_id)
  key_region     = one(data.aws_region.current[*].name)
  key_partition  = one(data.aws_partition.current[*].partition)
}

resource "aws_kms_key" "pipeline" {
  count = var.use_customer_managed_key ? 1 : 0

  description             = "Encrypts the ${var.name_prefix} pipeline's data lake, logs and failure topic."
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # The module grants its roles the key through IAM policies, which count only with this.
        Sid       = "EnableIamPolicies"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.key_partition}:iam::${local.key_account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
        Sid       = "CloudWatchLogsEncryptsThisAccountsLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.key_region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.key_partition}:logs:${local.key_region}:${local.key_account_id}:log-group:*" }
        }
      },
      {
        # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
        Sid       = "EventBridgePublishesToTheEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
      },
      {
        # The same for the module's CloudWatch alarms, whose actions publish to the topic: without it they fail.
        Sid       = "CloudWatchAlarmsPublishToTheEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
      },
    ]
  })
}
