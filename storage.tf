resource "aws_s3_bucket" "data_lake" {
  count = var.enabled && var.create_bucket ? 1 : 0

  bucket        = local.bucket_name
  force_destroy = var.bucket_force_destroy
  tags          = local.tags

  #checkov:skip=CKV_AWS_18:Access logging needs a separate log bucket the caller owns; left to the account's logging setup.
  #checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery choice of the caller, not of an ETL module.
  #checkov:skip=CKV2_AWS_62:Event notifications have no consumer in this pipeline; the state machine drives every step.
}

resource "aws_s3_bucket_ownership_controls" "data_lake" {
  count = var.enabled && var.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.data_lake[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "data_lake" {
  count = var.enabled && var.create_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.data_lake[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data_lake" {
  count = var.enabled && var.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.data_lake[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "data_lake" {
  count = var.enabled && var.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.data_lake[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "data_lake" {
  count = var.enabled && var.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.data_lake[0].id

  rule {
    id     = "expire-glue-temporary-files"
    status = "Enabled"
    filter {
      prefix = "temp/"
    }
    expiration {
      days = 7
    }
  }

  rule {
    id     = "tidy-versions-and-uploads"
    status = "Enabled"
    filter {
      prefix = ""
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Personal data rests in raw (each run's extract of the source) and quarantine (rejected source
  # rows): each expires after its retention, and its overwritten or expired versions a day later
  # (the shorter of two overlapping expirations is honoured:
  # https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-conflicts.html). Reports hold
  # counts only and stay; cleansed is the lasting copy.
  dynamic "rule" {
    for_each = local.lake_retention_days
    content {
      id     = "expire-${rule.key}"
      status = "Enabled"
      filter {
        prefix = local.lake_prefixes[rule.key]
      }
      expiration {
        days = rule.value
      }
      noncurrent_version_expiration {
        noncurrent_days = 1
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.data_lake]
}

locals {
  lake_retention_days = { for stage, days in { raw = var.raw_retention_days, quarantine = var.quarantine_retention_days } : stage => days if days != null }
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.bucket_arn, "${local.bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# The policy is only managed on a bucket the module created: an existing bucket's
# policy belongs to its owner and would be overwritten otherwise.
resource "aws_s3_bucket_policy" "data_lake" {
  count = var.enabled && var.create_bucket ? 1 : 0

  bucket = aws_s3_bucket.data_lake[0].id
  policy = data.aws_iam_policy_document.tls_only.json

  depends_on = [aws_s3_bucket_public_access_block.data_lake]
}

locals {
  glue_script_files = fileset("${path.module}/glue_scripts", "*.py")
}

resource "aws_s3_object" "glue_script" {
  for_each = var.enabled ? local.glue_script_files : toset([])

  bucket = var.create_bucket ? aws_s3_bucket.data_lake[0].id : local.bucket_name
  key    = "${local.scripts_prefix}${each.value}"
  source = "${path.module}/glue_scripts/${each.value}"
  # With SSE-KMS the object's ETag is not its MD5, so the content hash is tracked in source_hash instead.
  etag        = var.kms_key_arn == null ? filemd5("${path.module}/glue_scripts/${each.value}") : null
  source_hash = var.kms_key_arn == null ? null : filemd5("${path.module}/glue_scripts/${each.value}")
  tags        = local.tags

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.data_lake]
}
