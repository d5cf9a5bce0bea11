locals {
  # The zips are built by `make lambdas` (tools/build_lambda_packages.py) and committed,
  # so that consumers need nothing but `terraform apply`. Their roles: iam.tf.
  metrics_namespace = "GlueEtlPipeline"
  # Each function, the modules its package carries and what its role may do: lambdas/functions.json,
  # which tools/build_lambda_packages.py reads too. A function, a statement, extra actions
  # (actions_when) or a key use (key_services) with a "when" applies only when that condition holds.
  lambda_catalog = jsondecode(file("${path.module}/lambdas/functions.json"))
  lambda_conditions = {
    always = true
    # The crawler Lambdas exist only with lake crawlers to start and check (catalog_updates = "crawlers").
    lake_crawls        = local.lake_crawls
    crawler_wait_event = local.lake_crawls && var.crawler_wait == "event"
    notify_on_success  = var.notify_on_success
  }
  # Every function's memory; the report prices the functions' GB-seconds with it.
  lambda_memory_mb = 128
  # What each function's environment names, besides LOG_LEVEL; resources, so not in functions.json.
  lambda_environments = {
    resolve_run        = {}
    start_crawler      = local.crawl_waits_environment
    get_crawler_status = local.crawl_waits_environment
    crawl_finished     = merge(local.crawl_waits_environment, local.crawl_events_environment)
    report_run         = merge(local.report_run_environment, var.notify_on_success ? { SUCCESS_TOPIC_ARN = try(aws_sns_topic.notifications[0].arn, "") } : {})
  }
  # What the report prices the run with (lambdas/run_cost.py): the prices, the jobs whose runs it reads,
  # the lake crawlers whose crawls it lists (none without crawlers) and the functions' memory.
  report_run_environment = {
    METRICS_NAMESPACE = local.metrics_namespace
    PRICES            = jsonencode(var.prices)
    GLUE_JOBS         = jsonencode({ for key, job in local.shared_glue_jobs : key => job.name })
    LAKE_CRAWLERS     = join(",", [for key in local.lake_crawler_keys : local.names[key]])
    LAMBDA_MEMORY_MB  = tostring(local.lambda_memory_mb)
  }
  # A Glue workflow runs no Lambda.
  lambda_functions = local.workflow_mode ? {} : {
    for key, function in local.lambda_catalog : key => {
      name        = "${var.name_prefix}-${replace(key, "_", "-")}"
      description = replace(function.description, "{name_prefix}", var.name_prefix)
      environment = tomap(local.lambda_environments[key])
    } if local.lambda_conditions[try(function.when, "always")]
  }
  crawl_waits_environment = local.wait_for_crawl_events ? {
    CRAWL_WAITS_TABLE = try(aws_dynamodb_table.crawl_waits[0].name, "")
  } : {}
  # What crawl_finished takes an event for, the rule's pattern bypassed (a direct invocation): this
  # account's and region's events about this pipeline's crawlers.
  crawl_events_environment = {
    CRAWL_EVENTS_ACCOUNT = local.account_id
    CRAWL_EVENTS_REGION  = local.region
    PIPELINE_CRAWLERS    = jsonencode(local.crawl_event_crawlers)
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
  memory_size      = local.lambda_memory_mb

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
  #checkov:skip=CKV_AWS_173:The environment holds LOG_LEVEL, the metrics namespace, the topic ARN, the wait table, job and crawler names, the account and region, prices and memory, none secret.
}
