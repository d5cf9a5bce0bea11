"""The local AWS stack the project's tests and demo run on, with no AWS account and no Docker.

- `local_aws.emulator`: start and stop an AWS emulator of one's own on a free port (or 4566 with
  `python -m local_aws.emulator up|down|status|serve`).
- `local_aws.iam`: IAM judged as AWS judges it, for every component acting under its role.
- `local_aws.gap_fills`: the AWS API calls the emulator (moto) lacks, filled in its process.
- `local_aws.interpreter_fixes`: the `.sync` fix to moto's Step Functions interpreter, its
  waits on the emulated clock, and Glue errors named as Step Functions names them.
- `local_aws.clock`: emulated time; waits skip ahead, real work counts at its real length.
- `local_aws.crawler_emulation`: crawlers that report RUNNING/STOPPING/READY and real LastCrawl
  values and write the catalog.
- `local_aws.job_runs`: Glue job runs that report STARTING/RUNNING/SUCCEEDED/FAILED, following a
  plan or executed for real by a pluggable executor.
- `local_aws.job_bookmarks`: Glue job bookmarks per job, committed by successful runs, with the
  GetJobBookmark and ResetJobBookmark API.
- `local_aws.glue_executor`: a job run executes its real script on local Spark, with
  `local_aws/glue_standin/` as its `awsglue`.
- `local_aws.lambda_executor`: invoking a Lambda runs its deployed zip's handler in a subprocess.
- `local_aws.control`: plans for crawls and job runs, throttled invocations, emulated time.
- `local_aws.executions`: start a state machine execution and read back what it did.
- `local_aws.clients`: boto3 clients and environment pointing at the emulator.
- `local_aws.terraform`: Terraform runs against the emulator with the project's CLI config.
"""
