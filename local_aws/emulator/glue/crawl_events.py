"""The "Glue Crawler State Change" events Glue sends to EventBridge, put to the default event bus
of the crawler's account and region: "Started" when a crawl starts, "Succeeded" or "Failed" when it
ends. Glue documents no event for a cancelled crawl, so none is sent.

Fields as documented (https://docs.aws.amazon.com/AmazonCloudWatch/latest/events/EventTypes.html#glue-event-types):
source aws.glue, resources [], detail.crawlerName, detail.state, detail.message ("Crawler Started",
"Crawler Succeeded", "Crawler Failed"), detail.accountId, detail.startTime (Started),
detail.completionDate and "runningTime (sec)" (Succeeded), detail.errorMessage (Failed),
detail.cloudWatchLogLink. The table and partition counts of a Succeeded event are not sent: the
emulation does not count them.
"""

import json
from datetime import datetime
from typing import Any

from moto.events.models import events_backends
from moto.glue.models import FakeCrawler

DETAIL_TYPE = "Glue Crawler State Change"
MESSAGES = {"Started": "Crawler Started", "Succeeded": "Crawler Succeeded", "Failed": "Crawler Failed"}
STATE_OF_OUTCOME = {"SUCCEEDED": "Succeeded", "FAILED": "Failed"}


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _put(crawler: FakeCrawler, state: str, fields: dict[str, Any]) -> None:
    backend = crawler.backend
    log_link = (
        f"https://console.aws.amazon.com/cloudwatch/home?region={backend.region_name}"
        f"#logEventViewer:group=/aws-glue/crawlers;stream={crawler.name}"
    )
    detail = {
        "crawlerName": crawler.name,
        "state": state,
        "message": MESSAGES[state],
        "accountId": backend.account_id,
        "cloudWatchLogLink": log_link,
        **fields,
    }
    # moto stamps the event's time itself (and its SQS delivery needs it numeric).
    event = {"Source": "aws.glue", "DetailType": DETAIL_TYPE, "Detail": json.dumps(detail), "Resources": []}
    events_backends[backend.account_id][backend.region_name].put_events([event])


def put_crawl_started(crawler: FakeCrawler, started: datetime) -> None:
    _put(crawler, "Started", {"startTime": _timestamp(started)})


def put_crawl_ended(crawler: FakeCrawler, outcome: str, started: datetime, ended: datetime, error_message: str | None) -> None:
    """The event of a crawl that ended with `outcome` (SUCCEEDED or FAILED; CANCELLED sends none)."""
    state = STATE_OF_OUTCOME.get(outcome)
    if state == "Succeeded":
        running_seconds = int((ended - started).total_seconds())
        fields = {"completionDate": _timestamp(ended), "runningTime (sec)": str(running_seconds), "warningMessage": "N/A"}
        _put(crawler, state, fields)
    elif state == "Failed":
        _put(crawler, state, {"errorMessage": error_message or ""})
