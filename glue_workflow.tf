################################################################################
# orchestration = "glue_workflow": a Glue workflow of triggers instead of the state machine.
# start (on demand or on schedule_expression) -> each table's extract job -> (all SUCCEEDED) the raw
# crawler -> (SUCCEEDED) each table's cleanse job -> (all SUCCEEDED) the cleansed crawler (Parquet
# only). With catalog_updates = "jobs" the jobs catalog what they write: no crawl, the cleanse jobs
# start once every extract job SUCCEEDED. Each stage's jobs run max_concurrency at a time: a batch starts once every job of the one
# before SUCCEEDED. A trigger's AND never fires when a watched job fails: the run then ends COMPLETED
# with what follows not run, and the failure alerts through EventBridge (https://docs.aws.amazon.com/glue/latest/dg/workflows_overview.html).
################################################################################

locals {
  glue_workflow = var.enabled && local.workflow_mode
  # Keyed by job; the keys of the jobs and triggers keep "raw_job" (workflow_job_key_prefixes, glue.tf).
  workflow_job_keys = {
    for job, prefix in local.workflow_job_key_prefixes : job => [for name in keys(local.tables) : "${prefix}_${name}"]
  }
  # Each stage's jobs in batches of max_concurrency: the first batch starts with the stage, each
  # later one when the batch before it SUCCEEDED (batch_after_batch).
  workflow_job_batches = {
    for stage, jobs in local.workflow_job_keys : stage => chunklist(jobs, var.max_concurrency)
  }
  workflow_later_batches = merge([
    for stage, batches in local.workflow_job_batches : {
      for index in range(1, length(batches)) : "${local.workflow_job_key_prefixes[stage]}_${index}" => { stage = stage, index = index, after = batches[index - 1], jobs = batches[index] }
    }
  ]...)
  # The stages followed by a crawl: the lake crawlers' (glue.tf), none with catalog_updates = "jobs",
  # no crawl of cleansed with Iceberg (the cleanse job registers its tables itself).
  workflow_crawl_stages = {
    for stage, crawl in {
      raw      = { jobs = local.workflow_job_keys.extract_job, crawler = "raw_crawler" }
      cleansed = { jobs = local.workflow_job_keys.cleanse_job, crawler = "cleansed_crawler" }
    } : stage => crawl if local.glue_workflow && contains(local.lake_crawler_keys, crawl.crawler)
  }
  # What fails a workflow's step and alerts: a job run, and a crawl when there are crawls.
  workflow_failure_kinds = local.lake_crawls ? ["job", "crawl"] : ["job"]
  # The workflow's jobs by the prefixes of their names, not each name: EventBridge caps an event
  # pattern at 2,048 characters (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html),
  # which two jobs a table of long names passed from about ten tables.
  workflow_job_name_patterns = [for prefix in values(local.workflow_job_name_prefixes) : { prefix = prefix }]
  # What failed, as the state machine's alert says it: "Pipeline <prefix> run <run> failed at step <step> with <error>: <cause>".
  workflow_failure_messages = {
    job   = "\"Pipeline ${var.name_prefix} workflow run failed at step <job> with JobFailed: job run <run> ended <state>: <message>\""
    crawl = "\"Pipeline ${var.name_prefix} workflow run failed at step <crawler> with CrawlerFailed: Crawler <crawler> ended its last crawl FAILED: <error>\""
  }
}

resource "aws_glue_workflow" "pipeline" {
  count = local.glue_workflow ? 1 : 0

  name        = local.names.workflow
  description = "${local.lake_crawls ? "The extract job for each table, one crawl of raw, the cleanse job for each table, ${local.iceberg_enabled ? "its Iceberg table registered by the cleanse job" : "one crawl of cleansed"}." : "The extract job for each table, then the cleanse job for each table, each job cataloging what it wrote."} Start with a run property run_id=<id> to name the run's folders (default: the workflow run's id)."
  # Overlapping runs would write the same tables at once.
  max_concurrent_runs = 1
  tags                = local.tags
}

resource "aws_glue_trigger" "start" {
  count = local.glue_workflow ? 1 : 0

  name          = "${var.name_prefix}-start"
  workflow_name = aws_glue_workflow.pipeline[0].name
  type          = var.schedule_expression == null ? "ON_DEMAND" : "SCHEDULED"
  schedule      = var.schedule_expression
  # An enabled ON_DEMAND trigger is fired by the provider at apply, which would start a run
  # (hashicorp/terraform-provider-aws#38222); a scheduled one must be enabled to fire.
  enabled = var.schedule_expression != null

  dynamic "actions" {
    for_each = local.workflow_job_batches.extract_job[0]
    content {
      job_name = aws_glue_job.this[actions.value].name
    }
  }

  tags = local.tags
}

resource "aws_glue_trigger" "batch_after_batch" {
  for_each = local.glue_workflow ? local.workflow_later_batches : {}

  name          = "${var.name_prefix}-${each.value.stage == "extract_job" ? "extract" : "cleanse"}-batch-${each.value.index + 1}"
  workflow_name = aws_glue_workflow.pipeline[0].name
  type          = "CONDITIONAL"

  predicate {
    logical = "AND"
    dynamic "conditions" {
      for_each = each.value.after
      content {
        job_name = aws_glue_job.this[conditions.value].name
        state    = "SUCCEEDED"
      }
    }
  }

  dynamic "actions" {
    for_each = each.value.jobs
    content {
      job_name = aws_glue_job.this[actions.value].name
    }
  }

  tags = local.tags
}

# Each crawl follows every job of its stage: it starts once all of them SUCCEEDED.
resource "aws_glue_trigger" "crawl_after_jobs" {
  for_each = local.workflow_crawl_stages

  name          = "${var.name_prefix}-crawl-${each.key}"
  workflow_name = aws_glue_workflow.pipeline[0].name
  type          = "CONDITIONAL"

  predicate {
    logical = "AND"
    dynamic "conditions" {
      for_each = each.value.jobs
      content {
        job_name = aws_glue_job.this[conditions.value].name
        state    = "SUCCEEDED"
      }
    }
  }

  actions {
    crawler_name = aws_glue_crawler.lake[each.value.crawler].name
  }

  tags = local.tags
}

# The cleanse stage starts after the raw crawl or, with catalog_updates = "jobs", once every extract
# job SUCCEEDED.
resource "aws_glue_trigger" "start_cleanse" {
  count = local.glue_workflow ? 1 : 0

  name          = "${var.name_prefix}-cleanse"
  workflow_name = aws_glue_workflow.pipeline[0].name
  type          = "CONDITIONAL"

  predicate {
    logical = "AND"
    dynamic "conditions" {
      for_each = local.raw_crawl ? ["raw_crawler"] : []
      content {
        crawler_name = aws_glue_crawler.lake[conditions.value].name
        crawl_state  = "SUCCEEDED"
      }
    }
    dynamic "conditions" {
      for_each = local.raw_crawl ? [] : local.workflow_job_keys.extract_job
      content {
        job_name = aws_glue_job.this[conditions.value].name
        state    = "SUCCEEDED"
      }
    }
  }

  dynamic "actions" {
    for_each = local.workflow_job_batches.cleanse_job[0]
    content {
      job_name = aws_glue_job.this[actions.value].name
    }
  }

  tags = local.tags
}

# Failure alerts: Glue sends "Glue Job State Change" (FAILED, TIMEOUT, STOPPED) and "Glue Crawler
# State Change" (Failed) for the runs a workflow starts
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/events/EventTypes.html#glue-event-types).
resource "aws_cloudwatch_event_rule" "workflow_step_failed" {
  for_each = local.glue_workflow ? toset(local.workflow_failure_kinds) : toset([])

  name        = "${var.name_prefix}-workflow-${each.key}-failed"
  description = "A ${each.key} of the ${var.name_prefix} workflow failed: one message to the notification topic."
  event_pattern = each.key == "job" ? jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Job State Change"]
    detail        = { jobName = local.workflow_job_name_patterns, state = ["FAILED", "TIMEOUT", "STOPPED"] }
    }) : jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Crawler State Change"]
    detail        = { crawlerName = [for crawler in aws_glue_crawler.lake : crawler.name], state = ["Failed"] }
  })
  tags = local.tags
}

resource "aws_cloudwatch_event_target" "workflow_step_failed" {
  for_each = aws_cloudwatch_event_rule.workflow_step_failed

  rule = each.value.name
  arn  = aws_sns_topic.notifications[0].arn

  input_transformer {
    input_paths = each.key == "job" ? {
      job     = "$.detail.jobName"
      run     = "$.detail.jobRunId"
      state   = "$.detail.state"
      message = "$.detail.message"
      } : {
      crawler = "$.detail.crawlerName"
      error   = "$.detail.errorMessage"
    }
    input_template = local.workflow_failure_messages[each.key]
  }
}
