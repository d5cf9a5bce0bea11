"""GlueContext on local Spark: catalog reads through the emulator's Glue catalog, with job
bookmarks once `Job.init` has started them (see `awsglue.job`)."""

import sys
import time
from typing import Any

import boto3
from pyspark.context import SparkContext
from pyspark.sql import DataFrame, SparkSession

from ._bookmark_service import BookmarkService
from ._jdbc_bookmarks import BookmarkKeys, unread_rows
from ._jdbc_source import JdbcSource, is_jdbc_table
from ._s3_bookmarks import max_band_ms, unread_objects
from ._s3_source import S3Table
from .dynamicframe import DynamicFrame, DynamicFrameReader

EMULATED_ADDITIONAL_OPTIONS = ("jobBookmarkKeys", "jobBookmarkKeysSortOrder", "maxBand")
# A JDBC table without a primary key or jobBookmarkKeys is read whole on every run:
NO_BOOKMARK_KEY = "https://docs.aws.amazon.com/glue/latest/dg/glue-troubleshooting-errors.html#error-job-bookmarks-reprocess-data"


class GlueContext:
    def __init__(self, sparkContext: SparkContext | None = None, **options: Any) -> None:  # noqa: N803 (Glue's name)
        if options:
            raise NotImplementedError(f"GlueContext options {sorted(options)} are not emulated locally")
        # The session of the script's SparkContext, configured by the executor as Glue configures its own.
        self.spark_session = SparkSession.builder.getOrCreate()
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.bookmarks = BookmarkService()

    def create_dynamic_frame_from_catalog(
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
        additional_options = additional_options or {}
        unsupported = [name for name, given in (("push_down_predicate", push_down_predicate), ("catalog_id", catalog_id)) if given]
        unsupported += [*kwargs, *(option for option in additional_options if option not in EMULATED_ADDITIONAL_OPTIONS)]
        if unsupported:
            raise NotImplementedError(f"create_dynamic_frame.from_catalog: {unsupported} are not emulated locally")
        if database is None or table_name is None:
            raise TypeError("create_dynamic_frame.from_catalog needs database and table_name")
        glue = boto3.client("glue")
        table = glue.get_table(DatabaseName=database, Name=table_name)["Table"]
        if is_jdbc_table(table):
            source = JdbcSource(glue, boto3.client("secretsmanager"), boto3.client("s3"), table)
            frame = self._read_jdbc(source, transformation_ctx, additional_options)
        else:
            frame = self._read_s3(S3Table(table), transformation_ctx, additional_options)
        return DynamicFrame(frame, self, table_name)

    def _read_s3(self, source: S3Table, transformation_ctx: str, additional_options: dict[str, Any]) -> DataFrame:
        band_ms = max_band_ms(additional_options)
        listed_at_ms = int(time.time() * 1000)
        objects = source.objects()
        if self.bookmarks.tracks(transformation_ctx):
            objects, state = unread_objects(objects, self.bookmarks.last_state(transformation_ctx), band_ms, listed_at_ms)
            self.bookmarks.record(transformation_ctx, state)
        return source.read(self.spark_session, objects)

    def _read_jdbc(self, source: JdbcSource, transformation_ctx: str, additional_options: dict[str, Any]) -> DataFrame:
        frame = source.read(self.spark_session)
        if not self.bookmarks.tracks(transformation_ctx):
            return frame
        primary_key = () if additional_options.get("jobBookmarkKeys") else source.primary_key(self.spark_session)
        keys = BookmarkKeys.chosen(additional_options, primary_key, frame.columns)
        if keys is None:
            print(
                f"glue stand-in: {source.dbtable} has no primary key and no jobBookmarkKeys: reading it whole, see {NO_BOOKMARK_KEY}",
                file=sys.stderr,
            )
            return frame
        unread, state = unread_rows(frame, keys, self.bookmarks.last_state(transformation_ctx))
        if state is not None:
            self.bookmarks.record(transformation_ctx, state)
        return unread
