# catalog_updates = "jobs" (issue #29) at plan level, offline: each job catalogs what it wrote, so no
# lake crawler, crawl state, crawl trigger or crawler Lambda exists, and each job role gets exactly
# the catalog calls its script makes. Run by `terraform test` (and by tests/test_static.py in
# `make test`), with module_plan's provider setup (the mocks in tests/mocks). Most runs use the
# mocked provider. A mocked provider would mock aws_iam_policy_document too, so the runs that read
# the rendered IAM documents use the real one, aws.offline, which renders those documents locally:
# it is configured to call nothing (dummy credentials, no validation), and the one data source that
# would call AWS is overridden.

mock_provider "aws" {
  source = "./tests/mocks"
}

provider "aws" {
  alias                       = "offline"
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
  catalog_updates = "jobs"
}

run "jobs_mode_creates_no_lake_crawler_and_nothing_that_serves_one" {
  # apply (against the mocked provider) so that the Lambdas' environments and the outputs are known.
  command = apply

  variables {
    crawler_wait    = "event"
    cleansed_format = "parquet"
  }

  assert {
    condition = alltrue([
      length(aws_glue_crawler.lake) == 0,
      length(aws_glue_classifier.raw_csv) == 0,
      !contains(keys(aws_iam_role.glue), "lake_crawler"),
      toset(keys(aws_iam_role.glue)) == toset(["extract_job", "cleanse_job"]),
    ])
    error_message = "With catalog_updates = \"jobs\" there is no raw or cleansed crawler, no raw CSV classifier and no lake crawler role."
  }

  assert {
    condition = alltrue([
      toset(keys(aws_lambda_function.this)) == toset(["resolve_run", "report_run"]),
      length(aws_dynamodb_table.crawl_waits) == 0,
      length(aws_cloudwatch_event_rule.crawl_finished) == 0,
      length(aws_cloudwatch_event_target.crawl_finished) == 0,
      length(aws_lambda_permission.crawl_finished) == 0,
    ])
    error_message = "No crawler Lambda, and crawler_wait = \"event\" creates no crawl-wait table, rule or crawl_finished Lambda: there is no crawl to wait for."
  }

  assert {
    condition = alltrue([
      output.catalog_updates == "jobs",
      output.raw_crawler_name == null,
      output.cleansed_crawler_name == null,
      output.crawler_arns == {},
      !contains(keys(output.role_arns), "lake_crawler"),
      toset(keys(output.lambda_function_names)) == toset(["resolve_run", "report_run"]),
    ])
    error_message = "The outputs say which mode it is and name no lake crawler, crawler role or crawler Lambda."
  }
}

run "jobs_mode_keeps_the_source_crawler_of_a_jdbc_source" {
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
    condition     = length(aws_glue_crawler.source) == 1 && length(aws_glue_crawler.lake) == 0 && contains(keys(aws_iam_role.glue), "source_crawler")
    error_message = "The source crawler reads the source's schema in both modes; only the lake crawlers go."
  }
}

run "crawlers_mode_is_the_default_and_gives_no_catalog_table_argument" {
  command = apply

  variables {
    catalog_updates = null
  }

  assert {
    condition = alltrue([
      output.catalog_updates == "crawlers",
      output.raw_crawler_name == "plan-test-raw-crawler",
      output.cleansed_crawler_name == "plan-test-cleansed-crawler",
      !contains(keys(output.manual_run_arguments.customers.extract_job), "--catalog_table"),
      !contains(keys(output.manual_run_arguments.customers.cleanse_job), "--catalog_table"),
      !strcontains(output.state_machine_definition, "--catalog_table"),
    ])
    error_message = "Left unset (null), catalog_updates is \"crawlers\": both lake crawlers, and no job is told to catalog anything."
  }
}

run "each_job_is_told_the_catalog_table_the_lake_crawler_would_write" {
  command = apply

  variables {
    tables = {
      customers = { key_columns = ["id"], source_table = "source_customers" }
      orders    = { key_columns = ["order_id"], source_table = "source_orders" }
    }
  }

  assert {
    condition = alltrue([
      for table in jsondecode(output.state_machine_definition).States.LoadTables.Result :
      table.extract_job_arguments["--catalog_table"] == "plan_test.raw_${table.name}"
      && table.cleanse_job_arguments["--catalog_table"] == "plan_test.cleansed_${table.name}"
    ])
    error_message = "Each table's run of the extract job names <database>.raw_<table>, of the cleanse job <database>.cleansed_<table>: the names the raw and cleansed crawlers give."
  }

  assert {
    condition = alltrue([
      output.manual_run_arguments.orders.extract_job["--catalog_table"] == "plan_test.raw_orders",
      output.manual_run_arguments.orders.cleanse_job["--catalog_table"] == "plan_test.cleansed_orders",
    ])
    error_message = "A run started by hand catalogs what it writes too."
  }
}

run "an_iceberg_cleanse_job_is_given_no_catalog_table_its_commit_registers_the_table" {
  command = apply

  variables {
    cleansed_format = "iceberg"
  }

  assert {
    condition = alltrue([
      output.manual_run_arguments.customers.extract_job["--catalog_table"] == "plan_test.raw_customers",
      !contains(keys(output.manual_run_arguments.customers.cleanse_job), "--catalog_table"),
      output.manual_run_arguments.customers.cleanse_job["--cleansed_table"] == "plan_test.cleansed_customers",
    ])
    error_message = "With Iceberg only the extract job catalogs (raw_<table>); the cleanse job's Iceberg commit already registers cleansed_<table>."
  }
}

run "the_definition_has_no_crawl_state" {
  command = apply

  variables {
    crawler_wait = "event"
  }

  assert {
    condition = alltrue([
      length([for name in keys(jsondecode(output.state_machine_definition).States) : name if can(regex("Crawl", name))]) == 0,
      !strcontains(jsonencode(jsondecode(output.state_machine_definition).States), "crawler"),
      jsondecode(output.state_machine_definition).States.IsAnyTableExtracted.Choices[0].Next == "CleanseTables",
      jsondecode(output.state_machine_definition).States.IsAnyTableExtracted.Default == "ReportRun",
      jsondecode(output.state_machine_definition).States.CleanseTables.Next == "ReportRun",
    ])
    error_message = "IsAnyTableExtracted -> CleanseTables -> ReportRun: no crawl state, no crawler named anywhere in the definition."
  }

  assert {
    # Two job rounds of (job_timeout_minutes 60 + 5 minutes) and the hour of slack; no crawl's.
    condition     = jsondecode(output.state_machine_definition).TimeoutSeconds == 2 * (60 * 60 + 300) + 3600
    error_message = "The execution's timeout leaves no time for crawls there are none of."
  }
}

run "an_iceberg_definition_has_no_crawl_state_either" {
  command = apply

  variables {
    cleansed_format = "iceberg"
  }

  assert {
    condition = alltrue([
      length([for name in keys(jsondecode(output.state_machine_definition).States) : name if can(regex("Crawl", name))]) == 0,
      jsondecode(output.state_machine_definition).States.IsAnyTableExtracted.Choices[0].Next == "CleanseTables",
      jsondecode(output.state_machine_definition).States.CleanseTables.Next == "ReportRun",
    ])
    error_message = "With Iceberg too: no crawl of raw, and no cleansed crawl (there never was one)."
  }
}

run "jobs_mode_ignores_crawler_settings_that_would_need_too_many_polls" {
  command = plan

  variables {
    crawler_timeout_minutes           = 1440
    crawler_poll_interval_seconds     = 1
    crawler_poll_backoff_rate         = 1
    crawler_poll_max_interval_seconds = 1
  }

  assert {
    condition     = length(aws_sfn_state_machine.pipeline) == 1
    error_message = "crawler_* settings change nothing without crawls: the poll bound does not stop the plan."
  }
}

run "the_glue_workflow_chains_extract_jobs_to_cleanse_jobs_directly" {
  command = apply

  variables {
    orchestration = "glue_workflow"
    tables = {
      customers = { key_columns = ["id"], source_table = "source_customers" }
      orders    = { key_columns = ["order_id"], source_table = "source_orders" }
    }
  }

  assert {
    condition = alltrue([
      length(aws_glue_trigger.crawl_after_jobs) == 0,
      aws_glue_trigger.start_cleanse[0].predicate[0].logical == "AND",
      toset([for condition in aws_glue_trigger.start_cleanse[0].predicate[0].conditions : "${condition.job_name}=${condition.state}"]) == toset(["plan-test-extract-customers=SUCCEEDED", "plan-test-extract-orders=SUCCEEDED"]),
      alltrue([for condition in aws_glue_trigger.start_cleanse[0].predicate[0].conditions : condition.crawler_name == null || condition.crawler_name == ""]),
      toset([for action in aws_glue_trigger.start_cleanse[0].actions : action.job_name]) == toset(["plan-test-cleanse-customers", "plan-test-cleanse-orders"]),
    ])
    error_message = "start -> each extract job -> (all SUCCEEDED) each cleanse job: no crawl between or after."
  }

  assert {
    condition = alltrue([
      toset(keys(aws_cloudwatch_event_rule.workflow_step_failed)) == toset(["job"]),
      aws_glue_job.this["raw_job_orders"].default_arguments["--catalog_table"] == "plan_test.raw_orders",
      aws_glue_job.this["cleanse_job_orders"].default_arguments["--catalog_table"] == "plan_test.cleansed_orders",
      !strcontains(aws_glue_workflow.pipeline[0].description, "crawl of"),
    ])
    error_message = "Each table's jobs catalog their own tables; only job failures alert (no crawl can fail); the workflow's description names no crawl."
  }
}

run "a_jobs_mode_glue_workflow_holds_two_more_tables_before_glues_limit" {
  command = plan

  variables {
    orchestration   = "glue_workflow"
    max_concurrency = 49
    tables          = { for index in range(49) : "table_${index}" => { key_columns = ["id"] } }
  }

  assert {
    # 2 x 49 jobs and two triggers (start, cleanse): 100, Glue's maximum.
    condition     = length(aws_glue_job.this) == 98 && length(aws_glue_crawler.lake) == 0
    error_message = "With no crawler and no crawl trigger, 49 tables fit in a workflow of 100 jobs, crawlers and triggers."
  }
}

run "rejects_a_jobs_mode_glue_workflow_larger_than_glue_supports" {
  command = plan

  variables {
    orchestration   = "glue_workflow"
    max_concurrency = 50
    tables          = { for index in range(50) : "table_${index}" => { key_columns = ["id"] } }
  }

  expect_failures = [var.orchestration]
}

run "rejects_an_unknown_catalog_updates" {
  command = plan

  variables {
    catalog_updates = "job"
  }

  expect_failures = [var.catalog_updates]
}

run "extract_job_role_may_catalog_its_raw_tables_only_with_exactly_the_calls_it_makes" {
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

  assert {
    condition = length([
      for statement in jsondecode(data.aws_iam_policy_document.extract_job.json).Statement : statement
      if statement.Sid == "CatalogRawTables"
      && toset(flatten([statement.Action])) == toset(["glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:UpdatePartition"])
      && toset(flatten([statement.Resource])) == toset([
        "arn:aws:glue:eu-west-1:123456789012:catalog",
        "arn:aws:glue:eu-west-1:123456789012:database/plan_test",
        "arn:aws:glue:eu-west-1:123456789012:table/plan_test/raw_*",
      ])
      && statement.Effect == "Allow" && !can(statement.Condition)
    ]) == 1
    error_message = "The extract job may get, create and update raw_<table> tables and their partitions, on the catalog, the database and the raw crawler's table pattern: nothing else."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(data.aws_iam_policy_document.extract_job.json).Statement :
      statement.Sid == "CatalogRawTables" || length(setintersection(toset(flatten([statement.Action])), toset(["glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:UpdatePartition"]))) == 0
    ])
    error_message = "No other statement of the extract job's role writes to the catalog."
  }

  assert {
    condition = length([
      for statement in jsondecode(data.aws_iam_policy_document.cleanse_job.json).Statement : statement
      if statement.Sid == "CatalogCleansedTables"
      && toset(flatten([statement.Action])) == toset(["glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:CreatePartition", "glue:UpdatePartition", "glue:GetPartitions", "glue:BatchDeletePartition"])
      && toset(flatten([statement.Resource])) == toset([
        "arn:aws:glue:eu-west-1:123456789012:catalog",
        "arn:aws:glue:eu-west-1:123456789012:database/plan_test",
        "arn:aws:glue:eu-west-1:123456789012:table/plan_test/cleansed_*",
      ])
    ]) == 1
    error_message = "The cleanse job may get, create and update cleansed_<table> tables and their partitions, and list and delete the partitions of a rerun's earlier files: nothing else."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(data.aws_iam_policy_document.cleanse_job.json).Statement :
      statement.Sid == "CatalogCleansedTables" || !strcontains(jsonencode(statement.Action), "glue:")
    ])
    error_message = "With the Parquet history no other statement of the cleanse job's role names a Glue action."
  }
}

run "an_iceberg_cleanse_job_role_gains_no_catalog_statement" {
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline"

  variables {
    cleansed_format = "iceberg"
  }

  assert {
    condition = alltrue([
      !strcontains(data.aws_iam_policy_document.cleanse_job.json, "CatalogCleansedTables"),
      strcontains(data.aws_iam_policy_document.cleanse_job.json, "CommitCurrentStateTable"),
      strcontains(data.aws_iam_policy_document.extract_job.json, "CatalogRawTables"),
    ])
    error_message = "With Iceberg the cleanse job keeps its commit's permissions and gains none; the extract job still catalogs raw_<table>."
  }
}

run "crawlers_mode_gives_the_job_roles_no_catalog_statement" {
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline"

  variables {
    catalog_updates = "crawlers"
  }

  assert {
    condition = alltrue([
      !strcontains(data.aws_iam_policy_document.extract_job.json, "CatalogRawTables"),
      !strcontains(data.aws_iam_policy_document.cleanse_job.json, "CatalogCleansedTables"),
    ])
    error_message = "With crawlers the lake crawler role alone writes the lake's catalog tables."
  }
}
