################################################################################
# crawler_wait = "event": the state machine's crawl tasks wait for a task token, which
# crawl_finished returns on Glue's event for the crawl's end. No polling.
################################################################################

locals {
  # Without lake crawlers (catalog_updates = "jobs") there is no crawl to wait for.
  wait_for_crawl_events = local.step_functions && local.lake_crawls && var.crawler_wait == "event"
  # The crawlers whose end events this pipeline's waits take, from this account and region only:
  # events from other accounts and regions reach a bus too, with their own `account` and `region`
  # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html, eb-cross-region.html).
  # crawl_finished is told the same (lambda.tf), since anyone allowed to invoke it bypasses the rule.
  crawl_event_crawlers = [for key in local.lake_crawler_keys : local.names[key]]
}

resource "aws_dynamodb_table" "crawl_waits" {
  count = local.wait_for_crawl_events ? 1 : 0

  name         = "${var.name_prefix}-crawl-waits"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "crawler_name"
  range_key    = "execution_arn"

  attribute {
    name = "crawler_name"
    type = "S"
  }

  attribute {
    name = "execution_arn"
    type = "S"
  }

  # A wait's item outlives its task by nothing: the token is worthless once the task timed out.
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  point_in_time_recovery {
    enabled = false
  }

  tags = local.tags

  #checkov:skip=CKV_AWS_28:The items are task tokens that expire with their tasks; a backup restores nothing anyone could use.
  #checkov:skip=CKV_AWS_119:Encrypted with kms_key_arn when the caller gives one, with the AWS owned key otherwise.
  #checkov:skip=CKV2_AWS_16:On-demand billing: no capacity to scale.
}

# Glue sends "Glue Crawler State Change" for Started, Succeeded and Failed
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/events/EventTypes.html#glue-event-types).
resource "aws_cloudwatch_event_rule" "crawl_finished" {
  count = local.wait_for_crawl_events ? 1 : 0

  name        = "${var.name_prefix}-crawl-finished"
  description = "A crawl of the ${var.name_prefix} pipeline's crawlers ended: ends the run's wait for it."
  event_pattern = jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Crawler State Change"]
    account       = [local.account_id]
    region        = [local.region]
    detail = {
      crawlerName = local.crawl_event_crawlers
      state       = ["Succeeded", "Failed"]
    }
  })
  tags = local.tags
}

resource "aws_cloudwatch_event_target" "crawl_finished" {
  count = local.wait_for_crawl_events ? 1 : 0

  rule = aws_cloudwatch_event_rule.crawl_finished[0].name
  arn  = aws_lambda_function.this["crawl_finished"].arn
}

resource "aws_lambda_permission" "crawl_finished" {
  count = local.wait_for_crawl_events ? 1 : 0

  statement_id  = "CrawlFinishedEvents"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["crawl_finished"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.crawl_finished[0].arn
}
