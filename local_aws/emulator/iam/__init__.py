"""IAM as AWS judges it, inside the emulator: every pipeline component acts under its own role.

How one request is judged:
1. `principals`: the SigV4 access key names the signer; the administrator key ("test": Terraform,
   tests, the demo) is not judged, assumed-role credentials are, against that role's policies.
2. `requests`: the action, every resource ARN AWS authorizes it on, and the condition keys the
   request really carries (s3:prefix only on list requests, cloudwatch:namespace, global keys).
3. `policy`: AWS's evaluation logic: explicit Deny wins, then Allow, else implicit deny.
4. `denials`: a refusal in the service's own error shape and AWS's message.
5. `local_aws.emulator.kms`: the customer-managed KMS key the allowed request makes S3, DynamoDB or
   SNS use for the caller (an SSE-KMS object, an encrypted table or topic), judged as KMS judges
   it: the key policy beside IAM; EventBridge publishing to an encrypted topic by the key policy alone.
`service_roles` is how Lambda, Glue and Step Functions obtain role credentials: sts:AssumeRole as
their service principal, allowed by the role's trust policy or refused.
`enforcement` puts it in place of moto's authorization hook.
"""
