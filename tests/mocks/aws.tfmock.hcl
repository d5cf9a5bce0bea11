# What every mocked plan of the module needs from the aws provider, whatever its region: policy
# documents that are valid JSON (the resources that take a policy validate it) and a known account
# and partition. A test file loads it with `mock_provider "aws" { source = "./tests/mocks" }` (the
# path is from the module's root) and adds its own region and ARNs inline.

mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition = "aws"
  }
}
