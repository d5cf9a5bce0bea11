"""Glue crawlers that behave as the real service reports them, inside the emulator process.

moto's crawler never leaves RUNNING on its own and reports LastCrawl.Status COMPLETED, which
AWS never does. Here a crawl is RUNNING for its planned duration on the emulated clock
(`local_aws.emulator.core.clock`), then STOPPING once it has written the catalog from the files under its S3
targets, read as its custom CSV classifier says, and with the partitions whose files are gone
deleted when its DeleteBehavior is DELETE_FROM_DATABASE (or, for PostgreSQL JDBC targets, from
the source's own columns), then READY; LastCrawl
describes the last finished crawl with SUCCEEDED, FAILED (and its ErrorMessage) or CANCELLED.
Scenarios plan the outcome and duration of a crawler's next crawls with `plan_crawls`.
Each crawl sends Glue's Started event to EventBridge (`state_change_events`), and announces its end
(`run_ends`) on a timer of the emulated clock, whether or not anyone reads the crawler.
"""

import contextlib
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from moto.glue.exceptions import CrawlerRunningException
from moto.glue.models import FakeCrawler

from local_aws.clients import client, own_port
from local_aws.emulator.core.clock import CLOCK
from local_aws.emulator.core.timers import TIMERS
from local_aws.emulator.glue.jdbc_catalog import catalog_jdbc_target
from local_aws.emulator.glue.plan_queues import PlanQueues, check_plan
from local_aws.emulator.glue.run_ends import CrawlEnded, announce
from local_aws.emulator.glue.schema_inference import BUILT_IN_CSV, CsvClassifier, NoDataToCrawl, catalog_s3_target
from local_aws.emulator.glue.state_change_events import put_crawl_started
from local_aws.emulator.iam.service_roles import RoleNotAssumable, assume_role_as_service, role_arn_of

FINISHED = ("SUCCEEDED", "FAILED", "CANCELLED")
# A crawl in ListCrawls' CrawlerHistory has a State of its own words (RUNNING | COMPLETED | FAILED |
# STOPPED: https://docs.aws.amazon.com/glue/latest/webapi/API_CrawlerHistory.html), where LastCrawl
# says SUCCEEDED, FAILED or CANCELLED.
HISTORY_STATES = {"RUNNING": "RUNNING", "STOPPING": "RUNNING", "SUCCEEDED": "COMPLETED", "FAILED": "FAILED", "CANCELLED": "STOPPED"}
# AWS publishes no number of DPUs a crawl runs with; the emulator reports one for the crawl's length,
# which DPUHour (CrawlerHistory) then gives on the emulated clock.
CRAWL_DPUS = 1.0


@dataclass(frozen=True)
class CrawlPlan:
    running_seconds: float = 2.0
    stopping_seconds: float = 1.0
    outcome: str = "SUCCEEDED"
    error_message: str | None = None

    def __post_init__(self) -> None:
        check_plan("crawl", self.outcome, FINISHED, running_seconds=self.running_seconds, stopping_seconds=self.stopping_seconds)


_plans = PlanQueues(CrawlPlan)


def plan_crawls(crawler_name: str, plans: list[CrawlPlan]) -> None:
    """The next crawls of `crawler_name` follow `plans` in order; later ones use CrawlPlan's defaults."""
    _plans.plan(crawler_name, plans)


def forget_plans() -> None:
    _plans.forget()


class EmulatedCrawl:
    """One crawl, whose state follows the emulated clock: RUNNING, then STOPPING (the catalog is
    written on entering it), then its planned outcome."""

    def __init__(self, crawler: FakeCrawler, plan: CrawlPlan) -> None:
        self.crawler = crawler
        self.plan = plan
        self.crawl_id = str(uuid.uuid4())
        self.start_time = CLOCK.utcnow()
        started = CLOCK.now()
        self._running_until = started + plan.running_seconds
        self._stopping_until = self._running_until + plan.stopping_seconds
        self._outcome: str | None = None
        self.error_message: str | None = None
        self._lock = threading.Lock()
        self.log_group = "/aws-glue/crawlers"
        self.log_stream = self.message_prefix = crawler.name

    @property
    def status(self) -> str:
        now = CLOCK.now()
        if now < self._running_until:
            return "RUNNING"
        outcome = self._conclude()
        return "STOPPING" if now < self._stopping_until else outcome

    def _conclude(self) -> str:
        with self._lock:
            if self._outcome is None:
                outcome, message = self.plan.outcome, self.plan.error_message
                if outcome == "SUCCEEDED":
                    try:
                        self._write_catalog()
                    except RoleNotAssumable:
                        # Glue's own words when it cannot assume a crawler's role.
                        outcome, message = "FAILED", "Service is unable to assume provided role. Please verify role's TrustPolicy"
                    except Exception as error:  # a real crawl reports any failure as its own ErrorMessage
                        outcome, message = "FAILED", f"{type(error).__name__}: {error}"
                self.error_message = message if outcome == "FAILED" else None
                self._outcome = outcome
            return self._outcome

    @property
    def end_time(self) -> datetime | None:
        """When the crawl ended (READY again), once it has."""
        if self.status not in FINISHED:
            return None
        return self.start_time + timedelta(seconds=self.plan.running_seconds + self.plan.stopping_seconds)

    def history(self) -> dict[str, Any]:
        """The crawl as ListCrawls gives it (CrawlerHistory)."""
        end_time = self.end_time
        entry: dict[str, Any] = {
            "CrawlId": self.crawl_id,
            "State": HISTORY_STATES[self.status],
            "StartTime": self.start_time,
            "LogGroup": self.log_group,
            "LogStream": self.log_stream,
            "MessagePrefix": self.message_prefix,
        }
        if end_time is not None:
            entry["EndTime"] = end_time
            entry["DPUHour"] = CRAWL_DPUS * (end_time - self.start_time).total_seconds() / 3600
        if self.error_message:
            entry["ErrorMessage"] = self.error_message
        return entry

    def announce(self) -> None:
        """Send the crawl's Started event now, and announce its end once the clock reaches it."""
        backend = self.crawler.backend
        put_crawl_started(self.crawler.name, backend.account_id, backend.region_name, self.start_time)
        TIMERS.at(self._stopping_until, self._announce_end)

    def _announce_end(self) -> None:
        outcome, backend, name = self.status, self.crawler.backend, self.crawler.name
        announce(CrawlEnded(name, outcome, self.error_message, self.start_time, CLOCK.utcnow(), backend.account_id, backend.region_name))

    def _write_catalog(self) -> None:
        """Read the targets and write the catalog in the crawler's region, under the crawler's role."""
        backend = self.crawler.backend
        credentials = assume_role_as_service(role_arn_of(self.crawler.role, backend), "glue.amazonaws.com", backend.region_name)

        def role_client(service: str) -> Any:
            return client(service, own_port(), credentials=credentials.client_arguments())

        targets = self.crawler.targets or {}
        glue, s3, prefix = role_client("glue"), role_client("s3"), self.crawler.table_prefix or ""
        # The crawler service reads its own classifiers; the role only reads data and writes the catalog.
        csv_classifier = self._csv_classifier(client("glue", own_port(), region=backend.region_name))
        delete_missing = (self.crawler.schema_change_policy or {}).get("DeleteBehavior") == "DELETE_FROM_DATABASE"
        for target in targets.get("S3Targets", []):
            # A target with no data files yet (a table whose first extract failed) gets no table and
            # fails nothing: the crawl goes on with the others and succeeds, as reported of Glue, e.g.
            # https://github.com/aws-samples/aws-ddk-examples/issues/65 (a path with no data: "the Glue db
            # exists but there are no tables", no failure) and https://aws-blog.com/2022/09/glue-crawlers-no-getobject-no-problem.html
            # (the tables of the other locations were created, the one whose data was deleted was not).
            with contextlib.suppress(NoDataToCrawl):
                catalog_s3_target(glue, s3, self.crawler.database_name, target["Path"], prefix, csv_classifier, delete_missing)
        for target in targets.get("JdbcTargets", []):
            catalog_jdbc_target(glue, role_client("secretsmanager"), s3, self.crawler.database_name, target, prefix)

    def _csv_classifier(self, glue: Any) -> CsvClassifier:
        """The first custom CSV classifier the crawler lists (they run before the built-in ones), or the built-in one."""
        for name in self.crawler.classifiers or []:
            classifier = glue.get_classifier(Name=name)["Classifier"]
            if "CsvClassifier" in classifier:
                return CsvClassifier.from_api(classifier["CsvClassifier"])
        return BUILT_IN_CSV


# Emulated crawls are kept beside moto's crawler objects, and vanish with them on reset.
_crawls: "WeakKeyDictionary[FakeCrawler, list[EmulatedCrawl]]" = WeakKeyDictionary()


def emulated_crawls(crawler: FakeCrawler) -> list[EmulatedCrawl]:
    return _crawls.get(crawler, [])


def _start_crawler(self: FakeCrawler) -> None:
    crawls = emulated_crawls(self)
    if crawls and crawls[-1].status not in FINISHED:
        raise CrawlerRunningException(f"Crawler with name {self.name} has already started")
    crawl = EmulatedCrawl(self, _plans.next(self.name))
    _crawls[self] = [*crawls, crawl]
    crawl.announce()


def _status(self: FakeCrawler) -> str:
    crawls = emulated_crawls(self)
    if not crawls or crawls[-1].status in FINISHED:
        return "READY"
    return crawls[-1].status


_crawler_as_dict = FakeCrawler.as_dict


def _as_dict(self: FakeCrawler) -> dict[str, Any]:
    described = _crawler_as_dict(self)
    described.pop("LastCrawl", None)
    finished = [crawl for crawl in emulated_crawls(self) if crawl.status in FINISHED]
    if finished:
        last = finished[-1]
        described["LastCrawl"] = {
            "Status": last.status,
            "StartTime": last.start_time,
            "LogGroup": last.log_group,
            "LogStream": last.log_stream,
            "MessagePrefix": last.message_prefix,
            **({"ErrorMessage": last.error_message} if last.error_message else {}),
        }
    running = emulated_crawls(self)
    if running and running[-1].status not in FINISHED:
        described["CrawlElapsedTime"] = int((CLOCK.utcnow() - running[-1].start_time).total_seconds() * 1000)
    return described


CRAWLER_BEHAVIOUR: list[tuple[str, Any]] = [
    ("start_crawler", _start_crawler),
    ("status", property(_status)),
    ("as_dict", _as_dict),
]


def emulate_crawlers() -> None:
    """Replace moto's crawler behaviour with CRAWLER_BEHAVIOUR; call once in the emulator process."""
    for attribute, replacement in CRAWLER_BEHAVIOUR:
        setattr(FakeCrawler, attribute, replacement)
