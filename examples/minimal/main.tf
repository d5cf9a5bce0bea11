# The least a caller gives: a name, where the source tables are cataloged, and one table with its
# key. Here the table belongs to the caller's landing zone: its own database, over CSV in its own
# bucket, which the module's job role is allowed to read (source_s3_arns). See examples/complete
# for a JDBC source and several tables.

module "etl" {
  source = "../.."

  name_prefix          = "minimal-orders"
  source_database_name = "landing"
  source_s3_arns       = ["arn:aws:s3:::example-landing-zone", "arn:aws:s3:::example-landing-zone/orders/*"]

  tables = {
    orders = { key_columns = ["order_id"] }
  }
}

output "state_machine_arn" {
  description = "Start a run with `aws stepfunctions start-execution --state-machine-arn <this>`."
  value       = module.etl.state_machine_arn
}

output "cleansed_path" {
  description = "Where the cleanse job writes the cleansed Parquet of the orders."
  value       = module.etl.tables.orders.cleansed_path
}

output "bucket_name" {
  description = "Data lake bucket."
  value       = module.etl.bucket_name
}
