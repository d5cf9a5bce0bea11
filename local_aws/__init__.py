"""The local AWS stack the project's tests and demo run on, with no AWS account and no Docker.

- `local_aws.emulator`: start, reuse and stop the AWS emulator on 127.0.0.1:4566
  (`python -m local_aws.emulator up|down|status|serve`).
- `local_aws.gap_fills`: the AWS API calls the emulator (moto) lacks, filled in its process.
- `local_aws.clients`: boto3 clients and environment pointing at the emulator.
- `local_aws.terraform`: Terraform runs against the emulator with the project's CLI config.
"""
