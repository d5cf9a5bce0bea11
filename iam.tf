# One role per principal, every statement scoped to the ARNs it needs. "*" appears only where
# the action supports no resource-level permissions, with a comment saying so.

locals {
  catalog_arns = [
    "${local.glue_arn_prefix}:catalog",
    "${local.glue_arn_prefix}:database/${local.database_name}",
    "${local.glue_arn_prefix}:table/${local.database_name}/*",
  ]
  source_catalog_arns = distinct(concat(local.catalog_arns, [
    "${local.glue_arn_prefix}:database/${local.source_database_name}",
    "${local.glue_arn_prefix}:table/${local.source_database_name}/*",
  ]))
  source_bucket_arns = [for arn in var.source_s3_arns : arn if !strcontains(arn, "/")]
  source_object_arns = [for arn in var.source_s3_arns : arn if strcontains(arn, "/")]
  connection_arns    = local.jdbc_enabled ? ["${local.glue_arn_prefix}:connection/${local.names.connection}"] : []
  logs_arn_prefix    = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group"

  # A trust policy may require aws:SourceAccount only where AWS documents that the service sends
  # it when assuming the role: a condition on a key missing from the request denies AssumeRole.
  # - states: https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
  #   ("Prevent cross-service confused deputy issue")
  # - events: https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
  # - glue: not documented (https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html trusts
  #   glue.amazonaws.com alone); with the condition, CreateCrawler fails with "Service is unable to
  #   assume provided role. Please verify role's TrustPolicy".
  # - lambda: not documented for execution roles
  #   (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html).
  trust_requires_source_account = {
    glue   = false
    lambda = false
    states = true
    events = true
  }
}

data "aws_iam_policy_document" "assume_role" {
  for_each = local.trust_requires_source_account

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["${each.key}.amazonaws.com"]
    }
    dynamic "condition" {
      for_each = each.value ? [local.account_id] : []
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [condition.value]
      }
    }
  }
}

################################################################################
# Glue jobs and crawlers
################################################################################

# Bucket listing, source and key access shared by the jobs and the crawlers.
data "aws_iam_policy_document" "glue_shared_access" {
  # Object actions stay scoped to the module's prefixes; listing cannot be. S3 answers a
  # HeadObject/GetObject of a missing key with 404 only to a caller allowed s3:ListBucket, and
  # evaluates that permission with no s3:prefix in the request, so an s3:prefix condition turns
  # every existence check of Spark and the crawlers into a 403 that fails the run:
  # https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html ("If you don't have the
  # s3:ListBucket permission, Amazon S3 returns an HTTP status code 403"). GetBucketLocation
  # carries no prefix either.
  statement {
    sid       = "ListLakeBucket"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [local.bucket_arn]
  }

  dynamic "statement" {
    for_each = local.jdbc_enabled ? [1] : []
    content {
      sid       = "UseSourceConnection"
      actions   = ["glue:GetConnection"]
      resources = concat(local.connection_arns, ["${local.glue_arn_prefix}:catalog"])
    }
  }

  dynamic "statement" {
    for_each = local.jdbc_enabled ? [1] : []
    content {
      sid       = "ReadSourceSecret"
      actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      resources = [var.jdbc_source.secret_arn]
    }
  }

  dynamic "statement" {
    # Glue reads the connection's CUSTOM_JDBC_CERT under the role of the job or crawler using the connection.
    for_each = local.jdbc_enabled && try(var.jdbc_source.tls_certificate_s3_path, null) != null ? [var.jdbc_source.tls_certificate_s3_path] : []
    content {
      sid       = "ReadSourceTlsCertificate"
      actions   = ["s3:GetObject"]
      resources = ["arn:${local.partition}:s3:::${trimprefix(statement.value, "s3://")}"]
    }
  }

  dynamic "statement" {
    # Only a connection with network options (a subnet) has Glue create network interfaces.
    for_each = local.jdbc_enabled && try(var.jdbc_source.subnet_id, null) != null ? [1] : []
    content {
      sid = "ReachSourceInVpc"
      # The EC2 actions Glue documents for connections in a VPC:
      # https://docs.aws.amazon.com/glue/latest/dg/create-service-policy.html
      actions = [
        "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables",
        "ec2:DescribeVpcAttribute", "ec2:CreateTags", "ec2:DeleteTags",
      ]
      resources = ["*"] # Glue creates its network interfaces with IDs unknown in advance; EC2 Describe* take no resource.
    }
  }

  dynamic "statement" {
    for_each = var.lake_formation_enabled ? [1] : []
    content {
      sid     = "GetLakeFormationCredentials"
      actions = ["lakeformation:GetDataAccess"]
      # GetDataAccess supports no resource-level permissions:
      # https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslakeformation.html
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseDataKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"]
      resources = [statement.value]
    }
  }
}


data "aws_iam_policy_document" "glue_job" {
  source_policy_documents = [data.aws_iam_policy_document.glue_shared_access.json]

  # Bucket-level, without an s3:prefix condition: see ListLakeBucket in glue_shared_access.
  statement {
    sid       = "ListOwnMultipartUploads"
    actions   = ["s3:ListBucketMultipartUploads"]
    resources = [local.bucket_arn]
  }

  statement {
    sid       = "ReadScripts"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_arn}/${local.scripts_prefix}*"]
  }

  statement {
    sid = "ReadWriteOwnData"
    # Spark writes large files as multipart uploads, and aborts them when a task fails:
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
    actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    # The folder's own key too: Spark checks that an output path exists (a HeadObject of the
    # folder's key, e.g. cleansed/<table>) before it writes under it. One ARN pair per stage, not per
    # table: IAM caps a role's inline policies at 10,240 characters without whitespace, and eight
    # ARNs a table passed it from about a dozen tables
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
    resources = flatten([
      for prefix in concat(values(local.lake_prefixes), [local.temp_prefix]) :
      ["${local.bucket_arn}/${trimsuffix(prefix, "/")}", "${local.bucket_arn}/${prefix}*"]
    ])
  }

  statement {
    sid       = "ReadSourceCatalog"
    actions   = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"]
    resources = local.source_catalog_arns
  }

  dynamic "statement" {
    for_each = length(local.source_bucket_arns) > 0 ? [1] : []
    content {
      sid       = "ListSourceBuckets"
      actions   = ["s3:ListBucket"]
      resources = local.source_bucket_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.source_object_arns) > 0 ? [1] : []
    content {
      sid       = "ReadSourceData"
      actions   = ["s3:GetObject"]
      resources = local.source_object_arns
    }
  }

  dynamic "statement" {
    for_each = local.iceberg_enabled ? [1] : []
    content {
      sid = "CommitCurrentStateTable"
      # Iceberg's GlueCatalog creates the table on its first commit and swaps its metadata_location
      # with UpdateTable on every later one (reads are ReadSourceCatalog's GetTable); Glue judges
      # CreateTable and UpdateTable on the catalog, the database and the table:
      # https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html
      actions = ["glue:CreateTable", "glue:UpdateTable"]
      # The pipeline's own database holds them; one pattern for all of them keeps the policy's size
      # independent of the number of tables.
      resources = [
        "${local.glue_arn_prefix}:catalog",
        "${local.glue_arn_prefix}:database/${local.database_name}",
        "${local.glue_arn_prefix}:table/${local.database_name}/${local.cleansed_table_prefix}*",
      ]
    }
  }

  statement {
    sid       = "WriteJobLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]
    resources = ["${local.logs_arn_prefix}:/aws-glue/*"]
  }

  statement {
    sid       = "PublishJobMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource-level permissions; limited to Glue's namespace and, in a workflow, the pipeline's.
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = local.workflow_mode ? ["Glue", local.metrics_namespace] : ["Glue"]
    }
  }

  dynamic "statement" {
    for_each = local.workflow_mode ? [1] : []
    content {
      sid       = "ReadWorkflowRunProperties" # a workflow run's run_id names its folders (glue_runtime.py)
      actions   = ["glue:GetWorkflowRunProperties"]
      resources = ["${local.glue_arn_prefix}:workflow/${var.name_prefix}-pipeline"]
    }
  }
}

resource "aws_iam_role" "glue_job" {
  count = local.create ? 1 : 0

  name               = "${var.name_prefix}-glue-job"
  description        = "Runs the ${var.name_prefix} Glue jobs."
  assume_role_policy = data.aws_iam_policy_document.assume_role["glue"].json
  tags               = local.tags
}

resource "aws_iam_role_policy" "glue_job" {
  count = local.create ? 1 : 0

  name   = "glue-job"
  role   = aws_iam_role.glue_job[0].id
  policy = data.aws_iam_policy_document.glue_job.json
}

data "aws_iam_policy_document" "glue_crawler" {
  source_policy_documents = [data.aws_iam_policy_document.glue_shared_access.json]

  statement {
    sid       = "ReadLakeData"
    actions   = ["s3:GetObject"]
    resources = [for stage in local.iceberg_enabled ? ["raw"] : ["raw", "cleansed"] : "${local.bucket_arn}/${local.lake_prefixes[stage]}*"]
  }

  statement {
    sid = "MaintainCatalogTables"
    actions = [
      "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable",
      "glue:GetPartition", "glue:GetPartitions", "glue:CreatePartition", "glue:UpdatePartition",
      "glue:BatchCreatePartition", "glue:BatchGetPartition", "glue:BatchUpdatePartition",
      # crawler2 deletes from the catalog what its data no longer holds (DELETE_FROM_DATABASE).
      "glue:BatchDeletePartition", "glue:DeletePartition", "glue:DeleteTable",
    ]
    resources = local.catalog_arns
  }

  statement {
    sid       = "WriteCrawlerLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]
    resources = ["${local.logs_arn_prefix}:/aws-glue/crawlers*"]
  }

}

resource "aws_iam_role" "glue_crawler" {
  count = local.create ? 1 : 0

  name               = "${var.name_prefix}-glue-crawler"
  description        = "Runs the ${var.name_prefix} Glue crawlers."
  assume_role_policy = data.aws_iam_policy_document.assume_role["glue"].json
  tags               = local.tags
}

resource "aws_iam_role_policy" "glue_crawler" {
  count = local.create ? 1 : 0

  name   = "glue-crawler"
  role   = aws_iam_role.glue_crawler[0].id
  policy = data.aws_iam_policy_document.glue_crawler.json
}

################################################################################
# Lambdas (one role each)
################################################################################

data "aws_iam_policy_document" "lambda" {
  for_each = local.lambda_functions

  dynamic "statement" {
    for_each = contains(keys(local.crawler_lambda_glue_actions), each.key) ? [local.crawler_lambda_glue_actions[each.key]] : []
    content {
      sid       = "ActOnPipelineCrawlers"
      actions   = statement.value
      resources = values(local.crawler_arns)
    }
  }

  dynamic "statement" {
    for_each = contains(keys(local.crawl_wait_table_actions), each.key) && var.crawler_wait == "event" ? [local.crawl_wait_table_actions[each.key]] : []
    content {
      sid       = "KeepCrawlWaits"
      actions   = statement.value
      resources = aws_dynamodb_table.crawl_waits[*].arn
    }
  }

  dynamic "statement" {
    for_each = each.key == "crawl_finished" ? [1] : []
    content {
      sid = "EndCrawlWaits"
      # The Service Authorization Reference lists no resource type for these actions: "*" is the only
      # resource they match (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
      actions   = ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "crawl_finished" ? [1] : []
    content {
      sid       = "ConfirmCrawlEnds" # an event ends no wait until Glue says the crawl ended so
      actions   = ["glue:GetCrawler"]
      resources = values(local.crawler_arns)
    }
  }

  dynamic "statement" {
    for_each = each.key == "report_run" ? [1] : []
    content {
      sid       = "ReadRunFigures"
      actions   = ["s3:GetObject"]
      resources = ["${local.bucket_arn}/${local.lake_prefixes.reports}*"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "report_run" ? [1] : []
    content {
      sid       = "ReadFailedJobRuns" # a failed run's error message, which the state machine does not carry
      actions   = ["glue:GetJobRun"]
      resources = [for job in local.shared_glue_jobs : "${local.glue_arn_prefix}:job/${job.name}"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "report_run" ? [1] : []
    content {
      sid       = "ReadExecutionHistory" # each step's time
      actions   = ["states:GetExecutionHistory"]
      resources = ["arn:${local.partition}:states:${local.region}:${local.account_id}:execution:${local.names.state_machine}:*"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "report_run" ? [1] : []
    content {
      sid       = "PublishRunMetrics"
      actions   = ["cloudwatch:PutMetricData"]
      resources = ["*"] # PutMetricData has no resource-level permissions; limited to the pipeline's namespace.
      condition {
        test     = "StringEquals"
        variable = "cloudwatch:namespace"
        values   = [local.metrics_namespace]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "report_run" && var.notify_on_success ? [1] : []
    content {
      sid       = "NotifySuccess"
      actions   = ["sns:Publish"]
      resources = aws_sns_topic.failures[*].arn
    }
  }

  dynamic "statement" {
    for_each = each.key == "report_run" ? [1] : []
    content {
      # Without s3:ListBucket, S3 answers a missing figures file with 403, not NoSuchKey
      # (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html); the GetObject carries
      # no s3:prefix, so the grant cannot be conditioned on one.
      sid       = "FindRunFigures"
      actions   = ["s3:ListBucket"]
      resources = [local.bucket_arn]
    }
  }

  dynamic "statement" {
    for_each = var.kms_key_arn != null && length(local.lambda_key_actions[each.key]) > 0 ? [var.kms_key_arn] : []
    content {
      # The figures are SSE-KMS objects, the crawl waits a DynamoDB table and the topic an SNS topic
      # under the customer key; each service uses the key on the caller's behalf, with the caller's
      # permissions: https://docs.aws.amazon.com/kms/latest/developerguide/services-s3.html,
      # services-dynamodb.html, https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
      sid       = "UseDataKey"
      actions   = local.lambda_key_actions[each.key]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [for service in local.lambda_key_services[each.key] : "${service}.${local.region}.amazonaws.com"]
      }
    }
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.logs_arn_prefix}:/aws/lambda/${each.value.name}:*"]
  }
}

resource "aws_iam_role" "lambda" {
  for_each = local.create ? local.lambda_functions : {}

  name               = each.value.name
  description        = each.value.description
  assume_role_policy = data.aws_iam_policy_document.assume_role["lambda"].json
  tags               = local.tags
}

resource "aws_iam_role_policy" "lambda" {
  for_each = local.create ? local.lambda_functions : {}

  name   = "access"
  role   = aws_iam_role.lambda[each.key].id
  policy = data.aws_iam_policy_document.lambda[each.key].json
}

################################################################################
# State machine
################################################################################

data "aws_iam_policy_document" "state_machine" {
  count = local.step_functions ? 1 : 0

  statement {
    sid       = "RunPipelineJobs"
    actions   = ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]
    resources = [for job in aws_glue_job.this : job.arn]
  }

  statement {
    sid       = "InvokePipelineLambdas"
    actions   = ["lambda:InvokeFunction"]
    resources = flatten([for function in aws_lambda_function.this : [function.arn, "${function.arn}:*"]])
  }

  statement {
    sid       = "NotifyFailures"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.failures[0].arn]
  }

  statement {
    sid = "DeliverExecutionLogs"
    actions = [
      "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    ]
    resources = ["*"] # CloudWatch Logs delivery actions support no resource-level permissions.
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "EncryptNotifications"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  count = local.step_functions ? 1 : 0

  name               = "${var.name_prefix}-pipeline"
  description        = "Runs the ${var.name_prefix} state machine."
  assume_role_policy = data.aws_iam_policy_document.assume_role["states"].json
  tags               = local.tags
}

resource "aws_iam_role_policy" "state_machine" {
  count = local.step_functions ? 1 : 0

  name   = "pipeline"
  role   = aws_iam_role.state_machine[0].id
  policy = data.aws_iam_policy_document.state_machine[0].json
}

################################################################################
# Schedule (optional)
################################################################################

data "aws_iam_policy_document" "scheduler" {
  count = local.step_functions && var.schedule_expression != null ? 1 : 0

  statement {
    sid       = "StartPipeline"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.pipeline[0].arn]
  }
}

resource "aws_iam_role" "scheduler" {
  count = local.step_functions && var.schedule_expression != null ? 1 : 0

  name               = "${var.name_prefix}-pipeline-schedule"
  description        = "Lets EventBridge start the ${var.name_prefix} pipeline on its schedule."
  assume_role_policy = data.aws_iam_policy_document.assume_role["events"].json
  tags               = local.tags
}

resource "aws_iam_role_policy" "scheduler" {
  count = local.step_functions && var.schedule_expression != null ? 1 : 0

  name   = "start-pipeline"
  role   = aws_iam_role.scheduler[0].id
  policy = data.aws_iam_policy_document.scheduler[0].json
}
