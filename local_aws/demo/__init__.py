"""The whole pipeline on this machine from a PostgreSQL source (`python -m local_aws.demo`), and
the `LocalPipeline` the end-to-end tests share with it."""
