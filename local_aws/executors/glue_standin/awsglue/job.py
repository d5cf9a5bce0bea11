"""Job: `init` starts the run's job bookmarks, `commit` hands their new state to the emulator, which
keeps it if the run succeeds. The option lists `getResolvedOptions` reads are Glue's own (inherited)."""

from typing import TYPE_CHECKING, Any

from ._bookmark_service import BookmarkService
from ._installed import installed_module

if TYPE_CHECKING:
    from .context import GlueContext


class Job(installed_module("job").Job):  # type: ignore[misc]
    def __init__(self, glue_context: "GlueContext") -> None:
        self._glue_context = glue_context
        self._initialized = False

    def init(self, job_name: str, args: dict[str, Any] | None = None) -> None:
        self._glue_context.bookmarks = BookmarkService.for_run(args or {})
        self._initialized = True

    def isInitialized(self) -> bool:  # noqa: N802 (Glue's name)
        return self._initialized

    def commit(self) -> None:
        self._glue_context.bookmarks.commit()
