# The module's plan-level checks, offline, a few seconds; run by `terraform test` (and by
# tests/test_static.py in `make test`). Most runs use the mocked provider. A mocked provider would
# mock aws_iam_policy_document too, so the runs that read the rendered IAM documents use the real
# one, aws.offline, which renders those documents locally: it is configured to call nothing (dummy
# credentials, no validation), and the one data source that would call AWS is overridden.

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
}

# That a disabled module plans no create at all, whatever its settings, tests/test_static.py asserts
# from the plans of the three disabled_* runs (terraform test -json -verbose): it covers every
# resource type, present and future. The runs here check the outputs.
run "disabled_module_creates_nothing" {
  command = plan

  variables {
    enabled = false
  }

  assert {
    condition = alltrue([
      output.state_machine_arn == null, output.bucket_name == null, output.cleansed_format == null, output.metrics_namespace == null,
      output.notification_topic_arn == null, output.extract_job_name == null, output.workflow_name == null, output.glue_runtime == null,
      length(output.job_arns) == 0, length(output.tables) == 0, length(output.lambda_function_names) == 0, length(output.log_group_names) == 0,
      length(output.role_arns) == 0, length(output.manual_run_arguments) == 0, length(output.workflow_job_names) == 0,
    ])
    error_message = "A disabled module must output nulls and empty maps."
  }
}

run "disabled_glue_workflow_creates_nothing" {
  command = plan

  variables {
    enabled       = false
    orchestration = "glue_workflow"
  }

  assert {
    condition = alltrue([
      output.state_machine_arn == null, output.bucket_name == null, output.cleansed_format == null, output.metrics_namespace == null,
      output.notification_topic_arn == null, output.extract_job_name == null, output.workflow_name == null, output.glue_runtime == null,
      length(output.job_arns) == 0, length(output.tables) == 0, length(output.lambda_function_names) == 0, length(output.log_group_names) == 0,
      length(output.role_arns) == 0, length(output.manual_run_arguments) == 0, length(output.workflow_job_names) == 0,
    ])
    error_message = "A disabled module must output nulls and empty maps."
  }
}

run "disabled_event_wait_with_a_jdbc_source_and_a_schedule_creates_nothing" {
  command = plan

  variables {
    enabled              = false
    crawler_wait         = "event"
    schedule_expression  = "cron(0 3 * * ? *)"
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
  }

  assert {
    condition = alltrue([
      output.state_machine_arn == null, output.bucket_name == null, output.cleansed_format == null, output.metrics_namespace == null,
      output.notification_topic_arn == null, output.extract_job_name == null, output.workflow_name == null, output.glue_runtime == null,
      length(output.job_arns) == 0, length(output.tables) == 0, length(output.lambda_function_names) == 0, length(output.log_group_names) == 0,
      length(output.role_arns) == 0, length(output.manual_run_arguments) == 0, length(output.workflow_job_names) == 0,
    ])
    error_message = "A disabled module must output nulls and empty maps."
  }
}

run "names_follow_the_prefix_and_table" {
  command = plan

  assert {
    condition     = output.bucket_name == "plan-test-datalake-123456789012"
    error_message = "The created bucket is <name_prefix>-datalake-<account id>."
  }

  assert {
    condition     = output.tables.customers.raw_table == "raw_customers" && output.tables.customers.cleansed_table == "cleansed_customers"
    error_message = "Crawler table prefixes must give raw_<table> and cleansed_<table>."
  }

  assert {
    condition     = output.database_name == "plan_test"
    error_message = "The default database is the prefix with underscores."
  }

  assert {
    condition = alltrue([
      output.extract_job_name == "plan-test-extract-to-raw",
      output.cleanse_job_name == "plan-test-cleanse",
      toset(keys(output.job_arns)) == toset(["extract_job", "cleanse_job"]),
      toset(keys(output.manual_run_arguments.customers)) == toset(["extract_job", "cleanse_job"]),
      aws_sns_topic.notifications[0].name == "plan-test-pipeline-notifications",
      aws_sns_topic.notifications[0].display_name == "plan-test pipeline notifications",
    ])
    error_message = "The jobs are the extract job (its AWS name kept, which Glue keys its bookmark by) and the cleanse job; the topic carries the pipeline's notifications."
  }
}

run "rendered_definition_is_complete" {
  # apply (against the mocked provider) so that the Lambda and topic ARNs are known.
  command = apply

  variables {
    crawler_poll_interval_seconds     = 10
    crawler_poll_backoff_rate         = 1
    crawler_poll_max_interval_seconds = 10
    crawler_timeout_minutes           = 5
  }

  assert {
    condition     = jsondecode(output.state_machine_definition).TimeoutSeconds == 2 * (3600 + 300) + 4 * 300 + 3600
    error_message = "The execution timeout covers two jobs, four crawls and an hour of slack."
  }

  assert {
    condition     = jsondecode(output.state_machine_definition).States.LoadSettings.Parameters["poll_waits_seconds.$"] == "States.StringToJson('[10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10]')"
    error_message = "A fixed 10 s interval for a 5 minute crawler timeout is thirty status checks."
  }

  assert {
    condition     = !strcontains(output.state_machine_definition, "$${")
    error_message = "Every placeholder of state_machine.asl.json must be rendered."
  }
}

run "jdbc_source_names_the_crawled_table" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
    tables = {
      customers = { key_columns = ["customer_id"], source_table = "Customers" }
      orders    = { key_columns = ["order_id"] }
    }
  }

  assert {
    condition     = output.tables.customers.source_table == "source_sales_public_customers" && output.tables.orders.source_table == "source_sales_public_orders"
    error_message = "The extract job reads the table the source crawler creates: source_<database>_<schema>_<table>, lower case."
  }

  assert {
    condition     = [for target in aws_glue_crawler.source[0].jdbc_target : target.path] == ["sales/public/Customers", "sales/public/orders"]
    error_message = "The source crawler has one JDBC target per table, <schema_path>/<source_table>."
  }

  assert {
    condition     = aws_glue_connection.jdbc_source[0].connection_properties.SECRET_ID == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
    error_message = "The connection reads its credentials from the secret."
  }

  assert {
    condition     = aws_glue_connection.jdbc_source[0].connection_properties.JDBC_ENFORCE_SSL == "true" && !contains(keys(aws_glue_connection.jdbc_source[0].connection_properties), "CUSTOM_JDBC_CERT")
    error_message = "By default the connection requires TLS, verified against Glue's default certificates."
  }
}

run "jdbc_source_verifies_the_server_against_a_given_root_certificate" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url          = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn              = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path             = "sales/public"
      tls_certificate_s3_path = "s3://certificates-bucket/rds/eu-west-1-bundle.pem"
    }
  }

  assert {
    condition = aws_glue_connection.jdbc_source[0].connection_properties.JDBC_ENFORCE_SSL == "true" && (
      aws_glue_connection.jdbc_source[0].connection_properties.CUSTOM_JDBC_CERT == "s3://certificates-bucket/rds/eu-west-1-bundle.pem"
    )
    error_message = "tls_certificate_s3_path is the connection's CUSTOM_JDBC_CERT."
  }
}

run "jdbc_source_may_opt_out_of_tls" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      # Parameters that merely contain "user" or "password" are no credentials.
      connection_url = "jdbc:postgresql://db.internal:5432/sales?ApplicationName=etl&sslpassword=unused&defaultUserRole=reader"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
      require_tls    = false
    }
  }

  assert {
    condition     = aws_glue_connection.jdbc_source[0].connection_properties.JDBC_ENFORCE_SSL == "false"
    error_message = "require_tls = false leaves TLS to the driver's default: JDBC_ENFORCE_SSL false."
  }
}

run "rejects_a_tls_certificate_that_is_not_an_s3_location" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url          = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn              = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path             = "sales/public"
      tls_certificate_s3_path = "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem"
    }
  }

  expect_failures = [var.jdbc_source]
}

run "rejects_a_tls_certificate_without_tls" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url          = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn              = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path             = "sales/public"
      require_tls             = false
      tls_certificate_s3_path = "s3://certificates-bucket/rds/eu-west-1-bundle.pem"
    }
  }

  expect_failures = [var.jdbc_source]
}

run "rejects_zero_workers" {
  command = plan

  variables {
    number_of_workers = 0
  }

  expect_failures = [var.number_of_workers]
}

run "rejects_a_schedule_that_is_not_rate_or_cron" {
  command = plan

  variables {
    schedule_expression = "daily"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_a_rate_whose_unit_does_not_agree_with_its_value" {
  command = plan

  variables {
    schedule_expression = "rate(1 hours)"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_a_plural_rate_with_a_singular_unit" {
  command = plan

  variables {
    schedule_expression = "rate(5 hour)"
  }

  expect_failures = [var.schedule_expression]
}

run "rejects_a_name_prefix_s3_reserves_for_bucket_names" {
  command = plan

  variables {
    name_prefix = "xn--lake"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_an_existing_bucket_without_a_name" {
  command = plan

  variables {
    create_bucket = false
  }

  expect_failures = [var.bucket_name]
}

run "rejects_a_pipeline_without_a_source" {
  command = plan

  variables {
    source_database_name = null
  }

  expect_failures = [var.source_database_name]
}

run "rejects_a_poll_schedule_needing_too_many_checks" {
  command = plan

  variables {
    crawler_poll_interval_seconds     = 1
    crawler_poll_backoff_rate         = 1
    crawler_poll_max_interval_seconds = 1
    crawler_timeout_minutes           = 60
  }

  expect_failures = [aws_sfn_state_machine.pipeline]
}

run "jobs_run_glue_5_1_by_default_and_say_what_it_runs" {
  command = plan

  assert {
    condition     = alltrue([for job in aws_glue_job.this : job.glue_version == "5.1"])
    error_message = "Both jobs run the default Glue version, 5.1."
  }

  assert {
    condition     = output.glue_runtime == { glue_version = "5.1", spark = "3.5.6", python = "3.11", scala = "2.12.18", iceberg = "1.10.0" }
    error_message = "glue_runtime reports Glue 5.1's Spark, Python, Scala and Iceberg as AWS documents them."
  }
}

run "glue_6_0_plans_on_g_1x_workers" {
  command = plan

  variables {
    glue_version = "6.0"
    worker_type  = "G.1X"
  }

  assert {
    condition     = alltrue([for job in aws_glue_job.this : job.glue_version == "6.0" && job.worker_type == "G.1X"])
    error_message = "Both jobs run Glue 6.0 on the chosen worker type."
  }

  assert {
    condition     = output.glue_runtime.spark == "4.1.1" && output.glue_runtime.python == "3.13" && output.glue_runtime.scala == "2.13.17"
    error_message = "glue_runtime reports Glue 6.0's Spark 4.1.1, Python 3.13 and Scala 2.13."
  }
}

run "rejects_glue_4_on_which_the_scripts_fail" {
  command = plan

  variables {
    glue_version = "4.0"
  }

  expect_failures = [var.glue_version]
}

run "rejects_automatic_version_upgrades" {
  command = plan

  variables {
    glue_version = "auto"
  }

  expect_failures = [var.glue_version]
}

# Graviton worker types come with Glue 6.1.
run "rejects_graviton_workers_on_glue_5_1" {
  command = plan

  variables {
    glue_version = "5.1"
    worker_type  = "G.1X.GRAVITON"
  }

  expect_failures = [var.worker_type]
}

run "rejects_graviton_workers_on_glue_6_0" {
  command = plan

  variables {
    glue_version = "6.0"
    worker_type  = "R.2X.GRAVITON"
  }

  expect_failures = [var.worker_type]
}

# A job on a Graviton worker type cannot be planned with the mirror's aws provider 5.100.0, even
# mocked: its worker_type list (Standard, G.1X, G.2X, G.025X, G.4X, G.8X, Z.2X) refuses the
# .GRAVITON names, and G.12X, G.16X and R.*X with them. A disabled module creates no job for the
# provider to check, so this run shows that the module's own validation accepts the type on 6.1.
run "accepts_graviton_workers_on_glue_6_1" {
  command = plan

  variables {
    enabled      = false
    glue_version = "6.1"
    worker_type  = "G.2X.GRAVITON"
  }
}

run "rejects_flex_on_graviton_workers" {
  command = plan

  variables {
    glue_version   = "6.1"
    worker_type    = "G.1X.GRAVITON"
    flex_execution = true
  }

  expect_failures = [var.flex_execution]
}

run "rejects_the_streaming_only_worker_type" {
  command = plan

  variables {
    worker_type = "G.025X"
  }

  expect_failures = [var.worker_type]
}

run "accepts_a_large_spark_worker_type" {
  command = plan

  variables {
    worker_type = "G.8X"
  }

  assert {
    condition     = alltrue([for job in aws_glue_job.this : job.worker_type == "G.8X"])
    error_message = "Both jobs run on the chosen worker type."
  }
}

run "rejects_flex_on_a_worker_type_flex_does_not_run" {
  command = plan

  variables {
    flex_execution = true
    worker_type    = "G.4X"
  }

  expect_failures = [var.flex_execution]
}

run "jdbc_connection_in_a_subnet_takes_the_subnets_availability_zone" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url     = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn         = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path        = "sales/public"
      subnet_id          = "subnet-0123456789abcdef0"
      security_group_ids = ["sg-0123456789abcdef0"]
    }
  }

  assert {
    condition     = aws_glue_connection.jdbc_source[0].physical_connection_requirements[0].availability_zone == "eu-west-1b"
    error_message = "Glue needs the connection's availability zone whenever a subnet is set: it is the subnet's own."
  }
}

run "jdbc_connection_keeps_an_availability_zone_given" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url    = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn        = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path       = "sales/public"
      subnet_id         = "subnet-0123456789abcdef0"
      availability_zone = "eu-west-1c"
    }
  }

  assert {
    condition     = aws_glue_connection.jdbc_source[0].physical_connection_requirements[0].availability_zone == "eu-west-1c" && length(data.aws_subnet.jdbc_source) == 0
    error_message = "A given availability zone is used as is, without looking the subnet up."
  }
}

run "disabled_module_looks_up_no_subnet" {
  command = plan

  variables {
    enabled              = false
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
      subnet_id      = "subnet-0123456789abcdef0"
    }
  }

  assert {
    condition     = length(data.aws_subnet.jdbc_source) == 0 && length(aws_glue_connection.jdbc_source) == 0
    error_message = "enabled = false reads nothing and creates nothing."
  }
}

run "service_integrations_name_the_partition_the_module_runs_in" {
  # apply (against the mocked provider) so that the definition is known.
  command = apply

  override_data {
    target = data.aws_partition.current
    values = {
      partition = "aws-us-gov"
    }
  }

  assert {
    condition = alltrue([
      for state in concat(
        values(jsondecode(output.state_machine_definition).States),
        flatten([for state in values(jsondecode(output.state_machine_definition).States) : values(state.ItemProcessor.States) if state.Type == "Map"]),
      ) : startswith(state.Resource, "arn:aws-us-gov:states:::") if state.Type == "Task"
    ])
    error_message = "Every Task's Resource is an ARN of the partition the module is applied in, not a hard-coded aws."
  }
}

run "raw_crawler_reads_the_csv_header_with_opencsvserde" {
  command = plan

  assert {
    condition     = aws_glue_crawler.lake["raw_crawler"].classifiers == tolist(["plan-test-raw-csv"]) && length(aws_glue_crawler.lake["cleansed_crawler"].classifiers) == 0
    error_message = "The raw crawler lists the raw CSV classifier; the cleansed crawler reads Parquet with the built-in ones."
  }

  assert {
    condition = alltrue([
      aws_glue_classifier.raw_csv[0].name == "plan-test-raw-csv",
      aws_glue_classifier.raw_csv[0].csv_classifier[0].contains_header == "PRESENT",
      aws_glue_classifier.raw_csv[0].csv_classifier[0].delimiter == ",",
      aws_glue_classifier.raw_csv[0].csv_classifier[0].quote_symbol == "\"",
      aws_glue_classifier.raw_csv[0].csv_classifier[0].serde == "OpenCSVSerDe",
    ])
    error_message = "The extract job's CSV has a header and quoted fields: the classifier says so and asks for OpenCSVSerDe."
  }
}

run "cleansed_crawler_deletes_partitions_whose_data_is_gone" {
  command = plan

  assert {
    condition     = aws_glue_crawler.lake["cleansed_crawler"].schema_change_policy[0].delete_behavior == "DELETE_FROM_DATABASE"
    error_message = "A rerun landing on another ingestion date removes the old folder; the cleansed crawler must remove its partition too."
  }
}

run "extract_job_reads_a_source_table_in_a_database_of_the_callers" {
  command = plan

  variables {
    source_database_name = "landing"
    tables = {
      customers = { key_columns = ["id"], source_table = "customer_list" }
    }
  }

  assert {
    condition     = aws_glue_job.this["extract_job"].default_arguments["--source_database"] == "landing" && output.manual_run_arguments.customers.extract_job["--source_table"] == "customer_list"
    error_message = "The extract job must read the table's source_table in source_database_name."
  }

  assert {
    condition     = output.manual_run_arguments.customers.cleanse_job["--output_path"] == "s3://plan-test-datalake-123456789012/cleansed/plan-test/customers/"
    error_message = "The raw and cleansed tables stay in the module's own bucket and database."
  }
}

run "rejects_a_source_database_beside_a_jdbc_source" {
  command = plan

  variables {
    source_database_name = "landing"
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
  }

  expect_failures = [var.source_database_name]
}

run "rejects_a_user_and_password_in_the_jdbc_url" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://etl_reader:s3cret@db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
  }

  expect_failures = [var.jdbc_source]
}

run "rejects_a_user_in_the_jdbc_url" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://etl_reader@db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
  }

  expect_failures = [var.jdbc_source]
}

run "rejects_a_password_parameter_in_the_jdbc_url" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales?sslmode=verify-full&Password=s3cret"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
  }

  expect_failures = [var.jdbc_source]
}

run "rejects_a_user_parameter_in_the_jdbc_url" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:mysql://db.internal:3306/sales?USER=etl_reader"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
  }

  expect_failures = [var.jdbc_source]
}

run "rejects_a_sql_server_password_property_in_the_jdbc_url" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:sqlserver://db.internal:1433;databaseName=sales;password=s3cret"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
  }

  expect_failures = [var.jdbc_source]
}

run "rejects_a_source_location_that_is_not_an_s3_arn" {
  command = plan

  variables {
    source_s3_arns = ["s3://landing/orders/"]
  }

  expect_failures = [var.source_s3_arns]
}

run "glue_workflow_chains_each_tables_jobs_and_one_crawl_per_stage_with_no_lambda" {
  command = apply

  variables {
    orchestration = "glue_workflow"
    tables = {
      customers = { key_columns = ["id"], source_table = "source_customers", number_of_workers = 4 }
      orders    = { key_columns = ["order_id"], source_table = "source_orders" }
    }
  }

  assert {
    condition = alltrue([
      length(aws_sfn_state_machine.pipeline) == 0,
      length(aws_lambda_function.this) == 0,
      length(aws_iam_role.state_machine) == 0,
      output.state_machine_arn == null,
      output.workflow_name == "plan-test-pipeline",
    ])
    error_message = "A Glue workflow needs no state machine and no Lambda."
  }

  assert {
    condition = alltrue([
      join(",", sort(keys(aws_glue_job.this))) == "cleanse_job_customers,cleanse_job_orders,raw_job_customers,raw_job_orders",
      aws_glue_job.this["raw_job_customers"].default_arguments["--output_path"] == "s3://plan-test-datalake-123456789012/raw/plan-test/customers/run_id={run_id}/",
      aws_glue_job.this["cleanse_job_orders"].default_arguments["--run_id"] == "{run_id}",
      aws_glue_job.this["raw_job_customers"].number_of_workers == 4,
      output.workflow_job_names.orders.cleanse_job == "plan-test-cleanse-orders",
    ])
    error_message = "Each table has its own two jobs, its run's folders named by the workflow run ({run_id})."
  }

  assert {
    condition = alltrue([
      output.workflow_job_names.customers.extract_job == "plan-test-extract-customers",
      output.workflow_job_names.customers.cleanse_job == "plan-test-cleanse-customers",
      toset(keys(output.job_arns)) == toset(["extract_job_customers", "extract_job_orders", "cleanse_job_customers", "cleanse_job_orders"]),
      toset(keys(output.manual_run_arguments.orders)) == toset(["extract_job", "cleanse_job"]),
      output.extract_job_name == null && output.cleanse_job_name == null,
    ])
    error_message = "The outputs name the workflow's jobs extract_job and cleanse_job, as in Step Functions mode (only the internal keys keep raw_job)."
  }

  assert {
    condition = alltrue([
      aws_glue_trigger.start[0].type == "ON_DEMAND" && aws_glue_trigger.start[0].enabled == false,
      length(aws_glue_trigger.start[0].actions) == 2,
      length(aws_glue_trigger.crawl_after_jobs["raw"].predicate[0].conditions) == 2 && aws_glue_trigger.crawl_after_jobs["raw"].predicate[0].logical == "AND",
      aws_glue_trigger.crawl_after_jobs["raw"].actions[0].crawler_name == "plan-test-raw-crawler",
      aws_glue_trigger.start_cleanse[0].predicate[0].conditions[0].crawl_state == "SUCCEEDED",
      length(aws_glue_trigger.start_cleanse[0].actions) == 2,
      aws_glue_trigger.crawl_after_jobs["cleansed"].actions[0].crawler_name == "plan-test-cleansed-crawler",
    ])
    error_message = "start -> each extract job -> (all SUCCEEDED) the raw crawler -> each cleanse job -> (all SUCCEEDED) the cleansed crawler; the start trigger is not fired at apply."
  }

  assert {
    condition = alltrue([
      jsondecode(aws_cloudwatch_event_rule.workflow_step_failed["job"].event_pattern).detail.state == ["FAILED", "TIMEOUT", "STOPPED"],
      jsondecode(aws_cloudwatch_event_rule.workflow_step_failed["crawl"].event_pattern).detail.state == ["Failed"],
      toset(jsondecode(aws_cloudwatch_event_rule.workflow_step_failed["job"].event_pattern).detail.jobName) == toset([{ prefix = "plan-test-extract-" }, { prefix = "plan-test-cleanse-" }]),
      alltrue([for job in aws_glue_job.this : startswith(job.name, "plan-test-extract-") || startswith(job.name, "plan-test-cleanse-")]),
    ])
    error_message = "Every job's and crawler's failure alerts through EventBridge to the notification topic; the jobs are matched by their names' prefixes, a pattern whose size does not grow with the tables."
  }
}

run "glue_workflow_runs_each_stage_max_concurrency_jobs_at_a_time" {
  command = plan

  variables {
    orchestration   = "glue_workflow"
    max_concurrency = 2
    tables = {
      countries = { key_columns = ["country_code"] }
      customers = { key_columns = ["customer_id"] }
      orders    = { key_columns = ["order_id"] }
    }
  }

  assert {
    condition = alltrue([
      [for action in aws_glue_trigger.start[0].actions : action.job_name] == ["plan-test-extract-countries", "plan-test-extract-customers"],
      [for action in aws_glue_trigger.batch_after_batch["raw_job_1"].actions : action.job_name] == ["plan-test-extract-orders"],
      [for condition in aws_glue_trigger.batch_after_batch["raw_job_1"].predicate[0].conditions : [condition.job_name, condition.state]] == [["plan-test-extract-countries", "SUCCEEDED"], ["plan-test-extract-customers", "SUCCEEDED"]],
      [for action in aws_glue_trigger.start_cleanse[0].actions : action.job_name] == ["plan-test-cleanse-countries", "plan-test-cleanse-customers"],
      [for action in aws_glue_trigger.batch_after_batch["cleanse_job_1"].actions : action.job_name] == ["plan-test-cleanse-orders"],
      length(aws_glue_trigger.crawl_after_jobs["raw"].predicate[0].conditions) == 3,
    ])
    error_message = "Each stage starts max_concurrency jobs, the next batch once they SUCCEEDED; each crawl waits for every job of its stage."
  }
}

run "rejects_a_glue_workflow_larger_than_glue_supports" {
  command = plan

  variables {
    orchestration   = "glue_workflow"
    max_concurrency = 10
    tables          = { for index in range(45) : "table_${index}" => { key_columns = ["id"] } }
  }

  expect_failures = [var.orchestration]
}

run "rejects_a_rate_schedule_for_a_glue_workflow" {
  command = plan

  variables {
    orchestration       = "glue_workflow"
    schedule_expression = "rate(1 day)"
  }

  expect_failures = [var.orchestration]
}

run "event_wait_waits_for_the_crawls_end_event_without_polling" {
  # apply (against the mocked provider) so that the rendered definition is known.
  command = apply

  variables {
    crawler_wait            = "event"
    crawler_timeout_minutes = 20
  }

  assert {
    condition = alltrue([
      jsondecode(output.state_machine_definition).States.IsAnyTableExtracted.Choices[0].Next == "AwaitRawCrawl",
      jsondecode(output.state_machine_definition).States.HasCleansedTables.Choices[0].Next == "AwaitCleansedCrawl",
      jsondecode(output.state_machine_definition).States.AwaitRawCrawl.Resource == "arn:aws:states:::lambda:invoke.waitForTaskToken",
      jsondecode(output.state_machine_definition).States.LoadSettings.Parameters["crawl_heartbeat_seconds.$"] == "States.StringToJson('1200')",
      jsondecode(output.state_machine_definition).States.LoadSettings.Parameters["crawl_wait_timeout_seconds.$"] == "States.StringToJson('2400')",
      length([for name in keys(jsondecode(output.state_machine_definition).States) : name if can(regex("Poll|WaitFor|CrawlerStatus", name))]) == 0,
    ])
    error_message = "Each crawl is one task waiting for its token, each crawl within the crawler timeout (twice that when an earlier crawl runs first); no poll state is left."
  }

  assert {
    condition = alltrue([
      jsondecode(aws_cloudwatch_event_rule.crawl_finished[0].event_pattern).source == ["aws.glue"],
      jsondecode(aws_cloudwatch_event_rule.crawl_finished[0].event_pattern)["detail-type"] == ["Glue Crawler State Change"],
      jsondecode(aws_cloudwatch_event_rule.crawl_finished[0].event_pattern).account == ["123456789012"],
      jsondecode(aws_cloudwatch_event_rule.crawl_finished[0].event_pattern).region == ["eu-west-1"],
      jsondecode(aws_cloudwatch_event_rule.crawl_finished[0].event_pattern).detail.crawlerName == ["plan-test-raw-crawler", "plan-test-cleansed-crawler"],
      jsondecode(aws_cloudwatch_event_rule.crawl_finished[0].event_pattern).detail.state == ["Succeeded", "Failed"],
      aws_lambda_permission.crawl_finished[0].principal == "events.amazonaws.com",
    ])
    error_message = "The rule hears only the end of this pipeline's crawls, in its account and region, and may invoke crawl_finished."
  }

  assert {
    condition = alltrue([
      aws_lambda_function.this["crawl_finished"].environment[0].variables.CRAWL_EVENTS_ACCOUNT == "123456789012",
      aws_lambda_function.this["crawl_finished"].environment[0].variables.CRAWL_EVENTS_REGION == "eu-west-1",
      jsondecode(aws_lambda_function.this["crawl_finished"].environment[0].variables.PIPELINE_CRAWLERS) == ["plan-test-raw-crawler", "plan-test-cleansed-crawler"],
    ])
    error_message = "crawl_finished itself knows whose events to take: a direct invocation bypasses the rule."
  }

  assert {
    condition = alltrue([
      aws_dynamodb_table.crawl_waits[0].ttl[0].attribute_name == "expires_at",
      aws_lambda_function.this["start_crawler"].environment[0].variables.CRAWL_WAITS_TABLE == "plan-test-crawl-waits",
      aws_lambda_function.this["crawl_finished"].environment[0].variables.CRAWL_WAITS_TABLE == "plan-test-crawl-waits",
    ])
    error_message = "Both Lambdas find the waits' table, whose items expire with their tasks."
  }
}

run "poll_wait_creates_no_event_resources" {
  command = plan

  assert {
    condition     = length(aws_dynamodb_table.crawl_waits) == 0 && length(aws_cloudwatch_event_rule.crawl_finished) == 0 && !contains(keys(aws_lambda_function.this), "crawl_finished")
    error_message = "The default (poll) needs no table, rule or crawl_finished Lambda."
  }
}

run "rejects_an_unknown_crawler_wait" {
  command = plan

  variables {
    crawler_wait = "callback"
  }

  expect_failures = [var.crawler_wait]
}

run "iceberg_format_configures_glues_iceberg_and_needs_no_cleansed_crawler" {
  # apply (against the mocked provider) so that the rendered definition is known.
  command = apply

  variables {
    cleansed_format = "iceberg"
  }

  assert {
    condition     = keys(aws_glue_crawler.lake) == ["raw_crawler"] && keys(output.crawler_arns) == ["raw"]
    error_message = "The cleanse job registers and evolves the Iceberg table itself: no cleansed crawler."
  }

  assert {
    condition = alltrue([
      aws_glue_job.this["cleanse_job"].default_arguments["--datalake-formats"] == "iceberg",
      aws_glue_job.this["cleanse_job"].default_arguments["--cleansed_format"] == "iceberg",
      output.manual_run_arguments.customers.cleanse_job["--cleansed_table"] == "plan_test.cleansed_customers",
      aws_glue_job.this["cleanse_job"].default_arguments["--conf"] == join(" --conf ", [
        "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        "spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.glue_catalog.warehouse=s3://plan-test-datalake-123456789012/cleansed/plan-test/",
        "spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog",
        "spark.sql.catalog.glue_catalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO",
      ]),
      !contains(keys(aws_glue_job.this["extract_job"].default_arguments), "--datalake-formats"),
    ])
    error_message = "The cleanse job gets its Glue version's Iceberg (--datalake-formats) and the glue_catalog settings in one --conf, as Glue documents; the extract job does not."
  }

  assert {
    condition = alltrue([
      jsondecode(output.state_machine_definition).States.CleanseTables.Next == "ReportRun",
      length([for name in keys(jsondecode(output.state_machine_definition).States) : name if can(regex("CleansedCrawl|CleansedTables", name))]) == 0,
      jsondecode(output.state_machine_definition).States.ReportRun.Parameters.Payload.cleansed_format == "iceberg",
    ])
    error_message = "Without the cleansed crawler the run ends after the cleanse job, and no state of that crawler is left unreachable (Step Functions refuses those)."
  }
}

# Glue documents one way to turn Iceberg on, whatever the version:
# https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-iceberg.html
run "iceberg_on_glue_6_is_configured_as_on_glue_5" {
  command = plan

  variables {
    glue_version    = "6.1"
    cleansed_format = "iceberg"
  }

  assert {
    condition = alltrue([
      aws_glue_job.this["cleanse_job"].glue_version == "6.1",
      aws_glue_job.this["cleanse_job"].default_arguments["--datalake-formats"] == "iceberg",
      aws_glue_job.this["cleanse_job"].default_arguments["--conf"] == join(" --conf ", [
        "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        "spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.glue_catalog.warehouse=s3://plan-test-datalake-123456789012/cleansed/plan-test/",
        "spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog",
        "spark.sql.catalog.glue_catalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO",
      ]),
    ])
    error_message = "On Glue 6.1 the cleanse job turns Iceberg on with the same --datalake-formats and --conf as on 5.x."
  }
}

run "iceberg_format_with_a_kms_key_encrypts_the_tables_files_with_it" {
  command = plan

  variables {
    cleansed_format = "iceberg"
    kms_key_arn     = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = endswith(aws_glue_job.this["cleanse_job"].default_arguments["--conf"], " --conf spark.sql.catalog.glue_catalog.s3.sse.type=kms --conf spark.sql.catalog.glue_catalog.s3.sse.key=arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555")
    error_message = "Iceberg's S3FileIO writes the table's files itself: it must be given the key."
  }
}

run "rejects_an_unknown_cleansed_format" {
  command = plan

  variables {
    cleansed_format = "delta"
  }

  expect_failures = [var.cleansed_format]
}

run "rejects_iceberg_beside_a_conf_of_the_callers" {
  command = plan

  variables {
    cleansed_format     = "iceberg"
    job_extra_arguments = { "--conf" = "spark.sql.shuffle.partitions=8" }
  }

  expect_failures = [var.cleansed_format]
}

run "quality_gate_reaches_the_cleanse_job_only_when_set" {
  command = plan

  variables {
    max_quarantine_ratio = 0.05
  }

  assert {
    condition     = aws_glue_job.this["cleanse_job"].default_arguments["--max_quarantine_ratio"] == "0.05" && !contains(keys(aws_glue_job.this["extract_job"].default_arguments), "--max_quarantine_ratio")
    error_message = "The cleanse job applies the gate; the extract job has no quarantine."
  }
}

run "rejects_a_quality_gate_that_is_not_a_share" {
  command = plan

  variables {
    max_quarantine_ratio = 5
  }

  expect_failures = [var.max_quarantine_ratio]
}

run "many_tables_share_two_jobs_and_one_crawler_per_stage" {
  # apply (against the mocked provider) so that the rendered definition is known.
  command = apply

  variables {
    tables = {
      customers = { key_columns = ["customer_id"], order_by_column = "updated_at", email_columns = ["email"], source_table = "source_customers" }
      orders    = { key_columns = ["order_id"], column_types = { amount = "decimal(12,2)" }, number_of_workers = 10, source_table = "source_orders" }
      countries = { key_columns = ["country_code"], source_table = "source_countries" }
    }
  }

  assert {
    condition     = length(aws_glue_job.this) == 2 && length(aws_glue_crawler.lake) == 2
    error_message = "Three tables still make two jobs, one raw crawler and one cleansed crawler."
  }

  assert {
    condition = alltrue([
      toset([for target in aws_glue_crawler.lake["raw_crawler"].s3_target : target.path]) == toset([for name in ["countries", "customers", "orders"] : "s3://plan-test-datalake-123456789012/raw/plan-test/${name}/"]),
      toset([for target in aws_glue_crawler.lake["cleansed_crawler"].s3_target : target.path]) == toset([for name in ["countries", "customers", "orders"] : "s3://plan-test-datalake-123456789012/cleansed/plan-test/${name}/"]),
    ])
    error_message = "Each crawler has one S3 target per table, so one crawl per stage catalogs every table."
  }

  assert {
    condition     = alltrue([for job in aws_glue_job.this : job.execution_property[0].max_concurrent_runs == 4])
    error_message = "Each job runs as many tables at once as the Map states do (max_concurrency)."
  }

  assert {
    condition = alltrue([
      [for table in jsondecode(output.state_machine_definition).States.LoadTables.Result : table.name] == ["countries", "customers", "orders"],
      [for table in jsondecode(output.state_machine_definition).States.LoadTables.Result : table.number_of_workers] == [2, 2, 10],
      jsondecode(jsondecode(output.state_machine_definition).States.LoadTables.Result[1].cleansing_rules) == { key_columns = ["customer_id"], order_by_column = "updated_at", email_columns = ["email"], column_types = {}, required_columns = [] },
      jsondecode(output.state_machine_definition).States.LoadTables.Result[2].raw_path == "s3://plan-test-datalake-123456789012/raw/plan-test/orders/",
      jsondecode(output.state_machine_definition).States.LoadTables.Result[2].cleansed_table == "plan_test.cleansed_orders",
      jsondecode(output.state_machine_definition).States.ResolveRun.Parameters.Payload["table_names.$"] == "States.StringSplit('countries,customers,orders', ',')",
      jsondecode(output.state_machine_definition).States.LoadSettings.Parameters["extract_concurrency.$"] == "States.StringToJson('4')",
    ])
    error_message = "The state machine knows each table's settings (source, paths, rules, workers) and runs all of them by default."
  }

  assert {
    condition     = toset(keys(output.tables)) == toset(["countries", "customers", "orders"]) && output.tables.orders.quarantine_path == "s3://plan-test-datalake-123456789012/quarantine/plan-test/orders/"
    error_message = "The tables output gives each table's catalog tables and locations."
  }
}

run "bookmarks_extract_one_table_at_a_time" {
  command = apply

  variables {
    job_bookmarks_enabled = true
    tables = {
      customers = { key_columns = ["customer_id"], source_table = "source_customers" }
      orders    = { key_columns = ["order_id"], source_table = "source_orders" }
    }
  }

  assert {
    condition     = aws_glue_job.this["extract_job"].execution_property[0].max_concurrent_runs == 1 && aws_glue_job.this["cleanse_job"].execution_property[0].max_concurrent_runs == 4
    error_message = "Concurrent runs of the extract job would commit to one bookmark: one table at a time."
  }

  assert {
    condition     = jsondecode(output.state_machine_definition).States.LoadSettings.Parameters["extract_concurrency.$"] == "States.StringToJson('1')"
    error_message = "The extract Map runs one table at a time too."
  }
}

# Issue 28: deletes, soft deletes and bookmark keys, per table.
run "deletes_and_bookmark_settings_reach_each_tables_job_runs" {
  # apply (against the mocked provider) so that the rendered definition is known.
  command = apply

  variables {
    cleansed_format      = "iceberg"
    max_deleted_ratio    = 0.25
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
    tables = {
      countries = { key_columns = ["country_code"] }
      customers = { key_columns = ["id"], order_by_column = "updated_at", column_types = { updated_at = "timestamp", is_deleted = "boolean" }, deletes = "mirror", deleted_flag_column = "is_deleted" }
      orders    = { key_columns = ["order_id"], column_types = { deleted_at = "timestamp" }, deleted_flag_column = "deleted_at", job_bookmarks = true, bookmark_keys = ["updated_at", "order_id"], bookmark_keys_sort_order = "desc" }
    }
  }

  assert {
    condition = alltrue([
      [for table in jsondecode(output.state_machine_definition).States.LoadTables.Result : table.extract_job_arguments] == [
        { "--job-bookmark-option" = "job-bookmark-disable" },
        { "--job-bookmark-option" = "job-bookmark-disable" },
        { "--job-bookmark-option" = "job-bookmark-enable", "--bookmark_keys" = "{\"jobBookmarkKeys\":[\"updated_at\",\"order_id\"],\"jobBookmarkKeysSortOrder\":\"desc\"}" },
      ],
      [for table in jsondecode(output.state_machine_definition).States.LoadTables.Result : table.cleanse_job_arguments] == [
        {},
        { "--deletes" = "mirror", "--max_deleted_ratio" = "0.25", "--deleted_flag_column" = "is_deleted" },
        { "--deleted_flag_column" = "deleted_at" },
      ],
    ])
    error_message = "Each table's settings carry only the job arguments that apply to it: its bookmark option always, its bookmark keys, deletes mode, ratio and flag when set."
  }

  assert {
    condition     = aws_glue_job.this["extract_job"].execution_property[0].max_concurrent_runs == 1 && aws_glue_job.this["extract_job"].default_arguments["--job-bookmark-option"] == "job-bookmark-disable"
    error_message = "One table with bookmarks makes the extract job run one table at a time; the job's default option stays job_bookmarks_enabled's, each run passing its table's."
  }

  assert {
    condition = alltrue([
      output.manual_run_arguments.customers.cleanse_job["--deletes"] == "mirror",
      output.manual_run_arguments.customers.cleanse_job["--run_covers_all_tables"] == "false",
      output.manual_run_arguments.orders.extract_job["--bookmark_keys"] == "{\"jobBookmarkKeys\":[\"updated_at\",\"order_id\"],\"jobBookmarkKeysSortOrder\":\"desc\"}",
      output.manual_run_arguments.orders.extract_job["--job-bookmark-option"] == "job-bookmark-enable",
      !contains(keys(output.manual_run_arguments.countries.cleanse_job), "--deletes"),
      !contains(keys(output.manual_run_arguments.orders.extract_job), "--run_covers_all_tables"),
    ])
    error_message = "A run started by hand passes the table's own arguments and says that it runs one table (no mirror deletes)."
  }
}

run "a_glue_workflow_runs_every_table_so_its_mirror_deletes_apply" {
  command = plan

  variables {
    orchestration   = "glue_workflow"
    cleansed_format = "iceberg"
    tables = {
      customers = { key_columns = ["id"], source_table = "source_customers", deletes = "mirror" }
      orders    = { key_columns = ["order_id"], source_table = "source_orders", job_bookmarks = true }
    }
  }

  assert {
    condition = alltrue([
      aws_glue_job.this["cleanse_job_customers"].default_arguments["--deletes"] == "mirror",
      aws_glue_job.this["cleanse_job_customers"].default_arguments["--max_deleted_ratio"] == "0.1",
      aws_glue_job.this["cleanse_job_customers"].default_arguments["--run_covers_all_tables"] == "true",
      !contains(keys(aws_glue_job.this["cleanse_job_orders"].default_arguments), "--deletes"),
      aws_glue_job.this["raw_job_customers"].default_arguments["--job-bookmark-option"] == "job-bookmark-disable",
      aws_glue_job.this["raw_job_orders"].default_arguments["--job-bookmark-option"] == "job-bookmark-enable",
    ])
    error_message = "A workflow's table jobs take their table's arguments as defaults; a workflow run runs every table, so mirror deletes apply."
  }
}

run "a_table_may_turn_the_pipelines_bookmarks_off" {
  command = apply

  variables {
    job_bookmarks_enabled = true
    tables = {
      customers = { key_columns = ["customer_id"], source_table = "source_customers", job_bookmarks = false }
      orders    = { key_columns = ["order_id"], source_table = "source_orders", job_bookmarks = false }
    }
  }

  assert {
    condition = alltrue([
      aws_glue_job.this["extract_job"].execution_property[0].max_concurrent_runs == 4,
      aws_glue_job.this["extract_job"].default_arguments["--job-bookmark-option"] == "job-bookmark-enable",
      [for table in jsondecode(output.state_machine_definition).States.LoadTables.Result : table.extract_job_arguments["--job-bookmark-option"]] == ["job-bookmark-disable", "job-bookmark-disable"],
    ])
    error_message = "With every table's bookmarks off, each run disables them and the extract job runs max_concurrency tables at once."
  }
}

run "rejects_an_unknown_deletes_mode" {
  command = plan

  variables {
    cleansed_format = "iceberg"
    tables          = { customers = { key_columns = ["id"], deletes = "purge" } }
  }

  expect_failures = [var.tables]
}

run "rejects_mirror_deletes_of_a_parquet_history" {
  command = plan

  variables {
    tables = { customers = { key_columns = ["id"], deletes = "mirror" } }
  }

  expect_failures = [var.tables]
}

run "rejects_a_deleted_flag_on_a_parquet_history" {
  command = plan

  variables {
    tables = { customers = { key_columns = ["id"], column_types = { is_deleted = "boolean" }, deleted_flag_column = "is_deleted" } }
  }

  expect_failures = [var.tables]
}

run "rejects_mirror_deletes_of_a_bookmarked_extract" {
  command = plan

  variables {
    cleansed_format       = "iceberg"
    job_bookmarks_enabled = true
    tables                = { customers = { key_columns = ["id"], deletes = "mirror" } }
  }

  expect_failures = [var.tables]
}

run "rejects_a_deleted_flag_column_typed_neither_boolean_nor_timestamp" {
  command = plan

  variables {
    cleansed_format = "iceberg"
    tables          = { customers = { key_columns = ["id"], column_types = { status = "string" }, deleted_flag_column = "status" } }
  }

  expect_failures = [var.tables]
}

run "rejects_the_order_column_as_the_deleted_flag" {
  command = plan

  variables {
    cleansed_format = "iceberg"
    tables          = { customers = { key_columns = ["id"], order_by_column = "updated_at", column_types = { updated_at = "timestamp" }, deleted_flag_column = "updated_at" } }
  }

  expect_failures = [var.tables]
}

run "rejects_bookmark_keys_without_bookmarks" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
    tables = { customers = { key_columns = ["id"], bookmark_keys = ["updated_at"] } }
  }

  expect_failures = [var.tables]
}

run "rejects_bookmark_keys_without_a_jdbc_source" {
  command = plan

  variables {
    tables = { customers = { key_columns = ["id"], job_bookmarks = true, bookmark_keys = ["updated_at"] } }
  }

  expect_failures = [var.jdbc_source]
}

run "rejects_an_unknown_bookmark_keys_sort_order" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
    tables = { customers = { key_columns = ["id"], job_bookmarks = true, bookmark_keys = ["updated_at"], bookmark_keys_sort_order = "ascending" } }
  }

  expect_failures = [var.tables]
}

run "rejects_a_sort_order_without_bookmark_keys" {
  command = plan

  variables {
    job_bookmarks_enabled = true
    tables                = { customers = { key_columns = ["id"], bookmark_keys_sort_order = "desc" } }
  }

  expect_failures = [var.tables]
}

run "rejects_empty_bookmark_keys" {
  command = plan

  variables {
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
    tables = { customers = { key_columns = ["id"], job_bookmarks = true, bookmark_keys = [] } }
  }

  expect_failures = [var.tables]
}

run "rejects_bookmark_keys_and_a_deleted_flag_named_as_glue_never_does" {
  command = plan

  variables {
    cleansed_format      = "iceberg"
    source_database_name = null
    jdbc_source = {
      connection_url = "jdbc:postgresql://db.internal:5432/sales"
      secret_arn     = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sales-reader-AbCdEf"
      schema_path    = "sales/public"
    }
    tables = { customers = { key_columns = ["id"], job_bookmarks = true, bookmark_keys = ["UpdatedAt"] } }
  }

  expect_failures = [var.tables]
}

run "rejects_a_deleted_ratio_that_is_not_a_share" {
  command = plan

  variables {
    max_deleted_ratio = 1.5
  }

  expect_failures = [var.max_deleted_ratio]
}

run "rejects_no_table" {
  command = plan

  variables {
    tables = {}
  }

  expect_failures = [var.tables]
}

run "rejects_a_table_name_glue_cannot_hold" {
  command = plan

  variables {
    tables = { Customers = { key_columns = ["id"] } }
  }

  expect_failures = [var.tables]
}

run "rejects_a_table_without_key_columns" {
  command = plan

  variables {
    tables = { customers = { key_columns = [] } }
  }

  expect_failures = [var.tables]
}

run "rejects_rules_naming_a_column_as_glue_never_does" {
  command = plan

  variables {
    tables = { customers = { key_columns = ["id"], required_columns = ["Email"] } }
  }

  expect_failures = [var.tables]
}

run "rejects_an_order_column_that_is_a_key_column" {
  command = plan

  variables {
    tables = { customers = { key_columns = ["id", "updated_at"], order_by_column = "updated_at" } }
  }

  expect_failures = [var.tables]
}

run "rejects_two_tables_reading_one_source_table" {
  command = plan

  variables {
    tables = {
      customers     = { key_columns = ["id"] }
      customers_too = { key_columns = ["id"], source_table = "customers" }
    }
  }

  expect_failures = [var.tables]
}

run "rejects_a_tables_worker_count_glue_refuses" {
  command = plan

  variables {
    tables = { customers = { key_columns = ["id"], number_of_workers = 1 } }
  }

  expect_failures = [var.tables]
}

run "rejects_an_unknown_max_concurrency" {
  command = plan

  variables {
    max_concurrency = 0
  }

  expect_failures = [var.max_concurrency]
}

run "rejects_more_tables_than_an_execution_state_carries" {
  command = plan

  variables {
    tables = { for index in range(51) : "table_${index}" => { key_columns = ["id"] } }
  }

  expect_failures = [var.tables]
}

run "raw_and_quarantine_expire_under_the_pipelines_own_prefixes" {
  command = plan

  assert {
    condition = {
      for rule in aws_s3_bucket_lifecycle_configuration.data_lake[0].rule : rule.id => [rule.filter[0].prefix, rule.expiration[0].days, rule.noncurrent_version_expiration[0].noncurrent_days]
      if startswith(rule.id, "expire-") && rule.id != "expire-glue-temporary-files"
      } == {
      expire-raw        = ["raw/plan-test/", 30, 1]
      expire-quarantine = ["quarantine/plan-test/", 90, 1]
    }
    error_message = "By default raw expires after 30 days and quarantine after 90, under the pipeline's own prefixes, their old versions a day later; cleansed and reports stay."
  }

  assert {
    condition     = length([for rule in aws_s3_bucket_lifecycle_configuration.data_lake[0].rule : rule if contains(["expire-glue-temporary-files", "tidy-versions-and-uploads"], rule.id)]) == 2
    error_message = "The retention rules join the bucket's one lifecycle configuration beside its other rules."
  }

  assert {
    condition     = one(aws_glue_crawler.lake["raw_crawler"].schema_change_policy).delete_behavior == "DELETE_FROM_DATABASE"
    error_message = "Raw folders expire, so the raw crawler must remove their partitions from raw_<table>."
  }

  assert {
    condition = output.lake_prefixes == tomap({
      raw     = "raw/plan-test/", cleansed = "cleansed/plan-test/", quarantine = "quarantine/plan-test/", reports = "reports/plan-test/",
      scripts = "scripts/plan-test/", temp = "temp/plan-test/",
    })
    error_message = "lake_prefixes names each stage's prefix of this pipeline."
  }
}

run "retention_set_to_null_keeps_forever_and_days_given_are_used" {
  command = plan

  variables {
    raw_retention_days        = null
    quarantine_retention_days = 400
  }

  assert {
    condition = {
      for rule in aws_s3_bucket_lifecycle_configuration.data_lake[0].rule : rule.id => rule.expiration[0].days
      if contains(["expire-raw", "expire-quarantine"], rule.id)
    } == { expire-quarantine = 400 }
    error_message = "raw_retention_days = null must leave raw without an expiration, and quarantine_retention_days must be the days given."
  }

  assert {
    condition     = one(aws_glue_crawler.lake["raw_crawler"].schema_change_policy).delete_behavior == "LOG"
    error_message = "Raw kept forever loses no partition: the raw crawler only logs."
  }
}

run "an_existing_bucket_keeps_its_own_lifecycle_configuration" {
  command = plan

  variables {
    create_bucket = false
    bucket_name   = "callers-lake"
  }

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.data_lake) == 0
    error_message = "With create_bucket = false the module must not replace the bucket's lifecycle configuration."
  }

  assert {
    condition     = output.lake_prefixes.raw == "raw/plan-test/" && output.lake_prefixes.quarantine == "quarantine/plan-test/"
    error_message = "The caller needs the raw and quarantine prefixes to add the retention rules."
  }
}

run "rejects_a_raw_retention_of_zero_days" {
  command = plan

  variables {
    raw_retention_days = 0
  }

  expect_failures = [var.raw_retention_days]
}

run "rejects_a_raw_retention_of_part_of_a_day" {
  command = plan

  variables {
    raw_retention_days = 1.5
  }

  expect_failures = [var.raw_retention_days]
}

run "rejects_a_negative_quarantine_retention" {
  command = plan

  variables {
    quarantine_retention_days = -90
  }

  expect_failures = [var.quarantine_retention_days]
}

run "rejects_a_quarantine_retention_of_part_of_a_day" {
  command = plan

  variables {
    quarantine_retention_days = 0.5
  }

  expect_failures = [var.quarantine_retention_days]
}

run "glue_and_lambda_trust_no_undocumented_source_account" {
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

  assert {
    condition     = !strcontains(data.aws_iam_policy_document.glue_lake_access.json, "lakeformation:")
    error_message = "Without lake_formation_enabled the roles get no Lake Formation permission."
  }
}

run "glue_roles_may_get_data_access_from_lake_formation" {
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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

  assert {
    condition     = output.glue_runtime.glue_version == "5.1" && output.cleansed_format == "iceberg"
    error_message = "By default the complete example runs the module's Glue version and keeps Iceberg current states."
  }
}

run "complete_example_passes_the_glue_version_and_cleansed_format_on" {
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

  module {
    source = "./examples/complete"
  }

  variables {
    glue_version    = "6.1"
    cleansed_format = "parquet"
  }

  override_data {
    target = module.etl.data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  assert {
    condition     = output.glue_runtime.glue_version == "6.1" && output.glue_runtime.spark == "4.1.3" && output.cleansed_format == "parquet"
    error_message = "The complete example hands glue_version and cleansed_format to the module."
  }
}

run "complete_example_key_lets_cloudwatch_logs_and_eventbridge_use_it" {
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
      try(statement.Principal.Service, "") == "cloudwatch.amazonaws.com"
      && length(setsubtract(["kms:Decrypt", "kms:GenerateDataKey*"], flatten([statement.Action]))) == 0
    ])
    error_message = "Without CloudWatch in the key policy, the alarms' actions fail and their notifications to the encrypted topic are dropped."
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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

  assert {
    condition     = !strcontains(data.aws_iam_policy_document.cleanse_job.json, "CommitCurrentStateTable") && !strcontains(data.aws_iam_policy_document.cleanse_job.json, "glue:")
    error_message = "With the Parquet history the catalog table is the cleansed crawler's: the cleanse job uses no catalog at all."
  }
}

run "roles_reach_their_pipelines_own_prefixes" {
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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
  command   = plan
  providers = { aws = aws.offline }
  state_key = "offline" # not the mocked runs' state, which the real provider would refresh

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

run "every_lambda_statement_names_resources_for_its_sid" {
  # A sid of lambdas/functions.json that lambda_statement_resources (iam.tf) does not list fails this
  # plan with the role policy's precondition, which says so. (The documents themselves are read at
  # apply here, the topic and the table they name being new: tools/lint_iam_policies.py renders them.)
  command = plan

  # Every condition of lambdas/functions.json on, so that each function and statement is planned.
  variables {
    crawler_wait      = "event"
    notify_on_success = true
  }

  assert {
    condition     = toset(keys(aws_iam_role_policy.lambda)) == toset(keys(jsondecode(file("lambdas/functions.json"))))
    error_message = "Each function of lambdas/functions.json has a role policy of its own."
  }
}
