"""The local AWS stack the project's tests and demo run on, with no AWS account and no Docker.

- `local_aws.emulator`: start, reuse and stop the AWS emulator on 127.0.0.1:4566
  (`python -m local_aws.emulator up|down|status|serve`).
- `local_aws.gap_fills`: the AWS API calls the emulator (moto) lacks, filled in its process.
- `local_aws.crawler_emulation`: crawlers that report RUNNING/STOPPING/READY and real LastCrawl
  values and write the catalog; `local_aws.control` plans their outcomes and the time scale.
- `local_aws.lambda_executor`: invoking a Lambda runs its deployed zip's handler in a subprocess.
- `local_aws.clients`: boto3 clients and environment pointing at the emulator.
- `local_aws.terraform`: Terraform runs against the emulator with the project's CLI config.
"""
