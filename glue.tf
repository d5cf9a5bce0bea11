resource "aws_glue_catalog_database" "this" {
  count = var.enabled ? 1 : 0

  name        = local.database_name
  description = "Source, raw and cleansed tables of the ${var.name_prefix} ETL pipeline."
  tags        = local.tags
}

################################################################################
# Source (optional): JDBC connection and the crawler that catalogs the source tables
################################################################################

# Glue requires the connection's AvailabilityZone whenever a subnet is set ("redundant because the specified
# subnet implies the Availability Zone ... Currently the field must be populated"): read it from the subnet unless given.
# https://docs.aws.amazon.com/cdk/api/latest/docs/@aws-cdk_aws-glue.CfnConnection.PhysicalConnectionRequirementsProperty.html
data "aws_subnet" "jdbc_source" {
  count = local.jdbc_enabled && try(var.jdbc_source.subnet_id != null && var.jdbc_source.availability_zone == null, false) ? 1 : 0

  id = var.jdbc_source.subnet_id
}

resource "aws_glue_connection" "jdbc_source" {
  count = local.jdbc_enabled ? 1 : 0

  name            = local.names.connection
  connection_type = "JDBC"
  # JDBC_ENFORCE_SSL "true": Glue "only connects over SSL with certificate and host name validation", and the
  # job run or crawler fails if it cannot; unset, Glue's default is false and it "ignores failures when it uses
  # SSL". CUSTOM_JDBC_CERT: the root certificate the server's must chain to ("If this field is left blank, the
  # default certificate is used"), read by the job and crawler roles (ReadSourceTlsCertificate in iam.tf).
  # https://docs.aws.amazon.com/glue/latest/dg/connection-properties.html#connection-properties-SSL
  connection_properties = merge(
    {
      JDBC_CONNECTION_URL = var.jdbc_source.connection_url
      SECRET_ID           = var.jdbc_source.secret_arn
      JDBC_ENFORCE_SSL    = tostring(var.jdbc_source.require_tls)
    },
    var.jdbc_source.tls_certificate_s3_path == null ? {} : { CUSTOM_JDBC_CERT = var.jdbc_source.tls_certificate_s3_path },
  )

  dynamic "physical_connection_requirements" {
    for_each = var.jdbc_source.subnet_id == null ? [] : [var.jdbc_source]
    content {
      subnet_id              = physical_connection_requirements.value.subnet_id
      security_group_id_list = physical_connection_requirements.value.security_group_ids
      availability_zone      = coalesce(physical_connection_requirements.value.availability_zone, one(data.aws_subnet.jdbc_source[*].availability_zone))
    }
  }

  tags = local.tags
}

resource "aws_glue_crawler" "source" {
  count = local.jdbc_enabled ? 1 : 0

  name          = local.names.source_crawler
  database_name = aws_glue_catalog_database.this[0].name
  role          = aws_iam_role.glue["source_crawler"].arn
  table_prefix  = local.source_table_prefix

  security_configuration = aws_glue_security_configuration.this[0].name

  dynamic "jdbc_target" {
    for_each = local.tables
    content {
      connection_name = aws_glue_connection.jdbc_source[0].name
      path            = "${var.jdbc_source.schema_path}/${jdbc_target.value.source_table}"
    }
  }

  tags = local.tags
}

################################################################################
# Crawlers over the data lake: raw_<table> and cleansed_<table> of every table, one crawl per stage
################################################################################

# The extract job writes CSV with a header, quoting only the fields that need it. Left to the built-in classifier,
# a file whose columns all parse as strings has its header read as data (columns col0, col1, ...),
# and the LazySimpleSerDe it picks misreads quoted fields; this classifier says a header is there and
# asks for OpenCSVSerDe, under which every raw column is a string (the cleanse job types them).
# https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html (Built-in CSV classifier)
resource "aws_glue_classifier" "raw_csv" {
  count = var.enabled && contains(local.lake_crawler_keys, "raw_crawler") ? 1 : 0

  name = "${var.name_prefix}-raw-csv"

  csv_classifier {
    contains_header = "PRESENT"
    delimiter       = ","
    quote_symbol    = "\""
    serde           = "OpenCSVSerDe"
  }
}

locals {
  # An Iceberg table is registered and evolved by the cleanse job itself: no crawler over it; with
  # catalog_updates = "jobs" every lake table is its job's: no lake crawler at all.
  lake_crawler_keys = local.catalog_by_jobs ? [] : local.iceberg_enabled ? ["raw_crawler"] : ["raw_crawler", "cleansed_crawler"]
  lake_crawls       = length(local.lake_crawler_keys) > 0
  all_lake_crawlers = {
    raw_crawler = {
      paths        = [for table in values(local.tables) : table.raw_path]
      table_prefix = local.raw_table_prefix
      description  = "Catalogs raw_<table> of each table from the raw CSV written by the extract job."
      classifiers  = aws_glue_classifier.raw_csv[*].name
      # A rerun of a run id rewrites the same run_id= folder; only raw_retention_days takes a raw
      # partition's files away, and then its partition must go too (see cleansed_crawler).
      delete_behavior = var.raw_retention_days == null ? "LOG" : "DELETE_FROM_DATABASE"
    }
    cleansed_crawler = {
      paths        = [for table in values(local.tables) : table.cleansed_path]
      table_prefix = local.cleansed_table_prefix
      description  = "Catalogs cleansed_<table> of each table from the Parquet written by the cleanse job."
      classifiers  = []
      # A rerun of a run id on another day deletes the run's folder under the old ingestion date: its
      # partition must go too, or queries of cleansed_<table> list a partition with no data. Only
      # DELETE_FROM_DATABASE removes partitions; DEPRECATE_IN_DATABASE marks tables, LOG keeps both.
      # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-glue-crawler-schemachangepolicy.html
      delete_behavior = "DELETE_FROM_DATABASE"
    }
  }
  lake_crawlers = { for key in local.lake_crawler_keys : key => local.all_lake_crawlers[key] }
}

resource "aws_glue_crawler" "lake" {
  for_each = var.enabled ? local.lake_crawlers : {}

  name          = local.names[each.key]
  description   = each.value.description
  database_name = aws_glue_catalog_database.this[0].name
  role          = aws_iam_role.glue["lake_crawler"].arn
  table_prefix  = each.value.table_prefix
  classifiers   = each.value.classifiers

  security_configuration = aws_glue_security_configuration.this[0].name

  # One target per table: the crawler names each table after its target's folder (raw_<table>).
  dynamic "s3_target" {
    for_each = each.value.paths
    content {
      path = s3_target.value
    }
  }

  schema_change_policy {
    update_behavior = "UPDATE_IN_DATABASE"
    delete_behavior = each.value.delete_behavior
  }

  configuration = jsonencode({
    Version = 1.0
    Grouping = {
      TableGroupingPolicy = "CombineCompatibleSchemas"
    }
    CrawlerOutput = {
      Partitions = { AddOrUpdateBehavior = "InheritFromTable" }
    }
  })

  tags = local.tags
}

################################################################################
# Jobs: the extract job (source -> raw CSV) and the cleanse job (raw -> cleansed Parquet or Iceberg)
################################################################################

locals {
  glue_job_scripts   = { extract_job = "extract_job.py", cleanse_job = "cleanse_job.py" }
  glue_library_files = sort(setsubtract(local.glue_script_files, values(local.glue_job_scripts)))
  scripts_location   = "s3://${local.bucket_name}/${local.scripts_prefix}"

  # What a run of a table passes each job, its folders named by run_id_placeholder: the state
  # machine passes the same with each run's own; a Glue workflow's jobs take them as defaults (a job
  # run of a workflow resolves the placeholder: glue_runtime.py); manual_run_arguments gives them for
  # a run started by hand, as run "manual".
  run_id_placeholder = "{run_id}"
  table_job_arguments = {
    for name, table in local.tables : name => {
      extract_job = merge({
        "--source_table" = table.source_catalog_table
        "--output_path"  = "${table.raw_path}run_id=${local.run_id_placeholder}/"
      }, table.extract_job_arguments)
      cleanse_job = merge({
        "--input_path"      = "${table.raw_path}run_id=${local.run_id_placeholder}/"
        "--run_id"          = local.run_id_placeholder
        "--output_path"     = table.cleansed_path
        "--quarantine_path" = table.quarantine_path
        "--cleansing_rules" = jsonencode(table.cleansing_rules)
      }, local.iceberg_enabled ? { "--cleansed_table" = "${local.database_name}.${table.cleansed_table}" } : {}, table.cleanse_job_arguments)
    }
  }
  # A run started by hand runs one table: its deletes = "mirror" deletes nothing (the cleanse job
  # cannot tell that the other tables' extracts are whole).
  manual_run_arguments = {
    for name, jobs in local.table_job_arguments : name => {
      for job, arguments in jobs : job => merge(
        { for key, value in arguments : key => replace(value, local.run_id_placeholder, "manual") },
        job == "cleanse_job" ? { "--run_covers_all_tables" = "false" } : {},
      )
    }
  }

  glue_common_arguments = {
    "--job-language"                     = "python"
    "--enable-metrics"                   = "true"
    "--enable-continuous-cloudwatch-log" = "true"
    "--enable-job-insights"              = "true"
    "--job-bookmark-option"              = var.job_bookmarks_enabled ? "job-bookmark-enable" : "job-bookmark-disable"
    "--TempDir"                          = "s3://${local.bucket_name}/${local.temp_prefix}"
    "--extra-py-files"                   = join(",", [for file in local.glue_library_files : "${local.scripts_location}${file}"])
  }

  # What each accepted Glue version runs, as AWS documents it; the glue_runtime output reports the
  # jobs' own. Spark, Python and Scala: https://docs.aws.amazon.com/glue/latest/dg/migrating-version-51.html,
  # https://docs.aws.amazon.com/glue/latest/dg/migrating-version-60.html,
  # https://docs.aws.amazon.com/glue/latest/dg/migrating-version-61.html; Iceberg (5.x):
  # https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-iceberg.html, (6.0) the
  # 6.0 guide. 6.1's Iceberg is listed only in its guide's Appendix D, not recorded here yet: null.
  glue_runtimes = {
    "5.0" = { spark = "3.5.4", python = "3.11", scala = "2.12.18", iceberg = "1.7.1" }
    "5.1" = { spark = "3.5.6", python = "3.11", scala = "2.12.18", iceberg = "1.10.0" }
    "6.0" = { spark = "4.1.1", python = "3.13", scala = "2.13.17", iceberg = "1.11.0" }
    "6.1" = { spark = "4.1.3", python = "3.14", scala = "2.13.17", iceberg = null }
  }

  # The jobs' Glue version's Iceberg: --datalake-formats loads it, --conf configures the catalog the
  # cleanse job writes to, alike on every accepted version. Glue takes one --conf key, whose value
  # carries every setting joined by " --conf ":
  # https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format-iceberg.html
  # S3FileIO writes the table's files itself (not through the job's security configuration), so
  # it is told the KMS key when there is one: https://iceberg.apache.org/docs/latest/aws/#s3-server-side-encryption
  iceberg_catalog = "spark.sql.catalog.glue_catalog"
  iceberg_settings = concat(
    [
      "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
      "${local.iceberg_catalog}=org.apache.iceberg.spark.SparkCatalog",
      "${local.iceberg_catalog}.warehouse=${local.cleansed_warehouse}",
      "${local.iceberg_catalog}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog",
      "${local.iceberg_catalog}.io-impl=org.apache.iceberg.aws.s3.S3FileIO",
    ],
    var.kms_key_arn == null ? [] : ["${local.iceberg_catalog}.s3.sse.type=kms", "${local.iceberg_catalog}.s3.sse.key=${var.kms_key_arn}"],
  )
  cleansed_format_arguments = local.iceberg_enabled ? {
    "--cleansed_format"  = "iceberg"
    "--datalake-formats" = "iceberg"
    "--conf"             = join(" --conf ", local.iceberg_settings)
  } : {}

  # Step Functions: two jobs shared by every table, a run naming its table in its arguments
  # (table_job_arguments).
  shared_glue_jobs = {
    extract_job = {
      name              = local.names.extract_job
      script            = local.glue_job_scripts.extract_job
      number_of_workers = var.number_of_workers
      description       = "The extract job: reads a source table (--source_table) from the catalog and writes it as CSV to its raw folder (--output_path)."
      connections       = local.jdbc_enabled ? [aws_glue_connection.jdbc_source[0].name] : []
      arguments         = { "--source_database" = local.source_database_name }
      role              = "extract_job"
      # Concurrent runs of one job would commit to one bookmark.
      max_concurrent_runs = anytrue([for table in values(local.tables) : table.job_bookmarks]) ? 1 : var.max_concurrency
    }
    cleanse_job = {
      name                = local.names.cleanse_job
      script              = local.glue_job_scripts.cleanse_job
      number_of_workers   = var.number_of_workers
      description         = local.iceberg_enabled ? "The cleanse job: cleanses a table's raw CSV (--input_path) and MERGEs it into its Iceberg table (--cleansed_table)." : "The cleanse job: cleanses a table's raw CSV (--input_path) into Parquet (--output_path)."
      connections         = []
      role                = "cleanse_job"
      arguments           = merge(local.cleansed_format_arguments, var.max_quarantine_ratio == null ? {} : { "--max_quarantine_ratio" = tostring(var.max_quarantine_ratio) })
      max_concurrent_runs = var.max_concurrency
    }
  }

  # Glue workflow: each table its own two jobs, their table's arguments as defaults: a condition of
  # a trigger watches a job, not a job run (glue_workflow.tf).
  # The keys of a workflow's jobs (aws_glue_job.this["raw_job_<table>"]) and of their batch triggers
  # (aws_glue_trigger.batch_after_batch["raw_job_<i>"], glue_workflow.tf) keep the extract job's old
  # name, raw_job, on purpose: a moved block cannot name each table's key (its addresses are static),
  # and a new key would have Terraform destroy and recreate every extract job under the same AWS name
  # (the create may race the delete; the job's bookmark and run history are lost). Outputs say extract_job.
  workflow_job_key_prefixes  = { extract_job = "raw_job", cleanse_job = "cleanse_job" }
  workflow_job_name_prefixes = { extract_job = "${var.name_prefix}-extract-", cleanse_job = "${var.name_prefix}-cleanse-" }
  workflow_glue_jobs = merge([
    for name, table in local.tables : {
      "${local.workflow_job_key_prefixes.extract_job}_${name}" = merge(local.shared_glue_jobs.extract_job, {
        name        = "${local.workflow_job_name_prefixes.extract_job}${name}"
        description = "The extract job of ${name}: reads ${table.source_catalog_table} from the catalog and writes it as CSV to ${local.lake_prefixes.raw}${name}/run_id=<the workflow run>/."
        arguments = merge(local.shared_glue_jobs.extract_job.arguments, local.table_job_arguments[name].extract_job, {
          "--report_path" = "${table.reports_path}run_id=${local.run_id_placeholder}/extract_job.json"
        })
        max_concurrent_runs = 1
        number_of_workers   = table.number_of_workers
      })
      "${local.workflow_job_key_prefixes.cleanse_job}_${name}" = merge(local.shared_glue_jobs.cleanse_job, {
        name        = "${local.workflow_job_name_prefixes.cleanse_job}${name}"
        description = "The cleanse job of ${name}: cleanses ${local.lake_prefixes.raw}${name}/run_id=<the workflow run>/ into cleansed_${name}."
        arguments = merge(local.shared_glue_jobs.cleanse_job.arguments, local.table_job_arguments[name].cleanse_job, {
          "--cleansed_table" = "${local.database_name}.${table.cleansed_table}"
          "--report_path"    = "${table.reports_path}run_id=${local.run_id_placeholder}/cleanse_job.json"
          # A workflow run runs every table.
          "--run_covers_all_tables" = "true"
          # No run report in a workflow: the cleanse job puts its table's metrics as report_run does.
          "--extract_report_path" = "${table.reports_path}run_id=${local.run_id_placeholder}/extract_job.json"
          "--metrics_namespace"   = local.metrics_namespace
          "--metrics_pipeline"    = var.name_prefix
          "--metrics_table"       = name
        })
        max_concurrent_runs = 1
        number_of_workers   = table.number_of_workers
      })
    }
  ]...)
  glue_jobs = local.workflow_mode ? local.workflow_glue_jobs : local.shared_glue_jobs
}

# Version and worker type are always named: a job created without a version runs Glue 6.0
# (https://docs.aws.amazon.com/glue/latest/webapi/API_CreateJob.html, GlueVersion), and on Glue 6.1
# one created without a worker type runs on Graviton (arm64) workers:
# https://docs.aws.amazon.com/glue/latest/dg/migrating-version-61.html
resource "aws_glue_job" "this" {
  for_each = var.enabled ? local.glue_jobs : {}

  name              = each.value.name
  description       = each.value.description
  role_arn          = aws_iam_role.glue[each.value.role].arn
  glue_version      = var.glue_version
  worker_type       = var.worker_type
  number_of_workers = each.value.number_of_workers
  timeout           = var.job_timeout_minutes
  max_retries       = var.job_max_retries
  execution_class   = var.flex_execution ? "FLEX" : "STANDARD"
  connections       = each.value.connections

  security_configuration = aws_glue_security_configuration.this[0].name

  command {
    name            = "glueetl"
    python_version  = "3"
    script_location = "${local.scripts_location}${each.value.script}"
  }

  # Each job kind logs to its own groups (job_log_groups, iam.tf), which only its role may write.
  default_arguments = merge(
    local.glue_common_arguments,
    { "--custom-logGroup-prefix" = local.job_log_group_prefixes[each.value.role] },
    each.value.arguments,
    var.job_extra_arguments,
  )

  # Runs of different tables write different prefixes: as many at once as the state machine's Map
  # runs tables. Two executions running the same table at once would race, as they would on one table.
  execution_property {
    max_concurrent_runs = each.value.max_concurrent_runs
  }

  tags = local.tags

  depends_on = [aws_s3_object.glue_script, aws_cloudwatch_log_group.glue_job]
}

# The jobs' log groups, created before any run so that they carry the retention and the key.
resource "aws_cloudwatch_log_group" "glue_job" {
  for_each = var.enabled ? toset(flatten(values(local.job_log_groups))) : toset([])

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = local.tags

  #checkov:skip=CKV_AWS_338:Retention is the caller's choice (log_retention_days).
  #checkov:skip=CKV_AWS_158:Encrypted with kms_key_arn when the caller gives one; CloudWatch Logs encrypts at rest otherwise.
}

# Encrypts what the jobs and crawlers write to S3; with a KMS key, their logs and job bookmarks too.
locals {
  # The crawlers' encrypted logs go to a group named after it and the role (iam.tf).
  security_configuration_name = "${var.name_prefix}-etl"
}

resource "aws_glue_security_configuration" "this" {
  count = var.enabled ? 1 : 0

  name = local.security_configuration_name

  encryption_configuration {
    s3_encryption {
      s3_encryption_mode = var.kms_key_arn == null ? "SSE-S3" : "SSE-KMS"
      kms_key_arn        = var.kms_key_arn
    }
    cloudwatch_encryption {
      cloudwatch_encryption_mode = var.kms_key_arn == null ? "DISABLED" : "SSE-KMS"
      kms_key_arn                = var.kms_key_arn
    }
    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = var.kms_key_arn == null ? "DISABLED" : "CSE-KMS"
      kms_key_arn                   = var.kms_key_arn
    }
  }
}
