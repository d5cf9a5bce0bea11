# Renders, with the real provider, the aws_iam_policy_document data sources that a plan of the
# examples defers to apply: their arguments are all known, but Terraform reads a data source only
# at apply when it refers to a managed resource with pending changes (the ARNs of the topic, the
# Lambdas, ...). tools/lint_iam_policies.py passes each one's arguments as they are in that plan;
# the documents here are the ones the module would render. Offline: this data source calls nothing.

terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variable "documents" {
  description = "Each deferred data source's arguments, by its address in the plan."
  type = map(object({
    version                   = optional(string)
    policy_id                 = optional(string)
    source_policy_documents   = optional(list(string))
    override_policy_documents = optional(list(string))
    statement = optional(list(object({
      sid           = optional(string)
      effect        = optional(string)
      actions       = optional(set(string))
      not_actions   = optional(set(string))
      resources     = optional(set(string))
      not_resources = optional(set(string))
      principals = optional(list(object({
        type        = string
        identifiers = set(string)
      })), [])
      not_principals = optional(list(object({
        type        = string
        identifiers = set(string)
      })), [])
      condition = optional(list(object({
        test     = string
        variable = string
        values   = list(string)
      })), [])
    })), [])
  }))
}

data "aws_iam_policy_document" "deferred" {
  for_each = var.documents

  version                   = each.value.version
  policy_id                 = each.value.policy_id
  source_policy_documents   = each.value.source_policy_documents
  override_policy_documents = each.value.override_policy_documents

  dynamic "statement" {
    for_each = each.value.statement
    content {
      sid           = statement.value.sid
      effect        = statement.value.effect
      actions       = statement.value.actions
      not_actions   = statement.value.not_actions
      resources     = statement.value.resources
      not_resources = statement.value.not_resources

      dynamic "principals" {
        for_each = statement.value.principals
        content {
          type        = principals.value.type
          identifiers = principals.value.identifiers
        }
      }

      dynamic "not_principals" {
        for_each = statement.value.not_principals
        content {
          type        = not_principals.value.type
          identifiers = not_principals.value.identifiers
        }
      }

      dynamic "condition" {
        for_each = statement.value.condition
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

output "json" {
  description = "Each document as the module would render it, by the data source's address."
  value       = { for address, document in data.aws_iam_policy_document.deferred : address => document.json }
}
