################################################################################
# General
################################################################################

variable "enabled" {
  description = "Set to false to create no resources at all (useful to switch a module instance off without removing it)."
  type        = bool
  default     = true
}

variable "name_prefix" {
  description = "Prefix of every resource name. Use one per module instance, e.g. `sales-customers`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (it becomes part of bucket, job and role names)."
  }

  # It starts the created bucket's name, and S3 refuses names starting with these:
  # https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
  validation {
    condition     = !anytrue([for reserved in ["xn--", "sthree-", "amzn-s3-demo-"] : startswith(var.name_prefix, reserved)])
    error_message = "name_prefix must not start with xn--, sthree- or amzn-s3-demo-: it starts the data lake bucket's name, and S3 reserves those prefixes."
  }
}

variable "tables" {
  description = <<-EOT
    The tables the pipeline lands, cleanses and catalogs, by name (README, "Many tables"). A name is lower-case letters, digits and underscores; it names the S3 prefixes (`raw/<name_prefix>/<name>/`, `cleansed/<name_prefix>/<name>/`, `quarantine/<name_prefix>/<name>/`) and the catalog tables (`raw_<name>`, `cleansed_<name>`). Each table:
    - source_table: what the extract job reads. With `jdbc_source`, a table of its `schema_path`; otherwise a catalog table of `source_database_name`. Default: the name.
    - key_columns: columns identifying a record; duplicates on them are removed, the latest by `order_by_column` winning
    - order_by_column: update timestamp deciding which duplicate is the latest
    - column_types: column => one of string, int, bigint, double, boolean, date, timestamp, decimal(p,s); rows that do not cast are quarantined
    - required_columns: columns that must not be null or empty
    - email_columns: columns lower-cased and checked to be e-mail addresses
    - partition_column: column of the output partitions; null partitions by ingestion date
    - number_of_workers: Glue workers of this table's job runs; default `number_of_workers`
    - deletes: "keep" (default) or "mirror". With mirror (needs `cleansed_format = "iceberg"` and the table's bookmarks off), a run that extracted the whole table removes from the current state the keys the source no longer holds; a run that would delete more than `max_deleted_ratio` of the current rows publishes nothing and fails. Each run then reads the whole source table.
    - deleted_flag_column: a column of `column_types` typed boolean or timestamp that the source sets on a soft-deleted row; a row whose flag is true (or set) leaves the current state (needs `cleansed_format = "iceberg"`). Default: none.
    - job_bookmarks: extract only the rows past this table's job bookmark; default `job_bookmarks_enabled`. Cheaper runs, but without `bookmark_keys` updated rows are not seen, and deleted rows never are.
    - bookmark_keys: columns Glue's JDBC bookmark compares (`jobBookmarkKeys`) instead of the primary key, e.g. an update timestamp, so that an incremental extract carries updated rows too; each must only grow (or, with `bookmark_keys_sort_order = "desc"`, only shrink), or rows are missed. Needs `jdbc_source` and the table's bookmarks on; changing them starts the bookmark over (one full read).
    - bookmark_keys_sort_order: "asc" (default) or "desc" (`jobBookmarkKeysSortOrder`), with `bookmark_keys`
    Columns are named as the Glue catalog names them: in lower case.
  EOT
  type = map(object({
    source_table      = optional(string)
    key_columns       = list(string)
    order_by_column   = optional(string)
    column_types      = optional(map(string), {})
    required_columns  = optional(list(string), [])
    email_columns     = optional(list(string), [])
    partition_column  = optional(string)
    number_of_workers = optional(number)
    # Issue 28: deletes and updates reaching the current state.
    deletes                  = optional(string, "keep")
    deleted_flag_column      = optional(string)
    job_bookmarks            = optional(bool)
    bookmark_keys            = optional(list(string))
    bookmark_keys_sort_order = optional(string, "asc")
  }))

  validation {
    condition     = length(var.tables) > 0
    error_message = "tables must name at least one table, e.g. { customers = { key_columns = [\"customer_id\"] } }."
  }

  # Each table's settings, outcome and report travel in the execution's state, which Step Functions
  # caps at 256 KiB (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html): 2.8 KB
  # for the demo's customers (settings, outcome, report), so 50 tables leave room for longer rules.
  validation {
    condition     = length(var.tables) <= 50
    error_message = "tables holds ${length(var.tables)} tables; one pipeline runs at most 50 (their settings and report travel in Step Functions' 256 KiB execution state): split them across module instances."
  }

  validation {
    condition     = alltrue([for name in keys(var.tables) : can(regex("^[a-z][a-z0-9_]{0,54}$", name))])
    error_message = "Every table name must start with a lower-case letter and hold only lower-case letters, digits and underscores, at most 55 characters (it becomes the catalog tables raw_<name> and cleansed_<name>); not so: ${join(", ", [for name in keys(var.tables) : name if !can(regex("^[a-z][a-z0-9_]{0,54}$", name))])}."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : length(table.key_columns) > 0 && length(distinct(table.key_columns)) == length(table.key_columns)])
    error_message = "Every table needs key_columns: at least one column, each named once. Not so for: ${join(", ", [for name, table in var.tables : name if length(table.key_columns) == 0 || length(distinct(table.key_columns)) != length(table.key_columns)])}."
  }

  validation {
    condition = alltrue(flatten([
      for table in values(var.tables) : [
        for column_type in values(table.column_types) : can(regex("^(string|int|bigint|double|boolean|date|timestamp|decimal\\([0-9]+,[0-9]+\\))$", column_type))
      ]
    ]))
    error_message = "column_types values must be string, int, bigint, double, boolean, date, timestamp or decimal(p,s); not so in: ${join(", ", [for name, table in var.tables : name if !alltrue([for column_type in values(table.column_types) : can(regex("^(string|int|bigint|double|boolean|date|timestamp|decimal\\([0-9]+,[0-9]+\\))$", column_type))])])}."
  }

  # Glue catalogs column names in lower case (so the extract job writes them, and the cleanse job reads them): a rule naming
  # `CustomerId` would name a column no run has. https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html
  validation {
    condition = alltrue([
      for table in values(var.tables) : alltrue([
        for column in concat(table.key_columns, keys(table.column_types), table.required_columns, table.email_columns, compact([table.order_by_column, table.partition_column])) :
        can(regex("^[a-z_][a-z0-9_]*$", column))
      ])
    ])
    error_message = "Cleansing rules must name columns as the Glue catalog does, in lower case (letters, digits, underscores). Not so in: ${join(", ", [for name, table in var.tables : name if !alltrue([for column in concat(table.key_columns, keys(table.column_types), table.required_columns, table.email_columns, compact([table.order_by_column, table.partition_column])) : can(regex("^[a-z_][a-z0-9_]*$", column))])])}."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : table.order_by_column == null || !contains(table.key_columns, coalesce(table.order_by_column, "-"))])
    error_message = "A table's order_by_column decides which row of a key is the latest, so it cannot be one of its key_columns. Not so for: ${join(", ", [for name, table in var.tables : name if table.order_by_column != null && contains(table.key_columns, coalesce(table.order_by_column, "-"))])}."
  }

  validation {
    condition     = length(distinct([for name, table in var.tables : coalesce(table.source_table, name)])) == length(var.tables)
    error_message = "Two tables read the same source_table (a table's source_table defaults to its name): give each its own."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : table.number_of_workers == null || try(table.number_of_workers >= 2 && table.number_of_workers <= 299 && floor(table.number_of_workers) == table.number_of_workers, false)])
    error_message = "A table's number_of_workers must be a whole number from 2 to 299 (Glue needs at least 2 workers). Not so for: ${join(", ", [for name, table in var.tables : name if table.number_of_workers != null && !try(table.number_of_workers >= 2 && table.number_of_workers <= 299 && floor(table.number_of_workers) == table.number_of_workers, false)])}."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : alltrue([for column in concat(compact([table.deleted_flag_column]), coalesce(table.bookmark_keys, [])) : can(regex("^[a-z_][a-z0-9_]*$", column))])])
    error_message = "deleted_flag_column and bookmark_keys must name columns as the Glue catalog does, in lower case (letters, digits, underscores). Not so in: ${join(", ", [for name, table in var.tables : name if !alltrue([for column in concat(compact([table.deleted_flag_column]), coalesce(table.bookmark_keys, [])) : can(regex("^[a-z_][a-z0-9_]*$", column))])])}."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : contains(["keep", "mirror"], table.deletes)])
    error_message = "A table's deletes must be \"keep\" (rows deleted at the source stay) or \"mirror\" (they leave the current state). Not so for: ${join(", ", [for name, table in var.tables : name if !contains(["keep", "mirror"], table.deletes)])}."
  }

  # Only a MERGE into the current state can delete a row; the Parquet history keeps every run's rows as they came.
  validation {
    condition     = var.cleansed_format == "iceberg" || alltrue([for table in values(var.tables) : table.deletes == "keep" && table.deleted_flag_column == null])
    error_message = "deletes = \"mirror\" and deleted_flag_column remove rows from the current state, which only cleansed_format = \"iceberg\" keeps (the Parquet history keeps every row as it came): set cleansed_format = \"iceberg\", or remove them from: ${join(", ", [for name, table in var.tables : name if table.deletes != "keep" || table.deleted_flag_column != null])}."
  }

  # A bookmarked extract holds only the rows past the bookmark: every other key would look deleted.
  validation {
    condition     = alltrue([for table in values(var.tables) : !(table.deletes == "mirror" && coalesce(table.job_bookmarks, var.job_bookmarks_enabled))])
    error_message = "deletes = \"mirror\" needs the whole source table in each extract, and a bookmarked extract holds only the rows past the bookmark (every other key would be deleted): set job_bookmarks = false on, or remove deletes = \"mirror\" from: ${join(", ", [for name, table in var.tables : name if table.deletes == "mirror" && coalesce(table.job_bookmarks, var.job_bookmarks_enabled)])}."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : table.deleted_flag_column == null || contains(["boolean", "timestamp"], lookup(table.column_types, coalesce(table.deleted_flag_column, "-"), "-"))])
    error_message = "A table's deleted_flag_column must be one of its column_types, typed boolean (true: deleted) or timestamp (set: deleted), e.g. column_types = { is_deleted = \"boolean\" }. Not so for: ${join(", ", [for name, table in var.tables : name if table.deleted_flag_column != null && !contains(["boolean", "timestamp"], lookup(table.column_types, coalesce(table.deleted_flag_column, "-"), "-"))])}."
  }

  # Every row has an order_by_column, and every key its key_columns: as the flag, they would delete every row.
  validation {
    condition     = alltrue([for table in values(var.tables) : table.deleted_flag_column == null || !contains(concat(table.key_columns, compact([table.order_by_column])), coalesce(table.deleted_flag_column, "-"))])
    error_message = "A table's deleted_flag_column must be a column of its own, not one of its key_columns or its order_by_column (set on every row, it would delete every row). Not so for: ${join(", ", [for name, table in var.tables : name if table.deleted_flag_column != null && contains(concat(table.key_columns, compact([table.order_by_column])), coalesce(table.deleted_flag_column, "-"))])}."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : contains(["asc", "desc"], table.bookmark_keys_sort_order)])
    error_message = "A table's bookmark_keys_sort_order must be \"asc\" (the keys only grow) or \"desc\" (they only shrink). Not so for: ${join(", ", [for name, table in var.tables : name if !contains(["asc", "desc"], table.bookmark_keys_sort_order)])}."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : table.bookmark_keys == null || try(length(table.bookmark_keys) > 0 && length(distinct(table.bookmark_keys)) == length(table.bookmark_keys), false)])
    error_message = "A table's bookmark_keys names at least one column, each once (or is left out: Glue then compares the primary key). Not so for: ${join(", ", [for name, table in var.tables : name if table.bookmark_keys != null && !try(length(table.bookmark_keys) > 0 && length(distinct(table.bookmark_keys)) == length(table.bookmark_keys), false)])}."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : table.bookmark_keys != null || table.bookmark_keys_sort_order == "asc"])
    error_message = "bookmark_keys_sort_order orders a table's bookmark_keys: set bookmark_keys too, or remove bookmark_keys_sort_order from: ${join(", ", [for name, table in var.tables : name if table.bookmark_keys == null && table.bookmark_keys_sort_order != "asc"])}."
  }

  validation {
    condition     = alltrue([for table in values(var.tables) : table.bookmark_keys == null || coalesce(table.job_bookmarks, var.job_bookmarks_enabled)])
    error_message = "bookmark_keys choose what a table's job bookmark compares, so they need its bookmarks on: set job_bookmarks = true (or job_bookmarks_enabled), or remove bookmark_keys from: ${join(", ", [for name, table in var.tables : name if table.bookmark_keys != null && !coalesce(table.job_bookmarks, var.job_bookmarks_enabled)])}."
  }
}

variable "tags" {
  description = "Tags applied to every resource that supports them."
  type        = map(string)
  default     = {}
}

################################################################################
# Storage
################################################################################

variable "create_bucket" {
  description = "Create the data lake bucket. Set to false and give `bucket_name` to use an existing bucket."
  type        = bool
  default     = true
}

variable "bucket_name" {
  description = "Name of the data lake bucket. Required when `create_bucket` is false; when null the created bucket is named `<name_prefix>-datalake-<account id>`."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens."
  }

  validation {
    condition     = var.create_bucket || var.bucket_name != null
    error_message = "bucket_name is required when create_bucket is false: name the existing bucket to use."
  }
}

variable "bucket_force_destroy" {
  description = "Allow `terraform destroy` to delete the created bucket even when it holds objects. Leave false in production."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for the bucket, the Glue, Lambda and state machine logs, the job bookmarks and the notification topic. Its key policy must let CloudWatch Logs (`logs.<region>.amazonaws.com`, for the account's log groups), EventBridge (`events.amazonaws.com`) and, with alarms, CloudWatch (`cloudwatch.amazonaws.com`) use the key (`kms:Decrypt`, `kms:GenerateDataKey*`: both publish to the topic, https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html), and let the account's IAM policies grant it, as the module grants its roles through IAM; see \"Using a customer-managed KMS key\" in docs/security.md. When null, S3 uses SSE-S3 (AES256) and the logs and topic no KMS key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/<id>."
  }
}

variable "raw_retention_days" {
  description = "Days the extracts under raw/<name_prefix>/ are kept before S3 deletes them (null: kept forever). Default 30: each raw folder is one run's copy of the source, personal data included, and once the cleanse job has cleansed it the cleansed table is the lasting copy; a month leaves time to rerun or investigate a run. Overwritten or expired versions go a day later. Applied as a lifecycle rule of the bucket the module creates; with create_bucket = false the bucket's lifecycle configuration stays its owner's (a bucket has one, and the module would replace it): add the rule yourself for the prefix in the `lake_prefixes` output."
  type        = number
  default     = 30

  validation {
    condition     = var.raw_retention_days == null || try(var.raw_retention_days >= 1 && floor(var.raw_retention_days) == var.raw_retention_days, false)
    error_message = "raw_retention_days must be a whole number of days, 1 or more, or null to keep the raw extracts forever."
  }
}

variable "quarantine_retention_days" {
  description = "Days the rejected rows under quarantine/<name_prefix>/ are kept before S3 deletes them (null: kept forever). Default 90: they are raw source rows, personal data included, kept to be reviewed and fixed at the source; a quarter leaves time for that while bounding how long they rest. Overwritten or expired versions go a day later. Applied as a lifecycle rule of the bucket the module creates; with create_bucket = false the bucket's lifecycle configuration stays its owner's (a bucket has one, and the module would replace it): add the rule yourself for the prefix in the `lake_prefixes` output."
  type        = number
  default     = 90

  validation {
    condition     = var.quarantine_retention_days == null || try(var.quarantine_retention_days >= 1 && floor(var.quarantine_retention_days) == var.quarantine_retention_days, false)
    error_message = "quarantine_retention_days must be a whole number of days, 1 or more, or null to keep the quarantined rows forever."
  }
}

################################################################################
# Catalog and source
################################################################################

variable "database_name" {
  description = "Glue catalog database holding the source, raw and cleansed tables. When null it is `<name_prefix>` with hyphens replaced by underscores."
  type        = string
  default     = null

  validation {
    condition     = var.database_name == null || can(regex("^[a-z][a-z0-9_]{0,254}$", var.database_name))
    error_message = "database_name must start with a lower-case letter and contain only lower-case letters, digits and underscores."
  }
}

variable "jdbc_source" {
  description = <<-EOT
    JDBC source (e.g. RDS PostgreSQL) whose tables (each table's `source_table`) a source crawler catalogs and the extract job reads. When null, give `source_database_name` instead.
    - connection_url: JDBC URL, e.g. jdbc:postgresql://host:5432/sales
    - secret_arn: Secrets Manager secret holding `username` and `password` (the password is never a Terraform variable)
    - schema_path: where the tables are, `<database>/<schema>` (e.g. sales/public), or `<database>` for databases without schemas (MySQL); the source crawler's include path of a table is `<schema_path>/<source_table>`
    - subnet_id, security_group_ids, availability_zone: network placement of the Glue connection (needed for a database inside a VPC); availability_zone defaults to the subnet's, which Glue requires whenever a subnet is set
    - require_tls: the connection's `JDBC_ENFORCE_SSL` (default true): Glue connects only over TLS, verifying the server's certificate and host name, and the source crawler and the extract job fail if it cannot. false leaves TLS to the driver's default, which does not verify the server: the login and the rows may then travel unencrypted or to an impostor
    - tls_certificate_s3_path: the connection's `CUSTOM_JDBC_CERT`, the s3:// location of the root certificate (X.509, PEM; signed SHA256withRSA, SHA384withRSA or SHA512withRSA with an RSA key of at least 2048 bits, or Glue refuses it) the server's certificate must chain to, e.g. the root of your Amazon RDS instance's CA (rds-ca-rsa2048-g1 or rds-ca-rsa4096-g1) in your region, or your own CA's; null: Glue's default certificates. The extract job and the source crawler are granted s3:GetObject on it (and need kms:Decrypt on its key if it is SSE-KMS encrypted with a key other than `kms_key_arn`)
  EOT
  type = object({
    connection_url          = string
    secret_arn              = string
    schema_path             = string
    subnet_id               = optional(string)
    security_group_ids      = optional(list(string), [])
    availability_zone       = optional(string)
    require_tls             = optional(bool, true)
    tls_certificate_s3_path = optional(string)
  })
  default = null

  validation {
    condition     = var.jdbc_source == null || can(regex("^jdbc:[a-z0-9]+://", var.jdbc_source.connection_url))
    error_message = "jdbc_source.connection_url must be a JDBC URL such as jdbc:postgresql://host:5432/database."
  }

  # A login in the URL would be stored in the connection (GetConnection shows it), in Terraform state, and in
  # the driver's error messages that reach the alerts: user:password@host or user@host before the host, or
  # user=/password= parameters (after ? or &, or ; as SQL Server separates them).
  validation {
    condition = var.jdbc_source == null || !can(regex(
      "(?i)(^jdbc:[a-z0-9]+://[^/?;]*@)|([?&;](user|username|password)=)",
      var.jdbc_source.connection_url
    ))
    error_message = "jdbc_source.connection_url must not carry credentials (user:password@host, user@host, user= or password= parameters): put the username and password in the Secrets Manager secret jdbc_source.secret_arn names."
  }

  validation {
    condition     = var.jdbc_source == null || try(var.jdbc_source.tls_certificate_s3_path == null || can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^[:space:]]*[^/[:space:]]$", var.jdbc_source.tls_certificate_s3_path)), false)
    error_message = "jdbc_source.tls_certificate_s3_path must be the s3:// location of a certificate object, e.g. s3://my-bucket/certificates/rds-ca.pem."
  }

  validation {
    condition     = var.jdbc_source == null || try(var.jdbc_source.tls_certificate_s3_path == null || var.jdbc_source.require_tls, false)
    error_message = "jdbc_source.tls_certificate_s3_path is used only when jdbc_source.require_tls is true: Glue verifies the server against it only when it requires TLS."
  }

  validation {
    condition     = var.jdbc_source == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.jdbc_source.secret_arn))
    error_message = "jdbc_source.secret_arn must be the ARN of a Secrets Manager secret holding username and password."
  }

  validation {
    condition     = var.jdbc_source == null || can(regex("^[^/%]+(/[^/%]+)?$", var.jdbc_source.schema_path))
    error_message = "jdbc_source.schema_path must be <database>/<schema>, e.g. sales/public, or <database> for a database without schemas; the tables are named in tables.<name>.source_table."
  }

  # jobBookmarkKeys are options of a JDBC read; an S3 source's bookmark follows its files
  # (https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html). Checked
  # here rather than on tables, so that the tables' own checks need no other variable but plain ones.
  validation {
    condition     = var.jdbc_source != null || alltrue([for table in values(var.tables) : table.bookmark_keys == null])
    error_message = "bookmark_keys are options of a JDBC source's bookmark (an S3 source's bookmark follows its files): set jdbc_source, or remove bookmark_keys from: ${join(", ", [for name, table in var.tables : name if table.bookmark_keys != null])}."
  }
}

variable "source_database_name" {
  description = "Catalog database holding the tables' `source_table`s when there is no `jdbc_source`, e.g. the database of a landing zone cataloged by a crawler of your own. Not used with `jdbc_source`, whose tables the source crawler writes to the module's database."
  type        = string
  default     = null

  validation {
    condition     = var.source_database_name == null || can(regex("^[a-z][a-z0-9_]{0,254}$", var.source_database_name))
    error_message = "source_database_name must start with a lower-case letter and contain only lower-case letters, digits and underscores."
  }

  validation {
    condition     = var.source_database_name == null || var.jdbc_source == null
    error_message = "source_database_name is for source tables of your own; with jdbc_source the source crawler writes the tables to the module's database: leave source_database_name null."
  }

  validation {
    condition     = var.source_database_name != null || var.jdbc_source != null
    error_message = "The pipeline needs a source: set jdbc_source, or source_database_name to the catalog database holding the tables' source_table."
  }
}

variable "source_s3_arns" {
  description = "S3 locations the extract job reads when the source tables are catalog tables over S3 (outside the module's bucket): the bucket ARN, which grants s3:ListBucket, and object ARNs or patterns, which grant s3:GetObject, e.g. [\"arn:aws:s3:::landing\", \"arn:aws:s3:::landing/orders/*\"]."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.source_s3_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$", arn))])
    error_message = "Every entry of source_s3_arns must be an S3 bucket ARN (arn:aws:s3:::<bucket>) or object ARN or pattern (arn:aws:s3:::<bucket>/<prefix>*)."
  }
}

variable "lake_formation_enabled" {
  description = "Grant lakeformation:GetDataAccess to the Glue job and crawler roles, which they need when Lake Formation governs the catalog and the data lake location. You must still grant the roles Lake Formation permissions on the database, its tables and the data location."
  type        = bool
  default     = false
}

################################################################################
# Glue jobs
################################################################################

variable "glue_version" {
  description = "Glue version of both jobs: \"5.1\" (Spark 3.5.6, Python 3.11, Iceberg 1.10.0), \"5.0\" (Spark 3.5.4, Python 3.11, Iceberg 1.7.1), \"6.0\" (Spark 4.1.1, Python 3.13, Iceberg 1.11.0) or \"6.1\" (Spark 4.1.3, Python 3.14, and Graviton worker types). The glue_runtime output says what the jobs run; README \"Glue versions\" what is proven locally and how to choose."
  type        = string
  default     = "5.1"
  # null (e.g. an example's unset pass-through variable) means the default: the module always names
  # the version, so the API's own default for a job without one never applies.
  nullable = false

  # Each version's runtime: https://docs.aws.amazon.com/glue/latest/dg/migrating-version-51.html,
  # https://docs.aws.amazon.com/glue/latest/dg/migrating-version-60.html,
  # https://docs.aws.amazon.com/glue/latest/dg/migrating-version-61.html. "auto" hands the choice to
  # Glue, which upgrades an approved job to its latest version and, when an upgraded run fails,
  # retries it on the previous one after it may have written data:
  # https://docs.aws.amazon.com/glue/latest/dg/auto-version-upgrades.html
  validation {
    condition     = contains(["5.0", "5.1", "6.0", "6.1"], var.glue_version)
    error_message = "glue_version must be \"5.0\", \"5.1\", \"6.0\" or \"6.1\": the job scripts need Python 3.11 or later (Glue 4.0 runs Python 3.10, on which they fail), and \"auto\" would let Glue move the jobs to a version this module has not been proven on, retrying a failed run on the old one after it may have written data."
  }
}

variable "worker_type" {
  description = "Glue worker type of both jobs, one of the Spark ETL worker types of its Glue version: G.1X, G.2X, G.4X, G.8X, G.12X, G.16X or R.1X to R.8X (x86; the larger ones in select Regions only) and, with glue_version \"6.1\" only, their Graviton (arm64) forms G.1X.GRAVITON to G.16X.GRAVITON and R.1X.GRAVITON to R.8X.GRAVITON. On 6.1 the names without .GRAVITON stay x86: Glue's Graviton default is for jobs created without a worker type, which this module never creates. The aws provider must know the name too: 5.100.0 knows G.1X, G.2X, G.4X and G.8X only, G.12X, G.16X and R.*X need a newer one, and no provider release known on 2026-12-07 knows the .GRAVITON names."
  type        = string
  default     = "G.1X"

  # The worker types Glue documents for Spark ETL (glueetl) jobs of Glue 5.0 to 6.1; G.025X is for
  # streaming jobs only. https://docs.aws.amazon.com/glue/latest/dg/worker-types.html
  # https://docs.aws.amazon.com/glue/latest/webapi/API_CreateJob.html (WorkerType)
  validation {
    condition     = contains(["G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X"], trimsuffix(var.worker_type, ".GRAVITON"))
    error_message = "worker_type must be a worker type of Spark ETL jobs: G.1X, G.2X, G.4X, G.8X, G.12X, G.16X, R.1X, R.2X, R.4X or R.8X, or on Glue 6.1 one of their Graviton forms such as G.1X.GRAVITON (G.025X is for streaming jobs only)."
  }

  # Graviton (arm64) worker types, G.1X.GRAVITON to G.16X.GRAVITON and R.1X.GRAVITON to
  # R.8X.GRAVITON, come with Glue 6.1: https://docs.aws.amazon.com/glue/latest/dg/migrating-version-61.html
  validation {
    condition     = !endswith(var.worker_type, ".GRAVITON") || var.glue_version == "6.1"
    error_message = "worker_type ${var.worker_type} is a Graviton (arm64) worker type, which Glue has from version 6.1 on: set glue_version = \"6.1\", or choose ${trimsuffix(var.worker_type, ".GRAVITON")} (x86) on Glue ${var.glue_version}."
  }
}

variable "number_of_workers" {
  description = "Number of Glue workers of each job run; a table's own `number_of_workers` overrides it for its runs."
  type        = number
  default     = 2

  validation {
    condition     = var.number_of_workers >= 2 && var.number_of_workers <= 299 && floor(var.number_of_workers) == var.number_of_workers
    error_message = "number_of_workers must be a whole number from 2 to 299 (Glue needs at least 2 workers)."
  }
}

variable "job_timeout_minutes" {
  description = "Timeout of each job run, in minutes. The state machine's task timeouts are derived from it."
  type        = number
  default     = 60

  validation {
    condition     = var.job_timeout_minutes >= 1 && var.job_timeout_minutes <= 2880 && floor(var.job_timeout_minutes) == var.job_timeout_minutes
    error_message = "job_timeout_minutes must be a whole number from 1 to 2880 (48 hours)."
  }
}

variable "job_max_retries" {
  description = "Times Glue itself retries a failed job run."
  type        = number
  default     = 0

  validation {
    condition     = var.job_max_retries >= 0 && var.job_max_retries <= 10 && floor(var.job_max_retries) == var.job_max_retries
    error_message = "job_max_retries must be a whole number from 0 to 10."
  }
}

variable "job_bookmarks_enabled" {
  description = "Enable Glue job bookmarks (the default of each table's `job_bookmarks`), so that the extract job reads only the source rows added since its last successful run: for a JDBC source, rows whose primary key is greater than the last one read, so the key must only grow, and updated or deleted rows are not seen (a table's `bookmark_keys` on an update timestamp catch updates). A rerun of a run id whose extract exists keeps that extract."
  type        = bool
  default     = false
}

variable "flex_execution" {
  description = "Run the jobs with the FLEX execution class (cheaper, may start later). Needs G.1X or G.2X workers."
  type        = bool
  default     = false

  # Flex runs only on G.1X and G.2X workers: https://docs.aws.amazon.com/glue/latest/dg/add-job.html (Job run class / Flex).
  # That page names no Graviton worker type (Glue 6.1's G.*X.GRAVITON), so those are refused until
  # AWS documents Flex on them.
  validation {
    condition     = !var.flex_execution || contains(["G.1X", "G.2X"], var.worker_type)
    error_message = "flex_execution needs worker_type G.1X or G.2X (x86: AWS documents Flex for no Graviton worker type)."
  }
}

variable "prices" {
  description = "USD prices the run report estimates each run's cost with (its `cost` and the EstimatedCost metric; Step Functions runs only, as a Glue workflow run has no report); prices differ by region and these defaults are AWS's published us-east-1 list prices: a DPU-hour of a standard and of a Flex job run and of a crawler (https://aws.amazon.com/glue/pricing/; with R.* workers, the M-DPU-hour), a standard workflow's state transition (https://aws.amazon.com/step-functions/pricing/), a GB-second of an Arm function and a request (https://aws.amazon.com/lambda/pricing/). Free tiers and discounts are not applied."
  type = object({
    glue_dpu_hour      = optional(number, 0.44)
    glue_flex_dpu_hour = optional(number, 0.29)
    crawler_dpu_hour   = optional(number, 0.44)
    state_transition   = optional(number, 0.000025)
    lambda_gb_second   = optional(number, 0.0000133334)
    lambda_request     = optional(number, 0.0000002)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for price in values(var.prices) : price >= 0])
    error_message = "prices must not be negative."
  }
}

variable "job_extra_arguments" {
  description = "Extra default arguments for both jobs, e.g. { \"--enable-auto-scaling\" = \"true\" }. Keys start with `--`."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key in keys(var.job_extra_arguments) : startswith(key, "--")])
    error_message = "Every key of job_extra_arguments must start with \"--\", as Glue job arguments do."
  }
}

################################################################################
# Lambdas and logs
################################################################################

variable "cleansed_format" {
  description = <<-EOT
    How the cleanse job keeps the cleansed rows (README, "Modes"):
    - "parquet": history. Each run adds a table's rows as Parquet under `cleansed/<name_prefix>/<name>/<ingestion date>/run_id=<run>/`, cataloged by the cleansed crawler as `cleansed_<name>`: after N runs the table holds N copies of a key.
    - "iceberg": current state. Each run MERGEs a table's rows into the Iceberg table `cleansed_<name>` (the Iceberg of the jobs' Glue version, see glue_runtime; a format v2 table, registered in the Glue Data Catalog by the job itself, no cleansed crawler): one row per key, the newer by the table's `order_by_column` winning, earlier states kept as snapshots.
  EOT
  type        = string
  default     = "parquet"

  validation {
    condition     = contains(["parquet", "iceberg"], var.cleansed_format)
    error_message = "cleansed_format must be \"parquet\" (a history of runs) or \"iceberg\" (the current state, one row per key)."
  }

  validation {
    condition     = var.cleansed_format != "iceberg" || length(setintersection(keys(var.job_extra_arguments), ["--conf", "--datalake-formats"])) == 0
    error_message = "With cleansed_format = \"iceberg\" the module sets the cleanse job's --conf and --datalake-formats for Iceberg: remove them from job_extra_arguments."
  }
}

variable "catalog_updates" {
  description = <<-EOT
    What keeps the lake's catalog tables (raw_<table>, cleansed_<table>) current after each run:
    - "crawlers": the raw crawler after the extract jobs and, with cleansed_format = "parquet", the cleansed crawler after the cleanse jobs, one crawl of each a run (AWS bills a crawl at least 10 minutes of a DPU: https://aws.amazon.com/glue/pricing/).
    - "jobs": each job catalogs what it wrote, through the Glue API under its own role (https://docs.aws.amazon.com/glue/latest/dg/update-from-job.html): the extract job creates or updates raw_<table> and its run's partition, the cleanse job cleansed_<table> and the partitions its run wrote (Parquet; an Iceberg table is the cleanse job's in either mode). No raw or cleansed crawler, and no crawl in a run: crawler_wait and the crawler_* settings then change nothing. Unlike the raw crawler with raw_retention_days, nothing drops the partitions of raw files that have expired: they stay in raw_<table> and read as empty.
    The source crawler of a jdbc_source stays in both modes: it reads the source's schema.
  EOT
  type        = string
  default     = "crawlers"
  nullable    = false

  validation {
    condition     = contains(["crawlers", "jobs"], var.catalog_updates)
    error_message = "catalog_updates must be \"crawlers\" (the raw and cleansed crawlers catalog each run's output) or \"jobs\" (each job catalogs what it wrote; no lake crawler)."
  }
}

variable "max_quarantine_ratio" {
  description = "Quality gate: when the cleanse job quarantines more than this share of a run's input (0 to 1, e.g. 0.05), it publishes nothing (no cleansed partition, no MERGE commit), still writes the quarantine, and the run fails with QualityGateFailed naming the ratio and the top reasons. null turns the gate off."
  type        = number
  default     = null

  validation {
    condition     = var.max_quarantine_ratio == null || try(var.max_quarantine_ratio >= 0 && var.max_quarantine_ratio < 1, false)
    error_message = "max_quarantine_ratio must be null (no gate) or a share from 0 (no row may be quarantined) to below 1, e.g. 0.05."
  }
}

variable "max_deleted_ratio" {
  description = "Quality gate of the tables with deletes = \"mirror\": a run that would delete more than this share of a table's current rows (0 to 1) publishes nothing (no MERGE commit) and fails with QualityGateFailed, so that an unreachable or truncated source never empties the table. 1 turns the check off; a real mass delete above the share then needs one run with a higher value."
  type        = number
  default     = 0.1
  nullable    = false

  validation {
    condition     = var.max_deleted_ratio >= 0 && var.max_deleted_ratio <= 1
    error_message = "max_deleted_ratio must be a share from 0 (no current row may be deleted by a mirror run) to 1 (no limit), e.g. 0.1."
  }
}

variable "log_retention_days" {
  description = "Retention of the Lambda, state machine and Glue job log groups, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "lambda_timeout_seconds" {
  description = "Timeout of the crawler Lambdas, in seconds."
  type        = number
  default     = 30

  validation {
    condition     = var.lambda_timeout_seconds >= 3 && var.lambda_timeout_seconds <= 300
    error_message = "lambda_timeout_seconds must be from 3 to 300: the Lambdas make one Glue API call each."
  }
}

################################################################################
# Orchestration
################################################################################

variable "orchestration" {
  description = "What runs the pipeline: \"step_functions\" (a state machine and its Lambdas: a failed table stops only itself, a run report, crawler_wait) or \"glue_workflow\" (a Glue workflow of triggers, its graph in the Glue console: no Lambda, no state machine; each table gets its own two jobs, and a failed job or crawl stops the stages after it for every table). Both alert on failure through the notification topic."
  type        = string
  default     = "step_functions"

  validation {
    condition     = contains(["step_functions", "glue_workflow"], var.orchestration)
    error_message = "orchestration must be \"step_functions\" or \"glue_workflow\"."
  }

  validation {
    condition     = var.orchestration != "glue_workflow" || var.schedule_expression == null || startswith(coalesce(var.schedule_expression, "-"), "cron(")
    error_message = "With orchestration = \"glue_workflow\", schedule_expression must be cron(...): a Glue scheduled trigger takes no rate()."
  }

  # Two jobs a table, the lake crawlers (none with catalog_updates = "jobs") and a trigger a stage
  # (each crawl a stage), and one for each batch of max_concurrency jobs after a stage's first: Glue
  # supports at most 100 jobs, crawlers and triggers in one workflow
  # (https://docs.aws.amazon.com/glue/latest/dg/blueprint_workflow_restrictions.html).
  validation {
    condition = var.orchestration != "glue_workflow" || (
      2 * length(var.tables) + (var.catalog_updates == "jobs" ? 2 : var.cleansed_format == "iceberg" ? 4 : 6) + 2 * (ceil(length(var.tables) / max(var.max_concurrency, 1)) - 1) <= 100
    )
    error_message = "A Glue workflow of ${length(var.tables)} tables, ${max(var.max_concurrency, 1)} at a time, holds ${2 * length(var.tables) + (var.catalog_updates == "jobs" ? 2 : var.cleansed_format == "iceberg" ? 4 : 6) + 2 * (ceil(length(var.tables) / max(var.max_concurrency, 1)) - 1)} jobs, crawlers and triggers (two jobs a table, a trigger a stage and one for each further batch of max_concurrency jobs); Glue supports at most 100 in a workflow. Raise max_concurrency, split the tables across module instances, or use orchestration = \"step_functions\"."
  }
}

variable "crawler_wait" {
  description = "How the state machine waits for a crawl to end: \"poll\" checks the crawler's status (crawler_poll_* settings), \"event\" waits with no polling for Glue's crawl-end event (an EventBridge rule, a Lambda and a DynamoDB table of waiting tasks). Both bound each crawl by crawler_timeout_minutes. With catalog_updates = \"jobs\" there is no crawl: neither applies."
  type        = string
  default     = "poll"

  validation {
    condition     = contains(["poll", "event"], var.crawler_wait)
    error_message = "crawler_wait must be \"poll\" or \"event\"."
  }
}

variable "crawler_poll_interval_seconds" {
  description = "First wait between two crawler status checks, in seconds. Each later wait is `crawler_poll_backoff_rate` times longer, up to `crawler_poll_max_interval_seconds`."
  type        = number
  default     = 5

  validation {
    condition     = var.crawler_poll_interval_seconds >= 1 && var.crawler_poll_interval_seconds <= 3600 && floor(var.crawler_poll_interval_seconds) == var.crawler_poll_interval_seconds
    error_message = "crawler_poll_interval_seconds must be a whole number of seconds from 1 to 3600."
  }
}

variable "crawler_poll_backoff_rate" {
  description = "Factor by which each crawler status wait grows over the previous one (1 polls at a fixed interval)."
  type        = number
  default     = 2

  validation {
    condition     = var.crawler_poll_backoff_rate >= 1 && var.crawler_poll_backoff_rate <= 10
    error_message = "crawler_poll_backoff_rate must be from 1 to 10."
  }
}

variable "crawler_poll_max_interval_seconds" {
  description = "Longest wait between two crawler status checks, in seconds."
  type        = number
  default     = 30

  validation {
    condition     = var.crawler_poll_max_interval_seconds >= var.crawler_poll_interval_seconds && var.crawler_poll_max_interval_seconds <= 3600
    error_message = "crawler_poll_max_interval_seconds must be at least crawler_poll_interval_seconds and at most 3600."
  }
}

variable "crawler_timeout_minutes" {
  description = "How long the state machine waits for one crawl to finish before failing the run with a crawler timeout."
  type        = number
  default     = 30

  validation {
    condition     = var.crawler_timeout_minutes >= 1 && var.crawler_timeout_minutes <= 1440 && floor(var.crawler_timeout_minutes) == var.crawler_timeout_minutes
    error_message = "crawler_timeout_minutes must be a whole number from 1 to 1440 (24 hours)."
  }
}

variable "max_concurrency" {
  description = "How many tables a run extracts, or cleanses, at once (the state machine's Map states, and each job's concurrent runs; a Glue workflow starts a stage's jobs in batches of this many). With Step Functions and any table's bookmarks on, the extract job still runs one table at a time: concurrent runs of one job would share its bookmark."
  type        = number
  default     = 4

  validation {
    condition     = var.max_concurrency >= 1 && var.max_concurrency <= 100 && floor(var.max_concurrency) == var.max_concurrency
    error_message = "max_concurrency must be a whole number from 1 to 100."
  }
}

variable "schedule_expression" {
  description = "EventBridge schedule that starts the pipeline, e.g. `cron(0 3 * * ? *)` or `rate(1 day)`. Null: no schedule."
  type        = string
  default     = null

  validation {
    # EventBridge takes the singular unit for 1 and the plural for more, and cron with six fields:
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
    condition     = var.schedule_expression == null || can(regex("^(rate\\(1 (minute|hour|day)\\)|rate\\(([2-9]|[1-9][0-9]+) (minutes|hours|days)\\)|cron\\(\\S+( \\S+){5}\\))$", var.schedule_expression))
    error_message = "schedule_expression must be rate(1 minute|hour|day), rate(<n> minutes|hours|days) for n > 1, or cron(<six fields>), e.g. \"rate(1 day)\", \"rate(6 hours)\" or \"cron(0 3 * * ? *)\"."
  }
}

variable "notify_on_success" {
  description = "Also send each successful run's report (rows read, cleansed, inserted/updated/unchanged, quarantined by reason, step times) to the notification topic (output notification_topic_arn), with the message attribute outcome = succeeded for subscription filters."
  type        = bool
  default     = false
}

variable "notification_emails" {
  description = "E-mail addresses subscribed to the notification topic: failed runs, and with `notify_on_success` each run's report (each address must confirm its subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for email in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "Every entry of notification_emails must be an e-mail address."
  }
}

################################################################################
# Operations: dashboard and alarms
################################################################################

variable "dashboard_enabled" {
  description = "Create the CloudWatch dashboard `<name_prefix>-pipeline` (output dashboard_name): tables succeeded and failed per run, each table's rows per stage (source, raw, cleansed, quarantined), the quarantine ratio, the run's and each stage's duration and its estimated cost. The same widgets in both orchestrations; a widget titled \"(Step Functions runs)\" shows what only a Step Functions run reports."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarms" {
  description = <<-EOT
    CloudWatch alarms on the pipeline's metrics (output alarm_names), each notifying the notification topic when it goes to ALARM (and, with `notify_ok = true`, back to OK: CloudWatch then also sends OK when an alarm first leaves INSUFFICIENT_DATA, after each deployment), each description saying what to do. Each alarm is switched with `enabled`:
    - failed_tables: a failed run (Step Functions: ExecutionsFailed of the state machine, a failed table, crawl or report; Glue workflow: the failed-job EventBridge rule matched, and its failed-crawl rule too, alarm failed_crawls). Default on.
    - quarantine_ratio: a table quarantined more than `threshold` (a share, 0 to 1) of its input in a run. Default on; threshold default 0.2, or half of max_quarantine_ratio when that is lower (a table past max_quarantine_ratio fails and publishes no ratio: the alarm warns before the gate stops it).
    - run_duration: a run took more than `threshold_minutes` (default 120) from its start to its report. Step Functions only: on by default there; a Glue workflow run reports no duration.
    - freshness: no table succeeded in any run for `hours` (at most 168; default two hours past schedule_expression's interval, at least 26), missing data counted as no success, so it is in ALARM from deployment until the first successful run. On by default when schedule_expression runs at least once a week (a rate, or a cron expression of every day); set enabled = true (and hours for a cron of some days only) for pipelines started from elsewhere.
  EOT
  type = object({
    notify_ok = optional(bool, false)
    failed_tables = optional(object({
      enabled = optional(bool, true)
    }), {})
    quarantine_ratio = optional(object({
      enabled   = optional(bool, true)
      threshold = optional(number)
    }), {})
    run_duration = optional(object({
      enabled           = optional(bool)
      threshold_minutes = optional(number, 120)
    }), {})
    freshness = optional(object({
      enabled = optional(bool)
      hours   = optional(number)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarms.quarantine_ratio.threshold == null || try(var.alarms.quarantine_ratio.threshold >= 0 && var.alarms.quarantine_ratio.threshold < 1, false)
    error_message = "alarms.quarantine_ratio.threshold is a share of a table's input rows: from 0 (any quarantined row alarms) to below 1, e.g. 0.2."
  }

  # A table that quarantines more than max_quarantine_ratio fails (the failed_tables alarm) and publishes no ratio.
  validation {
    condition     = !var.alarms.quarantine_ratio.enabled || var.max_quarantine_ratio == null || var.alarms.quarantine_ratio.threshold == null || coalesce(var.alarms.quarantine_ratio.threshold, 0) < coalesce(var.max_quarantine_ratio, 1)
    error_message = "alarms.quarantine_ratio.threshold (${coalesce(var.alarms.quarantine_ratio.threshold, 0)}) must be below max_quarantine_ratio (${coalesce(var.max_quarantine_ratio, 1)}): a table that quarantines more than the gate fails and publishes no ratio, so this alarm could never fire. Lower the threshold (it then warns before the gate stops a table), or leave it unset."
  }

  validation {
    condition     = var.alarms.run_duration.threshold_minutes >= 1 && floor(var.alarms.run_duration.threshold_minutes) == var.alarms.run_duration.threshold_minutes
    error_message = "alarms.run_duration.threshold_minutes must be a whole number of minutes, at least 1, e.g. 120."
  }

  validation {
    condition     = var.alarms.run_duration.enabled != true || var.orchestration != "glue_workflow"
    error_message = "alarms.run_duration needs orchestration = \"step_functions\": a Glue workflow run has no report and publishes no RunSeconds. Remove alarms.run_duration.enabled; the freshness alarm watches a workflow that stops succeeding."
  }

  # Each of the alarm's periods is an hour, and CloudWatch evaluates at most 7 days (Period x
  # EvaluationPeriods <= 604,800 s): https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
  validation {
    condition     = var.alarms.freshness.hours == null || try(var.alarms.freshness.hours >= 1 && var.alarms.freshness.hours <= 168 && floor(var.alarms.freshness.hours) == var.alarms.freshness.hours, false)
    error_message = "alarms.freshness.hours must be a whole number of hours from 1 to 168: CloudWatch evaluates an alarm over at most 7 days. Set it above the time between two scheduled runs, e.g. 26 for a daily run."
  }
}
