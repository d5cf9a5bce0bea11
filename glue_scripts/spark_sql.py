"""Quoting for the names and texts the jobs put into Spark SQL. Rules given to a run started by
hand are not validated by Terraform, and a source's column names are its own: a name or a path
never reaches SQL, or Spark's parser of column names, unquoted."""

from pyspark.sql import Column
from pyspark.sql import functions as F


def quoted_name(name: str) -> str:
    """A column name as a Spark SQL identifier: backticks around it, each backtick doubled
    (https://spark.apache.org/docs/3.5.4/sql-ref-identifier.html)."""
    return f"`{name.replace('`', '``')}`"


def quoted_text(text: str) -> str:
    """A text as a Spark SQL string literal: single quotes around it, backslashes and quotes
    escaped by a backslash, which Spark's parser unescapes
    (https://spark.apache.org/docs/3.5.4/sql-ref-literals.html#string-literal)."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def column(name: str) -> Column:
    """The column called `name`, whatever it holds: F.col alone reads dots and backticks as syntax."""
    return F.col(quoted_name(name))
