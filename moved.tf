# Renamed addresses: an existing deployment plans each as a move, not as a destroy and a create.
# Keep them until 1.0. (A moved block takes static addresses only: the per-table keys of a Glue
# workflow's jobs kept their names instead, see workflow_job_key_prefixes in glue.tf.)

# Before 0.1.0: the crawler Lambdas became all the module's Lambdas.
moved {
  from = aws_lambda_function.crawler
  to   = aws_lambda_function.this
}

# 0.2.0: the one role both jobs shared became the extract job's, the crawlers' role the lake
# crawlers'. Their names changed (<prefix>-glue-job, <prefix>-glue-crawler before), so AWS
# replaced them.
moved {
  from = aws_iam_role.glue_job[0]
  to   = aws_iam_role.glue["extract_job"]
}

moved {
  from = aws_iam_role.glue_crawler[0]
  to   = aws_iam_role.glue["lake_crawler"]
}

moved {
  from = aws_iam_role_policy.glue_job[0]
  to   = aws_iam_role_policy.glue["extract_job"]
}

moved {
  from = aws_iam_role_policy.glue_crawler[0]
  to   = aws_iam_role_policy.glue["lake_crawler"]
}

# 0.3.0: one vocabulary, the extract and cleanse jobs and the notification topic. The extract job
# keeps its AWS name (and its bookmark): the move is all. The topic is renamed
# (<prefix>-pipeline-notifications), so AWS replaces it and its policy and subscriptions.
moved {
  from = aws_glue_job.this["raw_job"]
  to   = aws_glue_job.this["extract_job"]
}

moved {
  from = aws_sns_topic.failures
  to   = aws_sns_topic.notifications
}

moved {
  from = aws_sns_topic_policy.failures
  to   = aws_sns_topic_policy.notifications
}

# Every e-mail's instance moves with its key.
moved {
  from = aws_sns_topic_subscription.failure_emails
  to   = aws_sns_topic_subscription.notification_emails
}

# #29: the cleanse stage's trigger follows the raw crawl or, with catalog_updates = "jobs", the
# extract jobs; same AWS name.
moved {
  from = aws_glue_trigger.after_raw_crawl
  to   = aws_glue_trigger.start_cleanse
}
