"""Glue's own `awsglue.utils`: `getResolvedOptions`, `GlueArgumentError` and the rest are the
installed module's, so a job's arguments resolve exactly as on Glue."""

from typing import Any

from ._installed import installed_module

_utils = installed_module("utils")


def __getattr__(name: str) -> Any:
    return getattr(_utils, name)
