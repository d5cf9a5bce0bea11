# Renders every policy document the examples deploy, offline, for tools/lint_iam_policies.py, which
# runs `terraform test -test-directory=tools/iam_lint -json -verbose` and reads each run's plan.
# The real provider renders aws_iam_policy_document locally (a mocked one would mock the documents
# themselves); it is configured to call nothing, and the only data source that would call AWS is
# overridden. The ARNs AWS assigns on create are overridden during plan so that the documents
# naming them are known: the names in them are placeholders, their formats AWS's. A policy still
# unknown at plan makes the linter fail, naming the resource to add here.

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 1
}

override_data {
  target = module.etl.data.aws_caller_identity.current
  values = { account_id = "123456789012" }
}

override_data {
  target = data.aws_caller_identity.current[0] # examples/complete's kms.tf
  values = { account_id = "123456789012" }
}

override_resource {
  target          = aws_kms_key.pipeline[0] # examples/complete's kms.tf
  override_during = plan
  values          = { arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000" }
}

override_resource {
  target          = aws_secretsmanager_secret.source_database # examples/complete
  override_during = plan
  values          = { arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:known-after-apply-AbCdEf" }
}

override_resource {
  target          = module.etl.aws_glue_job.this["extract_job"]
  override_during = plan
  values          = { arn = "arn:aws:glue:us-east-1:123456789012:job/known-after-apply-extract" }
}

override_resource {
  target          = module.etl.aws_glue_job.this["cleanse_job"]
  override_during = plan
  values          = { arn = "arn:aws:glue:us-east-1:123456789012:job/known-after-apply-cleanse" }
}

override_resource {
  target          = module.etl.aws_lambda_function.this["resolve_run"]
  override_during = plan
  values          = { arn = "arn:aws:lambda:us-east-1:123456789012:function:known-after-apply-resolve-run" }
}

override_resource {
  target          = module.etl.aws_lambda_function.this["start_crawler"]
  override_during = plan
  values          = { arn = "arn:aws:lambda:us-east-1:123456789012:function:known-after-apply-start-crawler" }
}

override_resource {
  target          = module.etl.aws_lambda_function.this["get_crawler_status"]
  override_during = plan
  values          = { arn = "arn:aws:lambda:us-east-1:123456789012:function:known-after-apply-get-crawler-status" }
}

override_resource {
  target          = module.etl.aws_lambda_function.this["crawl_finished"]
  override_during = plan
  values          = { arn = "arn:aws:lambda:us-east-1:123456789012:function:known-after-apply-crawl-finished" }
}

override_resource {
  target          = module.etl.aws_lambda_function.this["report_run"]
  override_during = plan
  values          = { arn = "arn:aws:lambda:us-east-1:123456789012:function:known-after-apply-report-run" }
}

override_resource {
  target          = module.etl.aws_sns_topic.notifications[0]
  override_during = plan
  values          = { arn = "arn:aws:sns:us-east-1:123456789012:known-after-apply-notifications" }
}

override_resource {
  target          = module.etl.aws_sfn_state_machine.pipeline[0]
  override_during = plan
  values          = { arn = "arn:aws:states:us-east-1:123456789012:stateMachine:known-after-apply-pipeline" }
}

override_resource {
  target          = module.etl.aws_dynamodb_table.crawl_waits[0]
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/known-after-apply-crawl-waits" }
}

override_resource {
  target          = module.etl.aws_cloudwatch_event_rule.run_ended_abnormally[0]
  override_during = plan
  values          = { arn = "arn:aws:events:us-east-1:123456789012:rule/known-after-apply-run-ended-abnormally" }
}

override_resource {
  target          = module.etl.aws_cloudwatch_event_rule.workflow_step_failed["job"]
  override_during = plan
  values          = { arn = "arn:aws:events:us-east-1:123456789012:rule/known-after-apply-workflow-job-failed" }
}

override_resource {
  target          = module.etl.aws_cloudwatch_event_rule.workflow_step_failed["crawl"]
  override_during = plan
  values          = { arn = "arn:aws:events:us-east-1:123456789012:rule/known-after-apply-workflow-crawl-failed" }
}

run "minimal" {
  command = plan
  module {
    source = "./examples/minimal"
  }
}

run "complete" {
  command = plan
  module {
    source = "./examples/complete"
  }
}

run "complete_with_customer_managed_key" {
  command = plan
  module {
    source = "./examples/complete"
  }
  variables {
    use_customer_managed_key = true
  }
}

# catalog_updates = "jobs": the job roles' catalog statements (CatalogRawTables, CatalogCleansedTables).
run "complete_cataloged_by_jobs" {
  command = plan
  module {
    source = "./examples/complete"
  }
  variables {
    catalog_updates = "jobs"
    cleansed_format = "parquet"
  }
}

run "event_driven" {
  command = plan
  module {
    source = "./examples/event_driven"
  }
}

run "glue_workflow" {
  command = plan
  module {
    source = "./examples/glue_workflow"
  }
}
