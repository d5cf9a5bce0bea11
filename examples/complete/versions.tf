terraform {
  # 1.11: write-only arguments (secret_string_wo) and ephemeral variables.
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.88: secret_string_wo.
      version = ">= 5.88"
    }
  }
}
