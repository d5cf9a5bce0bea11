"""DynamicFrame as far as local job scripts use it: a Spark DataFrame in, a Spark DataFrame out.
Glue's DynamicFrame wraps a JVM object with choice types; locally every column has one type."""

from typing import TYPE_CHECKING, Any

from pyspark.sql import DataFrame

if TYPE_CHECKING:
    from .context import GlueContext


class DynamicFrame:
    def __init__(self, dataframe: DataFrame, glue_ctx: "GlueContext", name: str = "") -> None:
        self._dataframe = dataframe
        self.glue_ctx = glue_ctx
        self.name = name

    def toDF(self, options: list[Any] | None = None) -> DataFrame:  # noqa: N802 (Glue's name)
        if options:
            raise NotImplementedError("toDF(options) (ResolveChoice options) is not emulated locally: every column has one type")
        return self._dataframe

    @classmethod
    def fromDF(cls, dataframe: DataFrame, glue_ctx: "GlueContext", name: str = "") -> "DynamicFrame":  # noqa: N802 (Glue's name)
        return cls(dataframe, glue_ctx, name)

    def count(self) -> int:
        return self._dataframe.count()


class DynamicFrameReader:
    """`glue_context.create_dynamic_frame`: its `from_catalog` is the context's `create_dynamic_frame_from_catalog`."""

    def __init__(self, glue_context: "GlueContext") -> None:
        self.from_catalog = glue_context.create_dynamic_frame_from_catalog
