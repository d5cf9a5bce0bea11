"""`make emulator-up` keeps an emulator on port 4566 (the LocalStack port) for manual use.

python -m local_aws.emulator up      # start in the background (no-op when already up), Glue jobs run on local Spark
python -m local_aws.emulator up --job-runs planned   # job runs end as plans say (local_aws.control.plan_job_runs)
python -m local_aws.emulator down    # stop what `up` started
python -m local_aws.emulator status
python -m local_aws.emulator serve   # the server itself, in the foreground: what `up` starts (then sets its job runs)
"""

import argparse
import sys
from typing import get_args

from local_aws.clients import configured_port, endpoint_url
from local_aws.emulator.process import JobRuns, is_up, log_file, start, stop
from local_aws.emulator.server import serve


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_aws.emulator", description="Local AWS emulator for the Glue ETL pipeline module."
    )
    parser.add_argument("command", choices=["up", "down", "status", "serve"])
    parser.add_argument("--port", type=int, default=configured_port())
    parser.add_argument(
        "--job-runs",
        choices=get_args(JobRuns),
        default="local-spark",
        help="up: run each Glue job's script on local Spark (default), or end job runs as planned by tests",
    )
    arguments = parser.parse_args()
    port: int = arguments.port
    if arguments.command == "serve":
        serve(port)
    elif arguments.command == "up":
        if is_up(port):
            print(f"emulator already up on {endpoint_url(port)}")
        else:
            start(port, arguments.job_runs)
            print(f"emulator up on {endpoint_url(port)}, Glue job runs {arguments.job_runs} (log: {log_file(port)})")
    elif arguments.command == "down":
        print("emulator stopped" if stop(port) else f"no emulator started by `up` on port {port}")
    else:
        up = is_up(port)
        print(f"emulator {'up' if up else 'down'} on {endpoint_url(port)}")
        return 0 if up else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
