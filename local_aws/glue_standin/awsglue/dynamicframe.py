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
    """`glue_context.create_dynamic_frame`."""

    def __init__(self, glue_context: "GlueContext") -> None:
        self._glue_context = glue_context

    def from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        additional_options: dict[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DynamicFrame:
        return self._glue_context.create_dynamic_frame_from_catalog(
            database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate, additional_options, catalog_id, **kwargs
        )
