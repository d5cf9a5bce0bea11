# Each state machine mode as deployed, rendered offline for docs/state_machine/ (tools/state_machine_docs.py
# reads each run's plan) and checked against the committed rendering: a change to state_machine.asl.json
# or to its values fails here until `make docs` is run and docs/ committed. Known ARNs instead of the
# mock's random strings, so that the renderings read as a real deployment would.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan

  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:docs-pipeline-notifications"
    }
  }
}

override_resource {
  target          = aws_lambda_function.this["resolve_run"]
  override_during = plan
  values          = { arn = "arn:aws:lambda:us-east-1:123456789012:function:docs-resolve-run" }
}

override_resource {
  target          = aws_lambda_function.this["start_crawler"]
  override_during = plan
  values          = { arn = "arn:aws:lambda:us-east-1:123456789012:function:docs-start-crawler" }
}

override_resource {
  target          = aws_lambda_function.this["get_crawler_status"]
  override_during = plan
  values          = { arn = "arn:aws:lambda:us-east-1:123456789012:function:docs-get-crawler-status" }
}

override_resource {
  target          = aws_lambda_function.this["report_run"]
  override_during = plan
  values          = { arn = "arn:aws:lambda:us-east-1:123456789012:function:docs-report-run" }
}

variables {
  name_prefix          = "docs"
  source_database_name = "docs"
  tables = {
    customers = { key_columns = ["id"], source_table = "source_customers" }
    orders    = { key_columns = ["order_id"], source_table = "source_orders" }
  }
}

run "docs_poll_parquet" {
  command = plan

  variables {
    crawler_wait    = "poll"
    cleansed_format = "parquet"
  }

  assert {
    condition     = jsondecode(output.state_machine_definition) == try(jsondecode(file("docs/state_machine/poll-parquet.asl.json")), null)
    error_message = "docs/state_machine/poll-parquet.asl.json differs from what state_machine.asl.json renders: run `make docs` and commit docs/."
  }
}

run "docs_event_parquet" {
  command = plan

  variables {
    crawler_wait    = "event"
    cleansed_format = "parquet"
  }

  assert {
    condition     = jsondecode(output.state_machine_definition) == try(jsondecode(file("docs/state_machine/event-parquet.asl.json")), null)
    error_message = "docs/state_machine/event-parquet.asl.json differs from what state_machine.asl.json renders: run `make docs` and commit docs/."
  }
}

run "docs_poll_iceberg" {
  command = plan

  variables {
    crawler_wait    = "poll"
    cleansed_format = "iceberg"
  }

  assert {
    condition     = jsondecode(output.state_machine_definition) == try(jsondecode(file("docs/state_machine/poll-iceberg.asl.json")), null)
    error_message = "docs/state_machine/poll-iceberg.asl.json differs from what state_machine.asl.json renders: run `make docs` and commit docs/."
  }
}

run "docs_event_iceberg" {
  command = plan

  variables {
    crawler_wait    = "event"
    cleansed_format = "iceberg"
  }

  assert {
    condition     = jsondecode(output.state_machine_definition) == try(jsondecode(file("docs/state_machine/event-iceberg.asl.json")), null)
    error_message = "docs/state_machine/event-iceberg.asl.json differs from what state_machine.asl.json renders: run `make docs` and commit docs/."
  }
}

run "docs_jobs_parquet" {
  command = plan

  variables {
    catalog_updates = "jobs"
    cleansed_format = "parquet"
  }

  assert {
    condition     = jsondecode(output.state_machine_definition) == try(jsondecode(file("docs/state_machine/jobs-parquet.asl.json")), null)
    error_message = "docs/state_machine/jobs-parquet.asl.json differs from what state_machine.asl.json renders: run `make docs` and commit docs/."
  }
}

run "docs_jobs_iceberg" {
  command = plan

  variables {
    catalog_updates = "jobs"
    cleansed_format = "iceberg"
  }

  assert {
    condition     = jsondecode(output.state_machine_definition) == try(jsondecode(file("docs/state_machine/jobs-iceberg.asl.json")), null)
    error_message = "docs/state_machine/jobs-iceberg.asl.json differs from what state_machine.asl.json renders: run `make docs` and commit docs/."
  }
}
