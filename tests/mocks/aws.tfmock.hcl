# What every mocked plan of the module needs from the aws provider: policy documents that are valid
# JSON (the resources that take a policy validate it), a known account and partition, and a region
# (eu-west-1, away from the us-east-1 default a region slip would fall back to) with ARNs in it. A
# test file loads it with `mock_provider "aws" { source = "./tests/mocks" }` (the path is from the
# module's root); a mock_data or mock_resource written inline there replaces this file's.

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

mock_data "aws_region" {
  defaults = {
    name = "eu-west-1"
  }
}

mock_data "aws_subnet" {
  defaults = {
    availability_zone = "eu-west-1b"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:mocked"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:eu-west-1:123456789012:mocked"
  }
}

mock_resource "aws_sfn_state_machine" {
  defaults = {
    arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:mocked"
  }
}

mock_resource "aws_cloudwatch_event_rule" {
  defaults = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/mocked"
  }
}

mock_resource "aws_glue_workflow" {
  defaults = {
    arn = "arn:aws:glue:eu-west-1:123456789012:workflow/mocked"
  }
}

mock_resource "aws_dynamodb_table" {
  defaults = {
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/mocked"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/mocked"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mocked"
  }
}

mock_resource "aws_glue_job" {
  defaults = {
    arn = "arn:aws:glue:eu-west-1:123456789012:job/mocked"
  }
}

mock_resource "aws_glue_crawler" {
  defaults = {
    arn = "arn:aws:glue:eu-west-1:123456789012:crawler/mocked"
  }
}
