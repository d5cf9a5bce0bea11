locals {
  # The zips are built by `make lambdas` (tools/build_lambda_packages.py) and committed,
  # so that consumers need nothing but `terraform apply`. Their roles: iam.tf.
  metrics_namespace = "GlueEtlPipeline"
  all_lambda_functions = {
    resolve_run = {
      name        = "${var.name_prefix}-resolve-run"
      description = "Checks a run of the ${var.name_prefix} pipeline's input (run id, tables) before any job starts."
      environment = tomap({})
    }
    start_crawler = {
      name        = "${var.name_prefix}-start-crawler"
      description = "Starts a Glue crawler of the ${var.name_prefix} pipeline; reports one already running."
      environment = tomap(local.crawl_waits_environment)
    }
    get_crawler_status = {
      name        = "${var.name_prefix}-get-crawler-status"
      description = "Reports the state and last crawl outcome of a Glue crawler of the ${var.name_prefix} pipeline."
      environment = tomap(local.crawl_waits_environment)
    }
    crawl_finished = {
      name        = "${var.name_prefix}-crawl-finished"
      description = "Ends the ${var.name_prefix} pipeline's waits for a crawl on Glue's event for its end."
      environment = tomap(merge(local.crawl_waits_environment, local.crawl_events_environment))
    }
    report_run = {
      name        = "${var.name_prefix}-report-run"
      description = "Reports a successful run of the ${var.name_prefix} pipeline: its figures as the execution's output and CloudWatch metrics."
      environment = tomap(merge({ METRICS_NAMESPACE = local.metrics_namespace }, var.notify_on_success ? { SUCCESS_TOPIC_ARN = try(aws_sns_topic.notifications[0].arn, "") } : {}))
    }
  }
  # A Glue workflow runs no Lambda.
  lambda_functions = local.workflow_mode ? {} : { for key, function in local.all_lambda_functions : key => function if key != "crawl_finished" || var.crawler_wait == "event" }
  crawl_waits_environment = var.crawler_wait == "event" ? {
    CRAWL_WAITS_TABLE = try(aws_dynamodb_table.crawl_waits[0].name, "")
  } : {}
  # What crawl_finished takes an event for, the rule's pattern bypassed (a direct invocation): this
  # account's and region's events about this pipeline's crawlers.
  crawl_events_environment = {
    CRAWL_EVENTS_ACCOUNT = local.account_id
    CRAWL_EVENTS_REGION  = local.region
    PIPELINE_CRAWLERS    = jsonencode(local.crawl_event_crawlers)
  }
  # In event mode, start_crawler also checks whether an earlier crawl ended before its wait was recorded.
  crawler_lambda_glue_actions = {
    start_crawler      = var.crawler_wait == "event" ? ["glue:StartCrawler", "glue:GetCrawler"] : ["glue:StartCrawler"]
    get_crawler_status = ["glue:GetCrawler"]
    crawl_finished     = ["glue:StartCrawler"]
  }
  # The services each function reaches data under the customer key through (kms_key_arn), and the
  # key actions they need: Decrypt to read the jobs' figures from S3 and the crawl-wait table's
  # items (DynamoDB decrypts the table key for the caller), GenerateDataKey too to publish to the
  # topic.
  lambda_key_services = {
    resolve_run        = []
    start_crawler      = var.crawler_wait == "event" ? ["dynamodb"] : []
    get_crawler_status = var.crawler_wait == "event" ? ["dynamodb"] : []
    crawl_finished     = ["dynamodb"]
    report_run         = var.notify_on_success ? ["s3", "sns"] : ["s3"]
  }
  lambda_key_actions = {
    for key, services in local.lambda_key_services : key => distinct(flatten([
      for service in services : service == "sns" ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"]
    ]))
  }
  crawl_wait_table_actions = {
    start_crawler      = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    get_crawler_status = ["dynamodb:DeleteItem"]
    crawl_finished     = ["dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
  }
}

resource "aws_cloudwatch_log_group" "lambda" {
  for_each = var.enabled ? local.lambda_functions : {}

  name              = "/aws/lambda/${each.value.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags

  #checkov:skip=CKV_AWS_338:Retention is the caller's choice (log_retention_days); a year is not forced on crawler status logs.
  #checkov:skip=CKV_AWS_158:Encrypted with kms_key_arn when the caller gives one; CloudWatch Logs encrypts at rest otherwise.
}

resource "aws_lambda_function" "this" {
  for_each = var.enabled ? local.lambda_functions : {}

  function_name    = each.value.name
  description      = each.value.description
  role             = aws_iam_role.lambda[each.key].arn
  runtime          = "python3.12"
  architectures    = ["arm64"]
  handler          = "${each.key}.lambda_handler"
  filename         = "${path.module}/lambdas/dist/${each.key}.zip"
  source_code_hash = filebase64sha256("${path.module}/lambdas/dist/${each.key}.zip")
  timeout          = var.lambda_timeout_seconds
  memory_size      = 128

  environment {
    variables = merge({ LOG_LEVEL = "INFO" }, each.value.environment)
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.lambda[each.key].name
  }

  tags = local.tags

  #checkov:skip=CKV_AWS_117:The functions only call AWS APIs (Glue, S3, Step Functions, CloudWatch, SNS); a VPC would add NAT or endpoint costs for nothing.
  #checkov:skip=CKV_AWS_116:Invoked synchronously by the state machine, which retries and catches errors; a DLQ would never receive anything.
  #checkov:skip=CKV_AWS_115:Concurrency is bounded by the state machine's executions; reserving it would take from the account pool.
  #checkov:skip=CKV_AWS_50:X-Ray tracing of a few AWS API calls adds cost without insight.
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile the caller owns; the package is built reproducibly from this repository.
  #checkov:skip=CKV_AWS_173:The environment holds LOG_LEVEL, the metrics namespace, the topic ARN, the wait table and crawler names, the account and region, none secret.
}
