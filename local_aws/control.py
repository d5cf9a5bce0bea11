"""Client side of the emulator's control routes (see local_aws.emulator.core.control_routes)."""

import json
import urllib.error
import urllib.request
from dataclasses import asdict
from typing import Any

from local_aws.clients import endpoint_url
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan


class ControlError(RuntimeError):
    """The emulator refused a control request."""


def _post(path: str, body: dict[str, Any], port: int | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{endpoint_url(port)}/moto-api/local-aws/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError as error:
        raise ControlError(f"{path}: {error.read().decode()}") from error


def plan_crawls(crawler_name: str, plans: list[CrawlPlan], port: int | None = None) -> None:
    """The next crawls of `crawler_name` end as `plans` say, in order."""
    _post("crawl-plans", {"crawler_name": crawler_name, "plans": [asdict(plan) for plan in plans]}, port)


def plan_job_runs(job_name: str, plans: list[JobRunPlan], port: int | None = None) -> None:
    """The next runs of Glue job `job_name` start (or fail to) and end as `plans` say, in order."""
    _post("job-run-plans", {"job_name": job_name, "plans": [asdict(plan) for plan in plans]}, port)


def run_jobs_locally(enabled: bool = True, port: int | None = None) -> None:
    """Run every Glue job started from now on with its real script on local Spark
    (`local_aws.executors.glue_jobs`) instead of following plans."""
    _post("job-executor", {"mode": "local-spark" if enabled else "planned"}, port)


def throttle_invocations(function_name: str, count: int, port: int | None = None) -> None:
    """The next `count` invocations of Lambda `function_name` fail with TooManyRequestsException."""
    _post("lambda-throttles", {"function_name": function_name, "count": count}, port)


def set_time_scale(scale: float, real_time_counts: bool = True, port: int | None = None) -> None:
    """Real seconds the emulator sleeps for each emulated second of a wait (1 = real time).
    With `real_time_counts` False, only waits move the emulated clock (see local_aws.emulator.core.clock)."""
    _post("time-scale", {"scale": scale, "real_time_counts": real_time_counts}, port)


def advance_time(seconds: float, port: int | None = None) -> None:
    """Move the emulated clock forward: crawls and job runs due by then have ended, and CloudWatch
    alarms have been evaluated at each minute passed (their notifications published)."""
    _post("advance-time", {"seconds": seconds}, port)


def evaluate_alarms(port: int | None = None) -> None:
    """Evaluate CloudWatch alarms now at each minute the emulated clock has passed since their last
    evaluation (the emulator does so by itself within a quarter of a second)."""
    _post("alarm-evaluations", {}, port)


def take_call_counts(port: int | None = None) -> dict[str, int]:
    """The calls made to the emulator since the last take, by "service:Operation" (S3 excepted),
    with EventBridge's deliveries to rule targets as "events:Delivery"."""
    counts: dict[str, int] = _post("call-counts", {}, port)["counts"]
    return counts
