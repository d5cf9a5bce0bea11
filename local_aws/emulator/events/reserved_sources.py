"""PutEvents refuses an entry whose source starts with `aws.`: "Events from AWS services have a
source that begins with aws.; a custom event can't"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html), the entry failing
with `NotAuthorizedForSourceException`
(https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html). moto
takes any source, so a caller could forge Glue's crawl and job events. AWS's message for the entry is
not documented; this one is the error code's documented meaning. The emulator's own Glue events go
to the backend directly and stay AWS's."""

import json
from typing import Any

from moto.events.responses import EventsHandler

RESERVED_SOURCE_PREFIX = "aws."
MAX_ENTRIES = 10
REFUSED_ENTRY = {
    "ErrorCode": "NotAuthorizedForSourceException",
    "ErrorMessage": "You do not have permissions to publish events with this source onto this event bus.",
}


_put_events = EventsHandler.put_events


def _is_reserved(entry: dict[str, Any]) -> bool:
    return str(entry.get("Source", "")).startswith(RESERVED_SOURCE_PREFIX)


def _put_events_without_reserved_sources(self: EventsHandler) -> str:
    entries: list[dict[str, Any]] = self._get_param("Entries") or []
    if len(entries) > MAX_ENTRIES or not any(map(_is_reserved, entries)):
        return _put_events(self)  # moto's own answer, its refusal of more than 10 entries included
    allowed = [entry for entry in entries if not _is_reserved(entry)]
    results = iter(self.events_backend.put_events(allowed) if allowed else [])
    answered = [REFUSED_ENTRY if _is_reserved(entry) else next(results) for entry in entries]
    return json.dumps({"FailedEntryCount": sum("ErrorCode" in entry for entry in answered), "Entries": answered})


def refuse_reserved_sources() -> None:
    """Refuse customer events claiming an AWS service's source; call once in the emulator process."""
    setattr(EventsHandler, "put_events", _put_events_without_reserved_sources)  # noqa: B010
