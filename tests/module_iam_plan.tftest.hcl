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
  source_database_name = "plan_test"
  tables = {
    customers = { key_columns = ["id"], source_table = "source_customers" }
  }
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

run "glue_roles_list_the_bucket_unconditionally_so_a_missing_key_is_404_not_403" {
  command = plan

  assert {
    condition = alltrue([
      for document in [data.aws_iam_policy_document.extract_job.json, data.aws_iam_policy_document.cleanse_job.json, data.aws_iam_policy_document.lake_crawler.json] :
      !strcontains(document, "s3:prefix") && anytrue([
        for statement in jsondecode(document).Statement :
        contains(flatten([statement.Action]), "s3:ListBucket") && contains(flatten([statement.Action]), "s3:GetBucketLocation")
        && flatten([statement.Resource]) == ["arn:aws:s3:::plan-test-datalake-123456789012"] && !can(statement.Condition)
      ])
    ])
    error_message = "S3 evaluates s3:ListBucket with no s3:prefix for a HeadObject of a missing key: an s3:prefix condition makes it a 403."
  }
}

run "glue_job_role_may_finish_and_abort_multipart_uploads" {
  command = plan

  assert {
    condition = anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.cleanse_job.json).Statement :
      contains(flatten([statement.Action]), "s3:AbortMultipartUpload") && contains(flatten([statement.Action]), "s3:ListMultipartUploadParts")
      && contains(flatten([statement.Resource]), "arn:aws:s3:::plan-test-datalake-123456789012/cleansed/plan-test/*")
    ])
    error_message = "Spark's multipart writes need AbortMultipartUpload and ListMultipartUploadParts on the objects it writes."
  }

  assert {
    condition = alltrue([
      for document in [data.aws_iam_policy_document.extract_job.json, data.aws_iam_policy_document.cleanse_job.json] :
      anytrue([
        for statement in jsondecode(document).Statement :
        contains(flatten([statement.Action]), "s3:ListBucketMultipartUploads") && flatten([statement.Resource]) == ["arn:aws:s3:::plan-test-datalake-123456789012"]
      ])
    ])
    error_message = "ListBucketMultipartUploads is a bucket-level action."
  }
}

run "glue_roles_may_check_the_vpc_of_the_source_connection" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url     = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn         = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path        = "sales/public"
      subnet_id          = "subnet-0123456789abcdef0"
      security_group_ids = ["sg-0123456789abcdef0"]
      # Given, so that the plan does not look the subnet up (this suite calls no AWS API).
      availability_zone = "eu-west-1a"
    }
  }

  assert {
    condition = alltrue([
      for document in [data.aws_iam_policy_document.extract_job.json, data.aws_iam_policy_document.source_crawler[0].json] :
      length(setsubtract(
        [
          "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables", "ec2:DescribeVpcAttribute",
          "ec2:CreateTags", "ec2:DeleteTags",
        ],
        flatten([for statement in jsondecode(document).Statement : statement.Action]),
      )) == 0
    ])
    error_message = "Glue's connection in a VPC needs every EC2 permission Glue documents, DescribeVpcAttribute included."
  }
}

run "glue_roles_get_lake_formation_credentials_only_when_lake_formation_governs" {
  command = plan

  assert {
    condition     = !strcontains(data.aws_iam_policy_document.glue_lake_access.json, "lakeformation:")
    error_message = "Without lake_formation_enabled the roles get no Lake Formation permission."
  }
}

run "glue_roles_may_get_data_access_from_lake_formation" {
  command = plan

  variables {
    lake_formation_enabled = true
  }

  assert {
    condition = alltrue([
      for document in [data.aws_iam_policy_document.extract_job.json, data.aws_iam_policy_document.cleanse_job.json, data.aws_iam_policy_document.lake_crawler.json] :
      anytrue([
        for statement in jsondecode(document).Statement :
        flatten([statement.Action]) == ["lakeformation:GetDataAccess"] && flatten([statement.Resource]) == ["*"]
      ])
    ])
    error_message = "Under Lake Formation, Glue fails with \"not authorized to perform: lakeformation:GetDataAccess\" without it."
  }
}

run "complete_example_creates_no_key_by_default" {
  command = plan

  module {
    source = "./examples/complete"
  }

  override_data {
    target = module.etl.data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  assert {
    condition     = length(aws_kms_key.pipeline) == 0
    error_message = "The local demo runs without a customer-managed key."
  }
}

run "complete_example_key_lets_cloudwatch_logs_and_eventbridge_use_it" {
  command = plan

  module {
    source = "./examples/complete"
  }

  variables {
    use_customer_managed_key = true
  }

  override_data {
    target = module.etl.data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(aws_kms_key.pipeline[0].policy).Statement :
      try(statement.Principal.Service, "") == "logs.eu-west-1.amazonaws.com"
      && length(setsubtract(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], flatten([statement.Action]))) == 0
      && try(statement.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"], "") == "arn:aws:logs:eu-west-1:123456789012:log-group:*"
    ])
    error_message = "Without the CloudWatch Logs service principal, creating the encrypted log groups fails with \"The specified KMS key does not exist or is not allowed to be used with Arn\"."
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(aws_kms_key.pipeline[0].policy).Statement :
      try(statement.Principal.Service, "") == "events.amazonaws.com"
      && length(setsubtract(["kms:Decrypt", "kms:GenerateDataKey*"], flatten([statement.Action]))) == 0
    ])
    error_message = "Without EventBridge in the key policy, the timed-out and aborted alerts to the encrypted topic are dropped."
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(aws_kms_key.pipeline[0].policy).Statement :
      try(statement.Principal.AWS, "") == "arn:aws:iam::123456789012:root" && statement.Action == "kms:*"
    ])
    error_message = "The module grants its roles the key through IAM, which the key policy must allow."
  }
}

run "job_role_reads_a_source_of_the_callers_in_its_database_and_bucket" {
  command = plan

  variables {
    source_database_name = "landing"
    source_s3_arns       = ["arn:aws:s3:::landing-zone", "arn:aws:s3:::landing-zone/orders/*"]
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.extract_job.json).Statement :
      statement.Sid == "ReadSourceCatalog" && contains(flatten([statement.Resource]), "arn:aws:glue:eu-west-1:123456789012:table/landing/*")
    ])
    error_message = "The extract job reads the source table's catalog entry in the caller's database."
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.extract_job.json).Statement :
      statement.Sid == "ReadSourceData" && flatten([statement.Action]) == ["s3:GetObject"] && flatten([statement.Resource]) == ["arn:aws:s3:::landing-zone/orders/*"]
    ])
    error_message = "Object ARNs of source_s3_arns grant s3:GetObject, and only on them."
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.extract_job.json).Statement :
      statement.Sid == "ListSourceBuckets" && flatten([statement.Action]) == ["s3:ListBucket"] && flatten([statement.Resource]) == ["arn:aws:s3:::landing-zone"]
    ])
    error_message = "Bucket ARNs of source_s3_arns grant s3:ListBucket (a read of a missing key answers 403 without it)."
  }
}

run "iceberg_job_role_may_create_and_update_only_its_cleansed_tables" {
  command = plan

  variables {
    cleansed_format = "iceberg"
    tables = {
      customers = { key_columns = ["id"], source_table = "source_customers" }
      orders    = { key_columns = ["id"], source_table = "source_orders" }
    }
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.cleanse_job.json).Statement :
      statement.Sid == "CommitCurrentStateTable" && toset(flatten([statement.Action])) == toset(["glue:CreateTable", "glue:UpdateTable"])
      && toset(flatten([statement.Resource])) == toset([
        "arn:aws:glue:eu-west-1:123456789012:catalog",
        "arn:aws:glue:eu-west-1:123456789012:database/plan_test",
        "arn:aws:glue:eu-west-1:123456789012:table/plan_test/cleansed_*",
      ])
    ])
    error_message = "Iceberg's GlueCatalog creates each table and swaps its metadata location: CreateTable and UpdateTable on the pipeline's cleansed tables alone."
  }

  assert {
    condition     = !strcontains(data.aws_iam_policy_document.lake_crawler.json, "/cleansed/") && !strcontains(data.aws_iam_policy_document.lake_crawler.json, "table/plan_test/cleansed_")
    error_message = "No crawler reads an Iceberg table's files or may change its catalog entry."
  }
}

run "parquet_job_role_commits_no_table" {
  command = plan

  assert {
    condition     = !strcontains(data.aws_iam_policy_document.cleanse_job.json, "CommitCurrentStateTable") && !strcontains(data.aws_iam_policy_document.cleanse_job.json, "glue:")
    error_message = "With the Parquet history the catalog table is the cleansed crawler's: the cleanse job uses no catalog at all."
  }
}

run "roles_reach_their_pipelines_own_prefixes" {
  command = plan

  variables {
    tables = {
      customers = { key_columns = ["id"], source_table = "source_customers" }
      orders    = { key_columns = ["id"], source_table = "source_orders" }
    }
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.extract_job.json).Statement :
      statement.Sid == "WriteRawData" && toset(flatten([statement.Resource])) == toset(flatten([
        for prefix in ["raw/plan-test", "reports/plan-test", "temp/plan-test"] :
        ["arn:aws:s3:::plan-test-datalake-123456789012/${prefix}", "arn:aws:s3:::plan-test-datalake-123456789012/${prefix}/*"]
      ]))
    ])
    error_message = "The extract job writes its pipeline's raw folder, the run's figures and Spark's temporary files, and nothing cleansed."
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.cleanse_job.json).Statement :
      statement.Sid == "WriteCleansedData" && toset(flatten([statement.Resource])) == toset(flatten([
        for prefix in ["cleansed/plan-test", "quarantine/plan-test", "reports/plan-test", "temp/plan-test"] :
        ["arn:aws:s3:::plan-test-datalake-123456789012/${prefix}", "arn:aws:s3:::plan-test-datalake-123456789012/${prefix}/*"]
      ]))
      ]) && anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.cleanse_job.json).Statement :
      statement.Sid == "ReadRawData" && flatten([statement.Action]) == ["s3:GetObject"]
    ])
    error_message = "The cleanse job only reads raw, and writes its pipeline's cleansed, quarantine, reports and temporary folders."
  }

  assert {
    condition = anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.lake_crawler.json).Statement :
      statement.Sid == "ReadLakeData" && toset(flatten([statement.Resource])) == toset([
        for stage in ["raw", "cleansed"] : "arn:aws:s3:::plan-test-datalake-123456789012/${stage}/plan-test/*"
      ])
    ])
    error_message = "The crawlers read their pipeline's raw and cleansed folders."
  }
}

run "workflow_job_role_reads_its_workflow_runs_properties_only" {
  command = plan

  variables {
    orchestration = "glue_workflow"
  }

  assert {
    condition = alltrue([
      for document in [data.aws_iam_policy_document.extract_job.json, data.aws_iam_policy_document.cleanse_job.json] :
      anytrue([
        for statement in jsondecode(document).Statement :
        statement.Action == "glue:GetWorkflowRunProperties" && statement.Resource == "arn:aws:glue:eu-west-1:123456789012:workflow/plan-test-pipeline"
      ])
    ])
    error_message = "A job run of the workflow reads the run's run_id from its run properties, on this workflow alone."
  }

  assert {
    condition     = length(data.aws_iam_policy_document.state_machine) == 0 && length(data.aws_iam_policy_document.lambda) == 0
    error_message = "A Glue workflow has no state machine or Lambda role."
  }
}

run "only_the_extract_job_and_the_source_crawler_hold_the_source_secret" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
  }

  assert {
    condition = alltrue([
      for document in [data.aws_iam_policy_document.extract_job.json, data.aws_iam_policy_document.source_crawler[0].json] :
      anytrue([
        for statement in jsondecode(document).Statement :
        statement.Sid == "ReadSourceSecret" && contains(flatten([statement.Action]), "secretsmanager:GetSecretValue")
        && flatten([statement.Resource]) == ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"]
      ])
    ])
    error_message = "The extract job and the source crawler read the database's login from its secret."
  }

  assert {
    condition = alltrue([
      for document in [data.aws_iam_policy_document.cleanse_job.json, data.aws_iam_policy_document.lake_crawler.json] :
      !strcontains(document, "secretsmanager:") && !strcontains(document, "glue:GetConnection") && !strcontains(document, "sales-reader")
    ])
    error_message = "The cleanse job and the lake crawlers parse untrusted data: they get neither the secret nor the connection."
  }

  assert {
    condition = { for key, role in aws_iam_role.glue : key => role.name } == {
      extract_job    = "plan-test-extract-job"
      cleanse_job    = "plan-test-cleanse-job"
      lake_crawler   = "plan-test-lake-crawler"
      source_crawler = "plan-test-source-crawler"
    }
    error_message = "Each job and the source crawler run under a role of their own."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(data.aws_iam_policy_document.source_crawler[0].json).Statement :
      !anytrue([for action in flatten([statement.Action]) : startswith(action, "s3:")])
    ])
    error_message = "The source crawler reads the database, not the lake."
  }
}

run "glue_roles_write_only_the_modules_own_log_groups" {
  command = plan

  assert {
    condition = alltrue([
      for job, document in { extract = data.aws_iam_policy_document.extract_job.json, cleanse = data.aws_iam_policy_document.cleanse_job.json } :
      anytrue([
        for statement in jsondecode(document).Statement :
        statement.Sid == "WriteJobLogs" && toset(flatten([statement.Resource])) == toset(flatten([
          for stream in ["output", "error"] : [
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws-glue/jobs/plan-test/${job}/${stream}",
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws-glue/jobs/plan-test/${job}/${stream}:*",
          ]
        ]))
      ])
    ])
    error_message = "Each job's role writes its own job kind's two log groups and no other."
  }

  assert {
    condition     = aws_glue_job.this["extract_job"].default_arguments["--custom-logGroup-prefix"] == "/aws-glue/jobs/plan-test/extract" && aws_glue_job.this["cleanse_job"].default_arguments["--custom-logGroup-prefix"] == "/aws-glue/jobs/plan-test/cleanse" && toset(keys(aws_cloudwatch_log_group.glue_job)) == toset([for group in ["extract/output", "extract/error", "cleanse/output", "cleanse/error"] : "/aws-glue/jobs/plan-test/${group}"])
    error_message = "Glue 5.0 writes a job's logs to <--custom-logGroup-prefix>/output and /error: the module creates those groups."
  }

  assert {
    condition     = !strcontains(join("", [data.aws_iam_policy_document.extract_job.json, data.aws_iam_policy_document.cleanse_job.json, data.aws_iam_policy_document.lake_crawler.json]), "/aws-glue/*")
    error_message = "No Glue role may write every /aws-glue/ log group."
  }
}

run "under_a_customer_key_job_roles_may_also_write_the_groups_glue_names_after_role_and_configuration" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = alltrue([
      for job, document in { extract = data.aws_iam_policy_document.extract_job.json, cleanse = data.aws_iam_policy_document.cleanse_job.json } :
      anytrue([
        for statement in jsondecode(document).Statement :
        statement.Sid == "WriteJobLogs" && contains(flatten([statement.Resource]), "arn:aws:logs:eu-west-1:123456789012:log-group:/aws-glue/jobs-*plan-test-${job}-job-plan-test-etl*")
      ])
    ])
    error_message = "An encrypting security configuration may send a job's logs to /aws-glue/jobs-<role>-<configuration>/: its role, and only its, must write there."
  }
}
