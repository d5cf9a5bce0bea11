output "etl" {
  description = "Every output of the module under test."
  value       = module.etl
}
