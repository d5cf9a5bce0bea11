# Plan-level checks of the rendered IAM policy documents. A mocked provider would mock
# aws_iam_policy_document too, so these runs use the real provider, which renders those
# documents locally: it is configured to call nothing (dummy credentials, no validation), and
# the one data source that would call AWS is overridden. Offline, a few seconds; run by
# `terraform test` (tests/test_static.py in `make test`).

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 1
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
  }
}

variables {
  name_prefix          = "plan-test"
  table_name           = "customers"
  source_catalog_table = "source_customers"
}

run "glue_and_lambda_trust_no_undocumented_source_account" {
  command = plan

  assert {
    condition = alltrue([
      for service in ["glue", "lambda"] :
      !can(jsondecode(data.aws_iam_policy_document.assume_role[service].json).Statement[0].Condition)
    ])
    error_message = "Glue and Lambda are not documented to send aws:SourceAccount when assuming a role: a condition on it would deny them."
  }

  assert {
    condition = alltrue([
      for service in ["states", "events"] :
      jsondecode(data.aws_iam_policy_document.assume_role[service].json).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    ])
    error_message = "Step Functions and EventBridge document aws:SourceAccount: their trust policies keep it against the confused deputy."
  }
}
