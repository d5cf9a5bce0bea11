"""The project's own code run as AWS runs it: Lambda handlers in warm execution environments,
Glue scripts on a warm Spark driver with the `awsglue` stand-in."""
