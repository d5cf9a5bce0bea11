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
# Glue jobs and crawlers: one role each for the extract job, the cleanse job, the crawlers of the
# lake and the crawler of the source. Only the extract job and the source crawler read the
# database, so only they hold the connection and its secret: the cleanse job parses untrusted rows
# and the lake crawlers untrusted files, and neither can reach the source's login.
################################################################################

locals {
  # Glue 5.0 writes a job's driver and executor logs to <prefix>/error and the script's stdout and
  # stderr to <prefix>/output when the job is given --custom-logGroup-prefix
  # (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html): each job kind its
  # own groups, which the module creates (glue.tf) and its role alone may write.
  job_log_group_prefixes = { extract_job = "/aws-glue/jobs/${var.name_prefix}/extract", cleanse_job = "/aws-glue/jobs/${var.name_prefix}/cleanse" }
  job_log_groups = {
    for job, prefix in local.job_log_group_prefixes : job => [for stream in ["output", "error"] : "${prefix}/${stream}"]
  }
  # A crawler cannot be told a log group (https://docs.aws.amazon.com/glue/latest/webapi/API_CreateCrawler.html
  # has no such field): it writes a stream named after itself to /aws-glue/crawlers, or, under a
  # security configuration that encrypts CloudWatch Logs, to /aws-glue/crawlers-role/<role>-<security
  # configuration>, a group named after this role alone (the naming JobRun.LogGroupName documents for
  # jobs: https://docs.aws.amazon.com/glue/latest/webapi/API_JobRun.html).
  crawler_log_groups = {
    for role in ["lake_crawler", "source_crawler"] : role => concat(
      ["/aws-glue/crawlers"],
      var.kms_key_arn == null ? [] : ["/aws-glue/crawlers-role/${var.name_prefix}-${replace(role, "_", "-")}-${local.security_configuration_name}"],
    )
  }
  # What each Glue role may write logs to, by role (WriteJobLogs, WriteCrawlerLogs): its groups and
  # their streams. Under a security configuration that encrypts CloudWatch Logs, Glue names a job's
  # groups after its role and the configuration, /aws-glue/jobs-<role>-<security configuration>/
  # (https://docs.aws.amazon.com/glue/latest/webapi/API_JobRun.html, LogGroupName); no page says
  # whether --custom-logGroup-prefix wins over it, so each job's role may write both, each its own.
  log_group_arns = {
    for role, groups in merge(local.job_log_groups, local.crawler_log_groups) : role => concat(
      flatten([for group in groups : ["${local.logs_arn_prefix}:${group}", "${local.logs_arn_prefix}:${group}:*"]]),
      var.kms_key_arn != null && contains(keys(local.job_log_groups), role) ? ["${local.logs_arn_prefix}:/aws-glue/jobs-*${var.name_prefix}-${replace(role, "_", "-")}-${local.security_configuration_name}*"] : [],
    )
  }
  log_actions = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]

  # The objects of a prefix and the folder's own key: Spark checks that an output path exists (a
  # HeadObject of the folder's key, e.g. cleansed/<prefix>) before it writes under it. One ARN pair
  # per prefix, not per table: IAM caps a role's inline policies at 10,240 characters without
  # whitespace, and eight ARNs a table passed it from about a dozen tables
  # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
  prefix_arns = {
    for prefix in concat(values(local.lake_prefixes), [local.temp_prefix]) :
    prefix => ["${local.bucket_arn}/${trimsuffix(prefix, "/")}", "${local.bucket_arn}/${prefix}*"]
  }
  # Spark writes large files as multipart uploads, and aborts them when a task fails:
  # https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
  object_write_actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]

  catalog_table_actions = [
    "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable",
    "glue:GetPartition", "glue:GetPartitions", "glue:CreatePartition", "glue:UpdatePartition",
    "glue:BatchCreatePartition", "glue:BatchGetPartition", "glue:BatchUpdatePartition",
    # The crawlers delete from the catalog what their data no longer holds (DELETE_FROM_DATABASE).
    "glue:BatchDeletePartition", "glue:DeletePartition", "glue:DeleteTable",
  ]
  # catalog_updates = "jobs": the calls a job makes to catalog what it wrote (glue_scripts/
  # catalog_tables.py), and nothing else: read, create or update its table, create or update a
  # partition. Glue judges table and partition calls on the catalog, the database and the table
  # (https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html); each job's own
  # tables by the lake crawler's name pattern, one ARN whatever the number of tables.
  job_catalog_actions = ["glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:UpdatePartition"]
  # The cleanse job's Parquet history also drops the partitions of a rerun's earlier files, as the
  # cleansed crawler's DELETE_FROM_DATABASE does (catalog_tables.forget_unwritten_partitions).
  cleansed_catalog_actions = concat(local.job_catalog_actions, ["glue:GetPartitions", "glue:BatchDeletePartition"])
  job_catalog_arns = {
    for job, prefix in { extract_job = local.raw_table_prefix, cleanse_job = local.cleansed_table_prefix } : job => [
      "${local.glue_arn_prefix}:catalog",
      "${local.glue_arn_prefix}:database/${local.database_name}",
      "${local.glue_arn_prefix}:table/${local.database_name}/${prefix}*",
    ]
  }
  # Each crawler's tables by their prefix: a lake crawler cannot touch a source table, nor the
  # source crawler a lake table.
  crawler_table_arns = {
    # An Iceberg table is the cleanse job's: no crawler may change or delete it.
    lake_crawler   = [for prefix in local.iceberg_enabled ? [local.raw_table_prefix] : [local.raw_table_prefix, local.cleansed_table_prefix] : "${local.glue_arn_prefix}:table/${local.database_name}/${prefix}*"]
    source_crawler = ["${local.glue_arn_prefix}:table/${local.database_name}/${local.source_table_prefix}*"]
  }
}

# What each Glue role that reads the lake needs (both jobs and the lake crawlers): the bucket's
# listing, Lake Formation's credentials when it governs the lake, and the customer key.
data "aws_iam_policy_document" "glue_lake_access" {
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
    # S3 objects, job bookmarks (CSE-KMS) and logs under the customer key.
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseDataKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"]
      resources = [statement.value]
    }
  }
}

# The source database, through the connection and its secret: the extract job's and the source
# crawler's alone.
data "aws_iam_policy_document" "glue_source_database" {
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
}

# What both jobs need to run at all: their scripts, their multipart uploads, Glue's job metrics
# and, in a Glue workflow, the run's properties (a workflow run's run_id names its folders:
# glue_runtime.py).
data "aws_iam_policy_document" "glue_job_runtime" {
  # Bucket-level, without an s3:prefix condition: see ListLakeBucket in glue_lake_access.
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

  dynamic "statement" {
    for_each = local.workflow_mode ? [1] : []
    content {
      sid       = "ReadWorkflowRunProperties"
      actions   = ["glue:GetWorkflowRunProperties"]
      resources = ["${local.glue_arn_prefix}:workflow/${local.names.workflow}"]
    }
  }
}

data "aws_iam_policy_document" "extract_job" {
  source_policy_documents = [
    data.aws_iam_policy_document.glue_lake_access.json,
    data.aws_iam_policy_document.glue_source_database.json,
    data.aws_iam_policy_document.glue_job_runtime.json,
  ]

  statement {
    sid     = "WriteRawData"
    actions = local.object_write_actions
    # Its extract, the run's figures (extract_job.json) and Spark's temporary files.
    resources = flatten([for prefix in [local.lake_prefixes.raw, local.lake_prefixes.reports, local.temp_prefix] : local.prefix_arns[prefix]])
  }

  statement {
    sid       = "ReadSourceCatalog"
    actions   = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"]
    resources = local.source_catalog_arns
  }

  dynamic "statement" {
    for_each = local.catalog_by_jobs ? [1] : []
    content {
      sid     = "CatalogRawTables"
      actions = local.job_catalog_actions
      # The raw crawler's table name pattern: the job may touch no source or cleansed table.
      resources = local.job_catalog_arns.extract_job
    }
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

  statement {
    sid       = "WriteJobLogs"
    actions   = local.log_actions
    resources = local.log_group_arns.extract_job
  }

  statement {
    sid       = "PublishJobMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource-level permissions; limited to Glue's namespace.
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Glue"]
    }
  }
}

data "aws_iam_policy_document" "cleanse_job" {
  source_policy_documents = [
    data.aws_iam_policy_document.glue_lake_access.json,
    data.aws_iam_policy_document.glue_job_runtime.json,
  ]

  statement {
    sid       = "ReadRawData"
    actions   = ["s3:GetObject"]
    resources = local.prefix_arns[local.lake_prefixes.raw]
  }

  statement {
    sid     = "WriteCleansedData"
    actions = local.object_write_actions
    # The cleansed rows (or the Iceberg table's files), the quarantine, the run's figures (the
    # extract job's read back in a workflow) and Spark's temporary files.
    resources = flatten([
      for prefix in [local.lake_prefixes.cleansed, local.lake_prefixes.quarantine, local.lake_prefixes.reports, local.temp_prefix] : local.prefix_arns[prefix]
    ])
  }

  dynamic "statement" {
    for_each = local.iceberg_enabled ? [1] : []
    content {
      sid = "ReadCurrentStateTable"
      # Iceberg's GlueCatalog loads the table (GetTable) and checks its database (GetDatabase).
      actions = ["glue:GetDatabase", "glue:GetTable"]
      resources = [
        "${local.glue_arn_prefix}:catalog",
        "${local.glue_arn_prefix}:database/${local.database_name}",
        "${local.glue_arn_prefix}:table/${local.database_name}/${local.cleansed_table_prefix}*",
      ]
    }
  }

  dynamic "statement" {
    for_each = local.iceberg_enabled ? [1] : []
    content {
      sid = "CommitCurrentStateTable"
      # Iceberg's GlueCatalog creates the table on its first commit and swaps its metadata_location
      # with UpdateTable on every later one; Glue judges CreateTable and UpdateTable on the catalog,
      # the database and the table:
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

  dynamic "statement" {
    # An Iceberg table is cataloged by its commits (CommitCurrentStateTable).
    for_each = local.catalog_by_jobs && !local.iceberg_enabled ? [1] : []
    content {
      sid       = "CatalogCleansedTables"
      actions   = local.cleansed_catalog_actions
      resources = local.job_catalog_arns.cleanse_job
    }
  }

  statement {
    sid       = "WriteJobLogs"
    actions   = local.log_actions
    resources = local.log_group_arns.cleanse_job
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
}

data "aws_iam_policy_document" "lake_crawler" {
  source_policy_documents = [data.aws_iam_policy_document.glue_lake_access.json]

  statement {
    sid       = "ReadLakeData"
    actions   = ["s3:GetObject"]
    resources = [for stage in local.iceberg_enabled ? ["raw"] : ["raw", "cleansed"] : "${local.bucket_arn}/${local.lake_prefixes[stage]}*"]
  }

  statement {
    sid       = "MaintainCatalogTables"
    actions   = local.catalog_table_actions
    resources = concat(["${local.glue_arn_prefix}:catalog", "${local.glue_arn_prefix}:database/${local.database_name}"], local.crawler_table_arns.lake_crawler)
  }

  statement {
    sid       = "WriteCrawlerLogs"
    actions   = local.log_actions
    resources = local.log_group_arns.lake_crawler
  }
}

data "aws_iam_policy_document" "source_crawler" {
  count = local.jdbc_enabled ? 1 : 0

  source_policy_documents = [data.aws_iam_policy_document.glue_source_database.json]

  dynamic "statement" {
    # Its logs, under a security configuration that encrypts them with the customer key.
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "UseLogKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "MaintainCatalogTables"
    actions   = local.catalog_table_actions
    resources = concat(["${local.glue_arn_prefix}:catalog", "${local.glue_arn_prefix}:database/${local.database_name}"], local.crawler_table_arns.source_crawler)
  }

  statement {
    sid       = "WriteCrawlerLogs"
    actions   = local.log_actions
    resources = local.log_group_arns.source_crawler
  }
}

locals {
  # Role names: name_prefix is at most 32 characters (variables.tf), so the longest,
  # <prefix>-source-crawler, is 47 of IAM's 64.
  glue_roles = merge(
    {
      extract_job = { name = "${var.name_prefix}-extract-job", description = "Runs the ${var.name_prefix} extract job: reads the source, writes raw CSV.", policy = data.aws_iam_policy_document.extract_job.json }
      cleanse_job = { name = "${var.name_prefix}-cleanse-job", description = "Runs the ${var.name_prefix} cleanse job: reads raw, writes cleansed, quarantine and reports; no access to the source.", policy = data.aws_iam_policy_document.cleanse_job.json }
    },
    local.lake_crawls ? {
      lake_crawler = { name = "${var.name_prefix}-lake-crawler", description = "Runs the ${var.name_prefix} crawlers of the raw and cleansed data; no access to the source.", policy = data.aws_iam_policy_document.lake_crawler.json }
    } : {},
    local.jdbc_enabled ? {
      source_crawler = { name = "${var.name_prefix}-source-crawler", description = "Runs the ${var.name_prefix} crawler of the source database, through its connection.", policy = data.aws_iam_policy_document.source_crawler[0].json }
    } : {},
  )
}

resource "aws_iam_role" "glue" {
  for_each = var.enabled ? local.glue_roles : {}

  name               = each.value.name
  description        = each.value.description
  assume_role_policy = data.aws_iam_policy_document.assume_role["glue"].json
  tags               = local.tags
}

resource "aws_iam_role_policy" "glue" {
  for_each = var.enabled ? local.glue_roles : {}

  name   = replace(each.key, "_", "-")
  role   = aws_iam_role.glue[each.key].id
  policy = each.value.policy
}

################################################################################
# Lambdas (one role each)
################################################################################

locals {
  # What each statement of lambdas/functions.json applies to; its actions are in that file.
  lambda_statement_resources = {
    ActOnPipelineCrawlers = values(local.crawler_arns)
    ConfirmCrawlEnds      = values(local.crawler_arns)
    KeepCrawlWaits        = aws_dynamodb_table.crawl_waits[*].arn
    # The Service Authorization Reference lists no resource type for these actions: "*" is the only
    # resource they match (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
    EndCrawlWaits        = ["*"]
    ReadRunFigures       = ["${local.bucket_arn}/${local.lake_prefixes.reports}*"]
    FindRunFigures       = [local.bucket_arn]
    ReadJobRuns          = [for job in local.shared_glue_jobs : "${local.glue_arn_prefix}:job/${job.name}"]
    ReadLakeCrawls       = values(local.crawler_arns)
    ReadExecutionHistory = ["arn:${local.partition}:states:${local.region}:${local.account_id}:execution:${local.names.state_machine}:*"]
    PublishRunMetrics    = ["*"] # PutMetricData has no resource-level permissions; limited to the pipeline's namespace.
    NotifySuccess        = aws_sns_topic.notifications[*].arn
  }
  lambda_statement_conditions = {
    PublishRunMetrics = [{ test = "StringEquals", variable = "cloudwatch:namespace", values = [local.metrics_namespace] }]
  }
  lambda_statements = {
    for key in keys(local.lambda_functions) : key => [
      for statement in local.lambda_catalog[key].statements : {
        sid       = statement.sid
        actions   = concat(statement.actions, flatten([for condition, actions in try(statement.actions_when, {}) : actions if local.lambda_conditions[condition]]))
        resources = try(local.lambda_statement_resources[statement.sid], []) # a sid missing there fails aws_iam_role_policy.lambda's precondition
      } if local.lambda_conditions[try(statement.when, "always")]
    ]
  }
  lambda_sids_without_resources = {
    for key in keys(local.lambda_functions) : key => setsubtract([for statement in local.lambda_catalog[key].statements : statement.sid], keys(local.lambda_statement_resources))
  }
  # The services each function reaches data under the customer key through (kms_key_arn), and the
  # key actions they need: Decrypt to read the jobs' figures from S3 and the crawl-wait table's
  # items (DynamoDB decrypts the table key for the caller), GenerateDataKey too to publish to the
  # topic.
  lambda_key_services = {
    for key in keys(local.lambda_functions) : key => [
      for use in try(local.lambda_catalog[key].key_services, []) : use.service if local.lambda_conditions[try(use.when, "always")]
    ]
  }
  lambda_key_actions = {
    for key, services in local.lambda_key_services : key => distinct(flatten([
      for service in services : service == "sns" ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"]
    ]))
  }
}

data "aws_iam_policy_document" "lambda" {
  for_each = local.lambda_functions

  dynamic "statement" {
    for_each = local.lambda_statements[each.key]
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
      dynamic "condition" {
        for_each = lookup(local.lambda_statement_conditions, statement.value.sid, [])
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
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
  for_each = var.enabled ? local.lambda_functions : {}

  name               = each.value.name
  description        = each.value.description
  assume_role_policy = data.aws_iam_policy_document.assume_role["lambda"].json
  tags               = local.tags
}

resource "aws_iam_role_policy" "lambda" {
  for_each = var.enabled ? local.lambda_functions : {}

  name   = "access"
  role   = aws_iam_role.lambda[each.key].id
  policy = data.aws_iam_policy_document.lambda[each.key].json

  # Here, not on the document: a document naming a new topic or table is read only at apply.
  lifecycle {
    precondition {
      condition     = length(local.lambda_sids_without_resources[each.key]) == 0
      error_message = "lambdas/functions.json gives ${each.key} the statements ${join(", ", local.lambda_sids_without_resources[each.key])}, which lambda_statement_resources (iam.tf) does not list: say there what each applies to."
    }
  }
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
    resources = [aws_sns_topic.notifications[0].arn]
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
