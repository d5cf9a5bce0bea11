"""The state change events Glue sends to EventBridge, put to the default event bus of the run's
account and region. Fields as documented
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/events/EventTypes.html#glue-event-types):

- "Glue Crawler State Change": "Started" when a crawl starts, "Succeeded" or "Failed" when it ends
  (none is documented for a cancelled crawl, so none is sent); detail.crawlerName, state, message
  ("Crawler Started", "Crawler Succeeded", "Crawler Failed"), accountId, cloudWatchLogLink,
  startTime (Started), completionDate and "runningTime (sec)" (Succeeded), errorMessage (Failed).
  The table and partition counts of a Succeeded event are not sent: the emulation does not count them.
- "Glue Job State Change" when a job run ends SUCCEEDED, FAILED, TIMEOUT or STOPPED (none is
  documented for ERROR); detail.jobName, jobRunId, state, severity (INFO, ERROR for FAILED, WARN for
  TIMEOUT) and message ("Job run succeeded", "Job run timed out", "Job run stopped", and for a
  failure "JobName:<job> and JobRunId:<id> failed to execute with exception <ErrorMessage>").
"""

import json
from datetime import datetime
from typing import Any

from moto.events.models import events_backends

from local_aws.emulator.core.clock import CLOCK
from local_aws.emulator.glue.run_ends import CrawlEnded, JobRunEnded, RunEnded

CRAWLER_DETAIL_TYPE = "Glue Crawler State Change"
JOB_DETAIL_TYPE = "Glue Job State Change"
CRAWLER_MESSAGES = {"Started": "Crawler Started", "Succeeded": "Crawler Succeeded", "Failed": "Crawler Failed"}
CRAWLER_STATE_OF_OUTCOME = {"SUCCEEDED": "Succeeded", "FAILED": "Failed"}
JOB_SEVERITY = {"SUCCEEDED": "INFO", "STOPPED": "INFO", "FAILED": "ERROR", "TIMEOUT": "WARN"}
JOB_MESSAGES = {"SUCCEEDED": "Job run succeeded", "TIMEOUT": "Job run timed out", "STOPPED": "Job run stopped"}


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _put(account: str, region: str, detail_type: str, detail: dict[str, Any]) -> None:
    # Dated on the emulated clock, as the crawl or job run it reports (epoch seconds: moto's SQS
    # delivery needs the time numeric).
    event = {
        "Source": "aws.glue",
        "DetailType": detail_type,
        "Detail": json.dumps(detail),
        "Resources": [],
        "Time": CLOCK.utcnow().timestamp(),
    }
    events_backends[account][region].put_events([event])


def _put_crawler_event(crawler_name: str, account: str, region: str, state: str, fields: dict[str, Any]) -> None:
    log_link = (
        f"https://console.aws.amazon.com/cloudwatch/home?region={region}#logEventViewer:group=/aws-glue/crawlers;stream={crawler_name}"
    )
    detail = {
        "crawlerName": crawler_name,
        "state": state,
        "message": CRAWLER_MESSAGES[state],
        "accountId": account,
        "cloudWatchLogLink": log_link,
        **fields,
    }
    _put(account, region, CRAWLER_DETAIL_TYPE, detail)


def put_crawl_started(crawler_name: str, account: str, region: str, started: datetime) -> None:
    _put_crawler_event(crawler_name, account, region, "Started", {"startTime": _timestamp(started)})


def _put_crawl_ended(ended: CrawlEnded) -> None:
    state = CRAWLER_STATE_OF_OUTCOME.get(ended.outcome)
    if state == "Succeeded":
        running_seconds = int((ended.ended - ended.started).total_seconds())
        fields = {"completionDate": _timestamp(ended.ended), "runningTime (sec)": str(running_seconds), "warningMessage": "N/A"}
        _put_crawler_event(ended.crawler_name, ended.account, ended.region, state, fields)
    elif state == "Failed":
        _put_crawler_event(ended.crawler_name, ended.account, ended.region, state, {"errorMessage": ended.error_message or ""})


def _put_job_run_ended(ended: JobRunEnded) -> None:
    if ended.state not in JOB_SEVERITY:
        return
    message = JOB_MESSAGES.get(ended.state) or (
        f"JobName:{ended.job_name} and JobRunId:{ended.run_id} failed to execute with exception {ended.error_message or ''}"
    )
    detail = {"jobName": ended.job_name, "severity": JOB_SEVERITY[ended.state], "state": ended.state, "jobRunId": ended.run_id}
    detail["message"] = message
    _put(ended.account, ended.region, JOB_DETAIL_TYPE, detail)


def put_state_change(ended: RunEnded) -> None:
    """The event of a run's end, if Glue sends one for it (a `run_ends` listener)."""
    if isinstance(ended, CrawlEnded):
        _put_crawl_ended(ended)
    else:
        _put_job_run_ended(ended)
