"""ListCrawls from the emulated crawls (`crawlers`): moto lists crawls of its own, which the
emulation never starts, each with a DPUHour of 100, and compares START_TIME and END_TIME filters
as ISO strings where Glue takes epoch milliseconds.

Glue's ListCrawls (https://docs.aws.amazon.com/glue/latest/webapi/API_ListCrawls.html) returns a
crawler's crawls as CrawlerHistory entries, filtered by CrawlsFilter (FieldName CRAWL_ID | STATE |
START_TIME | END_TIME | DPU_HOUR; START_TIME and END_TIME "the epoch timestamp in milliseconds":
https://docs.aws.amazon.com/glue/latest/webapi/API_CrawlsFilter.html), MaxResults "default is 20,
and maximum is 100", and a NextToken when more remain. A filter's field missing from a crawl (the
END_TIME of a running one) matches nothing.
"""

import operator
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moto.core.responses import ActionResult
from moto.glue.exceptions import InvalidInputException, NoCrawlsEntryForCrawler
from moto.glue.responses import GlueResponse
from moto.glue.utils import CrawlFilter, validate_crawl_filters

from local_aws.emulator.glue.crawlers import emulated_crawls

DEFAULT_RESULTS = 20
MAX_RESULTS = 100
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "GT": operator.gt,
    "GE": operator.ge,
    "LT": operator.lt,
    "LE": operator.le,
    "EQ": operator.eq,
    "NE": operator.ne,
}
FIELDS = {"CRAWL_ID": "CrawlId", "STATE": "State", "START_TIME": "StartTime", "END_TIME": "EndTime", "DPU_HOUR": "DPUHour"}


def _comparable(field: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp() * 1000
    return float(value) if field in ("START_TIME", "END_TIME", "DPU_HOUR") else str(value)


def _matches(entry: dict[str, Any], crawl_filter: CrawlFilter) -> bool:
    field = crawl_filter.field_name.value
    value = entry.get(FIELDS[field])
    if value is None:
        return False
    try:
        wanted = _comparable(field, crawl_filter.field_value)
    except ValueError as error:
        raise InvalidInputException("ListCrawls", f"Invalid FieldValue {crawl_filter.field_value!r} for {field}") from error
    return COMPARISONS[crawl_filter.operator.value](_comparable(field, value), wanted)


def _list_crawls(self: GlueResponse) -> ActionResult:
    name = self._get_param("CrawlerName")
    crawler = self.glue_backend.crawlers.get(name)
    if crawler is None:
        raise NoCrawlsEntryForCrawler(name)
    filters = validate_crawl_filters(self._get_param("Filters") or [])
    entries = [entry for entry in (crawl.history() for crawl in emulated_crawls(crawler)) if all(_matches(entry, f) for f in filters)]
    start = int(self._get_param("NextToken") or 0)
    end = start + min(int(self._get_param("MaxResults") or DEFAULT_RESULTS), MAX_RESULTS)
    answer: dict[str, Any] = {"Crawls": entries[start:end]}
    if end < len(entries):
        answer["NextToken"] = str(end)
    return ActionResult(answer)


CRAWL_HISTORY_API: list[tuple[type, str, Any]] = [(GlueResponse, "list_crawls", _list_crawls)]
