# Names, paths and shared lookups. The resources are split by concern:
# storage.tf, glue.tf, lambda.tf, orchestration.tf, notifications.tf and iam.tf.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  iceberg_enabled = var.cleansed_format == "iceberg"
  # catalog_updates = "jobs": the jobs catalog what they write; no lake crawler (glue.tf).
  catalog_by_jobs = var.catalog_updates == "jobs"
  account_id      = data.aws_caller_identity.current.account_id
  region          = data.aws_region.current.name
  partition       = data.aws_partition.current.partition

  bucket_name = var.create_bucket ? coalesce(var.bucket_name, "${var.name_prefix}-datalake-${local.account_id}") : var.bucket_name
  bucket_arn  = "arn:${local.partition}:s3:::${local.bucket_name}"

  # Every object the module writes or reads lives under one of these prefixes, each its pipeline's
  # own (<stage>/<name_prefix>/), so pipelines sharing a bucket never touch each other's data and
  # each role's S3 statements stay the same size whatever the number of tables; a table's own data
  # under <prefix><table>/.
  scripts_prefix     = "scripts/${var.name_prefix}/"
  temp_prefix        = "temp/${var.name_prefix}/"
  lake_prefixes      = { for stage in ["raw", "cleansed", "quarantine", "reports"] : stage => "${stage}/${var.name_prefix}/" }
  lake_path          = "s3://${local.bucket_name}/"
  cleansed_warehouse = "${local.lake_path}${local.lake_prefixes.cleansed}"

  database_name         = coalesce(var.database_name, replace(var.name_prefix, "-", "_"))
  source_table_prefix   = "source_"
  raw_table_prefix      = "raw_"
  cleansed_table_prefix = "cleansed_"
  jdbc_enabled          = var.enabled && var.jdbc_source != null
  source_database_name  = coalesce(var.source_database_name, local.database_name)

  # Each table as the crawlers, the jobs and the state machine use it.
  tables = {
    for name, table in var.tables : name => {
      source_table = coalesce(table.source_table, name)
      # The table the source crawler writes for a JDBC source table: its include path, prefixed, with "_" for "/".
      source_catalog_table = var.jdbc_source == null ? coalesce(table.source_table, name) : "${local.source_table_prefix}${lower(replace("${var.jdbc_source.schema_path}/${coalesce(table.source_table, name)}", "/", "_"))}"
      raw_table            = "${local.raw_table_prefix}${name}"
      cleansed_table       = "${local.cleansed_table_prefix}${name}"
      raw_path             = "${local.lake_path}${local.lake_prefixes.raw}${name}/"
      cleansed_path        = "${local.lake_path}${local.lake_prefixes.cleansed}${name}/"
      quarantine_path      = "${local.lake_path}${local.lake_prefixes.quarantine}${name}/"
      reports_path         = "${local.lake_path}${local.lake_prefixes.reports}${name}/"
      cleansing_rules = {
        for rule, value in {
          key_columns      = table.key_columns
          order_by_column  = table.order_by_column
          column_types     = table.column_types
          required_columns = table.required_columns
          email_columns    = table.email_columns
          partition_column = table.partition_column
        } : rule => value if value != null
      }
      number_of_workers = coalesce(table.number_of_workers, var.number_of_workers)
      job_bookmarks     = coalesce(table.job_bookmarks, var.job_bookmarks_enabled)
      # The table's own job arguments, only those that apply (Step Functions cannot pass a null): the
      # state machine merges them into each run's (LoadTables' Result), a Glue workflow's table jobs
      # take them as defaults, manual_run_arguments gives them. A run argument overrides the job's
      # default, so each run says whether it reads past the bookmark.
      # With catalog_updates = "jobs", --catalog_table names the catalog table a job registers what it
      # wrote in (the name the lake crawler would give it); an Iceberg table is registered by its
      # commit already.
      extract_job_arguments = merge(
        { "--job-bookmark-option" = coalesce(table.job_bookmarks, var.job_bookmarks_enabled) ? "job-bookmark-enable" : "job-bookmark-disable" },
        table.bookmark_keys == null ? {} : { "--bookmark_keys" = jsonencode({ jobBookmarkKeys = table.bookmark_keys, jobBookmarkKeysSortOrder = table.bookmark_keys_sort_order }) },
        local.catalog_by_jobs ? { "--catalog_table" = "${local.database_name}.${local.raw_table_prefix}${name}" } : {},
      )
      cleanse_job_arguments = merge(
        table.deletes == "mirror" ? { "--deletes" = "mirror", "--max_deleted_ratio" = tostring(var.max_deleted_ratio) } : {},
        table.deleted_flag_column == null ? {} : { "--deleted_flag_column" = table.deleted_flag_column },
        local.catalog_by_jobs && !local.iceberg_enabled ? { "--catalog_table" = "${local.database_name}.${local.cleansed_table_prefix}${name}" } : {},
      )
    }
  }

  names = {
    # The extract job keeps its first name: Glue keeps a job's bookmark under the job's name
    # (https://docs.aws.amazon.com/glue/latest/webapi/API_ResetJobBookmark.html, JobName), and a new
    # name would start without it and re-read every source row.
    extract_job        = "${var.name_prefix}-extract-to-raw"
    cleanse_job        = "${var.name_prefix}-cleanse"
    source_crawler     = "${var.name_prefix}-source-crawler"
    raw_crawler        = "${var.name_prefix}-raw-crawler"
    cleansed_crawler   = "${var.name_prefix}-cleansed-crawler"
    connection         = "${var.name_prefix}-jdbc-source"
    state_machine      = "${var.name_prefix}-pipeline"
    workflow           = "${var.name_prefix}-pipeline"
    notification_topic = "${var.name_prefix}-pipeline-notifications"
  }

  glue_arn_prefix = "arn:${local.partition}:glue:${local.region}:${local.account_id}"
  crawler_arns    = { for key in local.lake_crawler_keys : key => "${local.glue_arn_prefix}:crawler/${local.names[key]}" }

  # What runs the pipeline: the state machine and its Lambdas, or a Glue workflow (glue_workflow.tf).
  workflow_mode  = var.orchestration == "glue_workflow"
  step_functions = var.enabled && !local.workflow_mode

  tags = merge(var.tags, { "etl-pipeline" = var.name_prefix })
}
