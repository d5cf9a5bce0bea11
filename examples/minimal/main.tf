# The least a caller gives: a name, the dataset, and the catalog table job1 reads
# (here one that already exists in the module's database; see examples/complete for a JDBC source).

provider "aws" {
  region = "eu-west-1"
}

module "etl" {
  source = "../.."

  name_prefix          = "minimal-orders"
  table_name           = "orders"
  source_catalog_table = "landing_orders"
}

output "state_machine_arn" {
  description = "Start a run with `aws stepfunctions start-execution --state-machine-arn <this>`."
  value       = module.etl.state_machine_arn
}
