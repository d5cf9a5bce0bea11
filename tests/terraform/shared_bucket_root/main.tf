# Test root: one pipeline in a bucket it does not create, which the test shares between two
# applies of this root (each with its own name_prefix, landing database and state), as two
# teams' pipelines share a caller's bucket.

module "etl" {
  source = "../../.."

  name_prefix          = var.name_prefix
  create_bucket        = false
  bucket_name          = var.bucket_name
  source_database_name = var.source_database_name
  source_s3_arns       = var.source_s3_arns
  tables = {
    customers = { key_columns = ["customer_id"], email_columns = ["email"] }
  }
  tags = { suite = "shared-bucket-tests" }
}

output "etl" {
  description = "Every output of the module under test."
  value       = module.etl
}
