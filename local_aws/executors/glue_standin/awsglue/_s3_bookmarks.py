"""Job bookmarks over an S3 table: the objects at its location that no committed run has read.

https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html: "For Amazon S3 input
sources, AWS Glue job bookmarks check the last modified time of the objects to verify which objects
need to be reprocessed. If your input source data has been modified since your last job run, the
files are reprocessed when you run the job again" (CSV, JSON, Avro, XML, Parquet and ORC from Glue
1.0). The tolerance is the source's `maxBand` option, in milliseconds, 900000 by default: "Files
with modification timestamps falling within the last maxBand milliseconds are tracked specially ...
to account for Amazon S3 eventual consistency" (API_S3CsvSource).

The state of a source: `until`, a modification time every object up to which has been read (the
run's start less maxBand, never moving back), and `band`, the modification time of each object
modified after it, as read. A run reads an object modified after `until` unless the band holds it
with that same time: a new object, or one rewritten since, is read; one read before is not.
"""

from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_BAND_MS = 900_000


class InvalidMaxBand(ValueError):
    """maxBand is not a whole number of milliseconds."""


@dataclass(frozen=True)
class S3Object:
    key: str
    modified_ms: int


def max_band_ms(additional_options: dict[str, Any]) -> int:
    value = additional_options.get("maxBand", DEFAULT_MAX_BAND_MS)
    if isinstance(value, bool) or not str(value).isdigit():
        raise InvalidMaxBand(f"maxBand is {value!r}; give a whole number of milliseconds (default {DEFAULT_MAX_BAND_MS})")
    return int(value)


def unread_objects(objects: list[S3Object], last_state: Any, band_ms: int, now_ms: int) -> tuple[list[S3Object], dict[str, Any]]:
    """The objects no committed run has read, and the state once this run has read them."""
    until: int | None = last_state["until"] if last_state else None
    band: dict[str, int] = last_state["band"] if last_state else {}
    unread = [item for item in objects if until is None or (item.modified_ms > until and band.get(item.key) != item.modified_ms)]
    # S3 gives LastModified to the second (ListObjects' "….000Z"): an object written later in the
    # second this run started in can carry an earlier time than the start, so that second and the
    # one before stay in the band, tracked object by object, even with maxBand 0.
    since = (now_ms - band_ms) // 1000 * 1000 - 1000
    settled = max(since, until if until is not None else since)
    # Every object listed now has been read, by this run or an earlier one.
    state = {"until": settled, "band": {item.key: item.modified_ms for item in objects if item.modified_ms > settled}}
    return unread, state
