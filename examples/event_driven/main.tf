# The pipeline waiting for its crawls without polling: each crawl's end reaches the run through
# Glue's "Glue Crawler State Change" event, an EventBridge rule and a Lambda that returns the
# waiting task's token (kept in a DynamoDB table). Two tables of the caller's landing zone.

module "etl" {
  source = "../.."

  name_prefix          = "event-orders"
  source_database_name = "landing"
  source_s3_arns       = ["arn:aws:s3:::example-landing-zone", "arn:aws:s3:::example-landing-zone/*"]
  crawler_wait         = "event"

  tables = {
    orders    = { key_columns = ["order_id"], order_by_column = "updated_at" }
    customers = { key_columns = ["customer_id"], email_columns = ["email"] }
  }
}

output "state_machine_arn" {
  description = "Start a run with `aws stepfunctions start-execution --state-machine-arn <this>`."
  value       = module.etl.state_machine_arn
}

output "crawl_finished_function_arn" {
  description = "The Lambda that ends a run's wait for a crawl, on the crawl's end event."
  value       = module.etl.lambda_function_arns["crawl_finished"]
}
