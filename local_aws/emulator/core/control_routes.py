"""HTTP routes under /moto-api/local-aws/ through which tests, benchmarks and the demo steer
the emulator: crawl and job run plans or real job runs, throttled Lambda invocations, emulated
time, alarms evaluated now, and a reset; and through which a job run's Glue stand-in reads and commits its job bookmark,
as Glue's own bookmark service would (not through the Glue API, which the job's role need not be
allowed to call)."""

import json
from dataclasses import asdict
from typing import Any

from moto.moto_api._internal import urls as moto_api_urls

from local_aws.emulator.cloudwatch.alarm_evaluation import EVALUATOR
from local_aws.emulator.core.call_counts import CALL_COUNTS
from local_aws.emulator.core.clock import CLOCK
from local_aws.emulator.core.timers import TIMERS
from local_aws.emulator.glue import crawlers, job_bookmarks, job_runs, workflow_runs
from local_aws.emulator.iam.service_roles import forget_credentials
from local_aws.executors import lambda_functions

Response = tuple[int, dict[str, str], str]


def _json_body(request: Any) -> dict[str, Any]:
    raw = request.data if hasattr(request, "data") else request.body
    return json.loads(raw or b"{}")


def _answer(payload: dict[str, Any], status: int = 200) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(payload)


def _guarded(handler: Any) -> Any:
    def route(request: Any, full_url: str, headers: Any) -> Response:
        try:
            return _answer(handler(_json_body(request)))
        except (ValueError, TypeError, KeyError) as error:
            return _answer({"error": f"{type(error).__name__}: {error}"}, status=400)

    return route


def _set_crawl_plans(body: dict[str, Any]) -> dict[str, Any]:
    plans = [crawlers.CrawlPlan(**plan) for plan in body["plans"]]
    crawlers.plan_crawls(body["crawler_name"], plans)
    return {"crawler_name": body["crawler_name"], "plans": [asdict(plan) for plan in plans]}


def _set_job_run_plans(body: dict[str, Any]) -> dict[str, Any]:
    plans = [job_runs.JobRunPlan(**plan) for plan in body["plans"]]
    job_runs.plan_job_runs(body["job_name"], plans)
    return {"job_name": body["job_name"], "plans": [asdict(plan) for plan in plans]}


def _throttle_invocations(body: dict[str, Any]) -> dict[str, Any]:
    lambda_functions.throttle_invocations(body["function_name"], int(body["count"]))
    return body


def _set_job_executor(body: dict[str, Any]) -> dict[str, Any]:
    from local_aws.executors.glue_jobs import SPARK_DRIVERS, LocalGlueExecutor, prewarm_driver_for
    from local_aws.executors.spark_configuration import DriverKind

    if body["mode"] not in ("planned", "local-spark"):
        raise ValueError(f"job executor mode {body['mode']!r}: 'planned' or 'local-spark'")
    if body["mode"] == "local-spark":
        SPARK_DRIVERS.prewarm(DriverKind())  # the JVM starts now, not when the first run needs it
        # A job created from now on (e.g. during terraform apply) gets its kind of driver started too.
        job_runs.use_executor(LocalGlueExecutor(), on_job_created=prewarm_driver_for)
    else:
        job_runs.use_executor(None)
    return {"mode": body["mode"]}


def _job_bookmark_states(body: dict[str, Any]) -> dict[str, Any]:
    return {"states": job_bookmarks.committed_states(body["run_id"])}


def _commit_job_bookmark(body: dict[str, Any]) -> dict[str, Any]:
    job_bookmarks.stage(body["run_id"], body["states"])
    return {"staged": True}


def _set_time_scale(body: dict[str, Any]) -> dict[str, Any]:
    CLOCK.set_scale(float(body["scale"]))
    CLOCK.set_real_time_counts(bool(body.get("real_time_counts", True)))
    return {"scale": CLOCK.scale, "real_time_counts": CLOCK.real_time_counts}


def _advance_time(body: dict[str, Any]) -> dict[str, Any]:
    CLOCK.advance(float(body["seconds"]))
    # Alarms see the time passed before the caller looks at them or at their notifications.
    EVALUATOR.evaluate_due()
    return {"now": CLOCK.now()}


def _evaluate_alarms(body: dict[str, Any]) -> dict[str, Any]:
    EVALUATOR.evaluate_due()
    return {"evaluated": True}


def _reset(body: dict[str, Any]) -> dict[str, Any]:
    crawlers.forget_plans()
    job_runs.forget_plans()
    lambda_functions.forget_throttles()
    lambda_functions.discard_environments()
    job_runs.use_executor(None)
    forget_credentials()
    CLOCK.reset()
    TIMERS.forget()
    workflow_runs.forget_runs()
    return {"reset": True}


def _take_call_counts(body: dict[str, Any]) -> dict[str, Any]:
    return {"counts": CALL_COUNTS.take()}


def register_control_routes() -> None:
    """Add the routes to moto's own API; call before the server starts."""
    moto_api_urls.url_paths.update(
        {
            "{0}/moto-api/local-aws/crawl-plans$": _guarded(_set_crawl_plans),
            "{0}/moto-api/local-aws/job-run-plans$": _guarded(_set_job_run_plans),
            "{0}/moto-api/local-aws/lambda-throttles$": _guarded(_throttle_invocations),
            "{0}/moto-api/local-aws/job-executor$": _guarded(_set_job_executor),
            "{0}/moto-api/local-aws/job-bookmarks/states$": _guarded(_job_bookmark_states),
            "{0}/moto-api/local-aws/job-bookmarks/commit$": _guarded(_commit_job_bookmark),
            "{0}/moto-api/local-aws/time-scale$": _guarded(_set_time_scale),
            "{0}/moto-api/local-aws/advance-time$": _guarded(_advance_time),
            "{0}/moto-api/local-aws/alarm-evaluations$": _guarded(_evaluate_alarms),
            "{0}/moto-api/local-aws/reset$": _guarded(_reset),
            "{0}/moto-api/local-aws/call-counts$": _guarded(_take_call_counts),
        }
    )
