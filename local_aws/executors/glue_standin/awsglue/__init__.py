"""A local stand-in for AWS Glue's `awsglue` package, put first on a local job run's PYTHONPATH by
`local_aws.executors.glue_jobs`, so that a job script's Glue branch (GlueContext, catalog reads with
transformation contexts, job bookmarks, `Job.commit()`) runs on local Spark against the emulator.

The installed `awsglue` (PyPI `awsgluedataplanepython`) needs Glue's JVM classes for everything but
argument parsing; this package keeps Glue's own `getResolvedOptions` (`awsglue.utils` delegates to
the installed module) and replaces the JVM-backed parts:

- `awsglue.context.GlueContext`: `spark_session`, `create_dynamic_frame.from_catalog` for JDBC
  tables (through the table's connection and its Secrets Manager secret) and S3 tables (CSV, Parquet);
- `awsglue.dynamicframe.DynamicFrame`: `toDF()`, `fromDF()`, `count()`;
- `awsglue.job.Job`: `init()` and `commit()` with JDBC job bookmarks kept by the emulator.

Whatever a script calls beyond that fails here rather than behave differently from Glue.
"""

from .dynamicframe import DynamicFrame

__all__ = ["DynamicFrame"]
