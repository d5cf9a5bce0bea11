"""KMS inside the emulator: the customer-managed key a request makes S3, DynamoDB or SNS use for its
caller (`uses`), judged as KMS judges it, by the key policy beside IAM (`keys`); EventBridge
publishing to an encrypted topic by the key policy alone. IAM's enforcement asks it once it has
allowed the request (`local_aws.emulator.iam`)."""
