"""The local AWS stack the project's tests, demo and benchmarks run on, with no AWS account and no
Docker. How a state machine run flows through its parts: `local_aws/README.md`.

- `emulator/`: the emulator process (moto) and everything installed inside it — gap fills,
  interpreter fixes, the emulated clock, Glue job runs and crawlers (`glue/`), IAM enforcement
  (`iam/`) and the control routes.
- `executors/`: run the project's real code as AWS would — a Lambda's deployed handler, a Glue job's
  script on local Spark with `glue_standin/` as its `awsglue`.
- `demo/`: the whole pipeline from a PostgreSQL source, with its sample data (`python -m local_aws.demo`).
- `clients`, `control`, `executions`, `terraform`: what tests and the demo drive the stack with —
  boto3 clients, plans for crawls and job runs, state machine executions, Terraform runs.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
