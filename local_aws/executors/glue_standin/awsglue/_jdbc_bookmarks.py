"""Job bookmarks over a JDBC table: the rows whose bookmark key lies beyond the last committed one.

https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html: the keys are
`jobBookmarkKeys` (each "strictly monotonically increasing or decreasing"; gaps permitted) compared
in `jobBookmarkKeysSortOrder`, "asc" or "desc"; without them Glue uses the primary key
(https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html, "provided that it is
sequentially increasing or decreasing"). Several keys "combine to form a single compound key",
compared here in order, the first deciding. The stand-in takes the primary key whether or not its
values have gaps. Changing the keys or their order makes the previous bookmark invalid, as the
first page warns for changed source properties.

A read goes up to the furthest key present when the table is opened, so rows added while the job
runs wait for the next run.
"""

from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

SORT_ORDERS = {"asc": True, "desc": False}


class InvalidBookmarkKeys(ValueError):
    """jobBookmarkKeys or jobBookmarkKeysSortOrder cannot be used on this table."""


@dataclass(frozen=True)
class BookmarkKeys:
    columns: tuple[str, ...]
    ascending: bool = True

    @classmethod
    def chosen(cls, additional_options: dict[str, Any], primary_key: tuple[str, ...], available: list[str]) -> "BookmarkKeys | None":
        """The keys given in `additional_options`, else the primary key; None when there is neither."""
        columns = tuple(additional_options.get("jobBookmarkKeys") or primary_key)
        order = additional_options.get("jobBookmarkKeysSortOrder", "asc")
        if order not in SORT_ORDERS:
            raise InvalidBookmarkKeys(f"jobBookmarkKeysSortOrder is {order!r}; use 'asc' or 'desc'")
        missing = [column for column in columns if column not in available]
        if missing:
            raise InvalidBookmarkKeys(f"jobBookmarkKeys {missing} are not columns of the table; its columns are {available}")
        return cls(columns, SORT_ORDERS[order]) if columns else None

    @property
    def options(self) -> dict[str, Any]:
        return {"jobBookmarkKeys": list(self.columns), "jobBookmarkKeysSortOrder": "asc" if self.ascending else "desc"}

    def state(self, last_values: list[str]) -> dict[str, Any]:
        return {**self.options, "lastValues": last_values}

    def last_values(self, state: dict[str, Any] | None) -> list[str] | None:
        """The committed values, if `state` was committed with these same keys."""
        if not state or any(state.get(name) != value for name, value in self.options.items()):
            return None
        values: list[str] = state["lastValues"]
        return values

    def beyond(self, frame: DataFrame, values: list[str]) -> Column:
        """Rows whose compound key comes after `values` in the sort order."""
        condition: Column | None = None
        for column, value in reversed(list(zip(self.columns, values, strict=True))):
            key, bound = F.col(column), F.lit(value).cast(frame.schema[column].dataType)
            after = key > bound if self.ascending else key < bound
            condition = after if condition is None else after | ((key == bound) & condition)
        assert condition is not None
        return condition

    def last_row(self, frame: DataFrame) -> list[str] | None:
        """The compound key furthest in the sort order, as strings Spark casts back exactly."""
        ordering = [F.col(column).desc() if self.ascending else F.col(column).asc() for column in self.columns]
        row = frame.orderBy(*ordering).limit(1).select(*[F.col(column).cast("string") for column in self.columns]).first()
        return list(row) if row else None


def unread_rows(frame: DataFrame, keys: BookmarkKeys, state: dict[str, Any] | None) -> tuple[DataFrame, dict[str, Any] | None]:
    """The rows after the bookmark in `state`, and the state once they are processed."""
    last_values = keys.last_values(state)
    unread = frame.where(keys.beyond(frame, last_values)) if last_values else frame
    upper = keys.last_row(unread)
    if upper is None:
        return unread, state
    return unread.where(~keys.beyond(frame, upper)), keys.state(upper)
