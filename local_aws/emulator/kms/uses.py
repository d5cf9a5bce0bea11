"""What a request asks of a customer-managed KMS key on its caller's behalf, and the refusal in the
service's own shape when the key policy and IAM (`keys`) do not allow it or the key is disabled.

Each service's rule, as AWS documents it:
- S3 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html and the
  Permissions of each operation in the S3 API Reference): GetObject of an SSE-KMS object needs
  kms:Decrypt; HeadObject reads metadata, which "AWS KMS encrypts only the object data" leaves in
  the clear, and needs nothing; PutObject and CreateMultipartUpload with SSE-KMS, asked for or from
  the bucket's default encryption, need kms:GenerateDataKey; UploadPart and UploadPartCopy need
  kms:Decrypt on the upload's key (API_UploadPart.html: "the requester needs permissions for the
  kms:Decrypt action on the UploadPart and UploadPartCopy APIs"); CopyObject reads its source
  (kms:Decrypt) and writes its target (kms:GenerateDataKey). The encryption context is
  `aws:s3:arn`: the object's ARN, or the bucket's when the object uses an S3 Bucket Key. A refusal
  is S3's 403 AccessDenied with KMS's message.
- DynamoDB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html):
  every item call on a table under a customer-managed key makes DynamoDB Decrypt the table key for
  "the principal in your AWS account who is accessing the table", with encryption context
  aws:dynamodb:tableName and aws:dynamodb:subscriberId. A refusal is AccessDeniedException (HTTP 400),
  "KMS key access denied error: ..." (as AWS answers PutItem, e.g. aws/aws-cdk#10010).
- SNS (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html): "The publisher must have
  the kms:GenerateDataKey and kms:Decrypt permissions" for a topic's KmsMasterKeyId; a refusal is
  KMSAccessDenied (HTTP 400), a disabled key KMSDisabled, as the SNS API Reference lists them.
A service's call to KMS for its caller carries kms:ViaService `<service>.<region>.amazonaws.com`.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from moto.core.exceptions import JsonRESTError
from moto.dynamodb.models import dynamodb_backends
from moto.s3.exceptions import S3ClientError
from moto.s3.models import FakeBucket, FakeKey, s3_backends
from moto.sns.models import sns_backends

from local_aws.emulator.iam.denials import QueryAccessDenied, S3AccessDenied
from local_aws.emulator.iam.policy import ConditionContext
from local_aws.emulator.iam.principals import AssumedRoleIdentity
from local_aws.emulator.iam.requests import RequestFacts
from local_aws.emulator.kms.keys import CustomerKey, KeyRefusal, customer_key, kms_context, role_may_use, service_may_use


@dataclass(frozen=True)
class KeyUse:
    """One KMS action a service performs with `key_id` for its caller."""

    action: str
    key_id: str
    account: str
    region: str
    service: str
    encryption_context: Mapping[str, str] = field(default_factory=dict)

    def key(self) -> CustomerKey | None:
        return customer_key(self.key_id, self.account, self.region)

    def context(self, caller_account: str) -> dict[str, str | list[str]]:
        return kms_context(f"{self.service}.{self.region}.amazonaws.com", caller_account, self.encryption_context)


@dataclass(frozen=True)
class KeyVerdict:
    """The first use refused: by the policies (`refusal`) or because the key is disabled."""

    key: CustomerKey
    refusal: KeyRefusal | None


def judge_role(identity: AssumedRoleIdentity, uses: list[KeyUse], global_context: ConditionContext) -> KeyVerdict | None:
    for use in uses:
        key = use.key()
        if key is None:
            continue
        refusal = role_may_use(identity, key, use.action, {**global_context, **use.context(identity.account)})
        if refusal is not None or not key.enabled:
            return KeyVerdict(key, refusal)
    return None


def _kms_error(verdict: KeyVerdict, principal: str) -> str:
    """KMS's own error, as DynamoDB and SNS pass it on in their messages."""
    if verdict.refusal is not None:
        code, message = "AccessDeniedException", verdict.refusal.message(principal)
    else:
        code, message = "DisabledException", f"{verdict.key.arn} is disabled."
    return f"{message} (Service: AWSKMS; Status Code: 400; Error Code: {code}; Request ID: {uuid.uuid4()}; Proxy: null)"


# ---------------------------------------------------------------- S3


class S3KmsDisabled(S3ClientError):
    """S3 passes on KMS's DisabledException as `KMS.DisabledException`."""

    def __init__(self, key_arn: str) -> None:
        super().__init__("KMS.DisabledException", f"{key_arn} is disabled.")


def _truthy(value: Any) -> bool:
    return str(value).lower() == "true"


def _bucket(account: str, partition: str, name: str) -> FakeBucket | None:
    bucket: FakeBucket | None = s3_backends[account][partition].buckets.get(name)
    return bucket


def _object_read(bucket: FakeBucket, key: Any, account: str) -> list[KeyUse]:
    # A missing key, or a delete marker in a versioned bucket, has no data to decrypt.
    if not isinstance(key, FakeKey) or key.encryption != "aws:kms" or not key.kms_key_id:
        return []
    arn = f"arn:aws:s3:::{bucket.name}" if _truthy(key.bucket_key_enabled) else f"arn:aws:s3:::{bucket.name}/{key.name}"
    return [KeyUse("kms:Decrypt", key.kms_key_id, account, bucket.region_name, "s3", {"aws:s3:arn": arn})]


def _upload_key(bucket: FakeBucket, headers: Mapping[str, str]) -> tuple[str | None, bool]:
    """The key a new object is encrypted under (None: not SSE-KMS, or the AWS managed aws/s3) and
    whether it uses an S3 Bucket Key: the request's headers, else the bucket's default encryption."""
    default = (bucket.encryption or {}).get("Rule", {})
    by_default = default.get("ApplyServerSideEncryptionByDefault", {})
    algorithm = headers.get("x-amz-server-side-encryption") or by_default.get("SSEAlgorithm")
    if algorithm != "aws:kms":
        return None, False
    key_id = headers.get("x-amz-server-side-encryption-aws-kms-key-id")
    if key_id is None and not headers.get("x-amz-server-side-encryption"):
        key_id = by_default.get("KMSMasterKeyID")
    bucket_key = headers.get("x-amz-server-side-encryption-bucket-key-enabled", default.get("BucketKeyEnabled", False))
    return key_id, _truthy(bucket_key)


def _object_write(bucket: FakeBucket, object_name: str, headers: Mapping[str, str], account: str, action: str) -> list[KeyUse]:
    key_id, bucket_key = _upload_key(bucket, headers)
    if not key_id:
        return []
    arn = f"arn:aws:s3:::{bucket.name}" if bucket_key else f"arn:aws:s3:::{bucket.name}/{object_name}"
    return [KeyUse(action, key_id, account, bucket.region_name, "s3", {"aws:s3:arn": arn})]


def _copy_source(account: str, partition: str, header: str) -> list[KeyUse]:
    source_bucket, _, source_key = unquote(header.split("?", 1)[0]).lstrip("/").partition("/")
    bucket = _bucket(account, partition, source_bucket)
    return [] if bucket is None else _object_read(bucket, bucket.keys.get(source_key), account)


def s3_key_uses(handler: Any, resource: str, account: str, partition: str) -> list[KeyUse]:
    """The key uses of the S3 request `handler` is answering, on object `resource`."""
    bucket_name, _, object_name = resource.split(":::", 1)[1].partition("/")
    bucket = _bucket(account, partition, bucket_name)
    query = handler.querystring or {}
    if bucket is None or not object_name or {"acl", "tagging"} & set(query):
        return []
    headers = {name.lower(): value for name, value in handler.headers.items()}
    method = handler.method
    copy_source = headers.get("x-amz-copy-source")
    source = _copy_source(account, partition, copy_source) if copy_source and method == "PUT" else []
    if method == "GET" and "uploadId" not in query:
        return _object_read(bucket, bucket.keys.get(object_name), account)
    if method == "POST" and "uploads" in query:
        return _object_write(bucket, object_name, headers, account, "kms:GenerateDataKey")
    if method == "PUT" and "uploadId" in query:
        # A part is encrypted under the key its upload was created with (moto keeps the
        # CreateMultipartUpload headers on the upload, the bucket's default applies otherwise).
        multipart = bucket.multiparts.get(query["uploadId"][0])
        if multipart is None:
            return []
        created_with = {
            "x-amz-server-side-encryption": multipart.sse_encryption,
            "x-amz-server-side-encryption-aws-kms-key-id": multipart.kms_key_id,
        }
        part_headers = {name: value for name, value in created_with.items() if value}
        return source + _object_write(bucket, object_name, part_headers, account, "kms:Decrypt")
    if method == "PUT":
        return source + _object_write(bucket, object_name, headers, account, "kms:GenerateDataKey")
    return []


def s3_refusal(verdict: KeyVerdict, principal: str) -> Exception:
    if verdict.refusal is not None:
        return S3AccessDenied(verdict.refusal.message(principal))
    return S3KmsDisabled(verdict.key.arn)


# ---------------------------------------------------------------- DynamoDB

DYNAMODB_ITEM_OPERATIONS = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan"}
DYNAMODB_BATCH_OPERATIONS = {"BatchGetItem", "BatchWriteItem"}
DYNAMODB_TRANSACT_OPERATIONS = {"TransactGetItems", "TransactWriteItems"}


def _transact_tables(items: list[dict[str, Any]]) -> list[str]:
    return [str(action.get("TableName", "")) for item in items for action in item.values() if isinstance(action, dict)]


def dynamodb_key_uses(facts: RequestFacts) -> list[KeyUse]:
    if facts.operation in DYNAMODB_ITEM_OPERATIONS:
        tables = [str(facts.parameters.get("TableName", ""))]
    elif facts.operation in DYNAMODB_BATCH_OPERATIONS:
        tables = list(facts.parameters.get("RequestItems", {}))
    elif facts.operation in DYNAMODB_TRANSACT_OPERATIONS:
        tables = _transact_tables(facts.parameters.get("TransactItems", []))
    else:
        return []
    backend = dynamodb_backends[facts.account][facts.region]
    uses = []
    for name in tables:
        table = backend.tables.get(name.rsplit("/", 1)[-1])
        sse = (table.sse_specification or {}) if table is not None else {}
        if table is not None and sse.get("Enabled") is True and sse.get("SSEType", "KMS") == "KMS" and sse.get("KMSMasterKeyId"):
            context = {"aws:dynamodb:tableName": table.name, "aws:dynamodb:subscriberId": facts.account}
            uses.append(KeyUse("kms:Decrypt", str(sse["KMSMasterKeyId"]), facts.account, facts.region, "dynamodb", context))
    return uses


def dynamodb_refusal(verdict: KeyVerdict, principal: str) -> Exception:
    cause = "AWSKMSException" if verdict.refusal is not None else "DisabledException"
    return JsonRESTError(
        "AccessDeniedException", f"KMS key access denied error: com.amazonaws.services.kms.model.{cause}: {_kms_error(verdict, principal)}"
    )


# ---------------------------------------------------------------- SNS

SNS_PUBLISHER_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


def _topic_key_uses(topic_arn: str) -> list[KeyUse]:
    _, _, _, region, account, _ = topic_arn.split(":", 5)
    topic = sns_backends[account][region].topics.get(topic_arn)
    key_id = topic.kms_master_key_id if topic is not None else ""
    return [KeyUse(action, key_id, account, region, "sns") for action in SNS_PUBLISHER_ACTIONS] if key_id else []


def sns_key_uses(facts: RequestFacts) -> list[KeyUse]:
    topic_arn = str(facts.parameters.get("TopicArn", ""))
    if facts.operation not in ("Publish", "PublishBatch") or topic_arn.count(":") != 5:
        return []
    return _topic_key_uses(topic_arn)


class SnsKmsError(QueryAccessDenied):
    """SNS's KMSAccessDenied and KMSDisabled: sender faults, HTTP 400."""

    code = 400


def sns_refusal(verdict: KeyVerdict, principal: str) -> Exception:
    return SnsKmsError("KMSAccessDenied" if verdict.refusal is not None else "KMSDisabled", _kms_error(verdict, principal))


def service_key_refusal(service_principal: str, topic_arn: str) -> str | None:
    """Why an AWS service publishing to `topic_arn` as its own principal (EventBridge delivering a
    rule's event) cannot use the topic's key, or None: only the key policy can allow a service
    principal (sns-key-management.html, "Enable compatibility between event sources from AWS
    services and encrypted topics"). The topic's own policy is judged beside it in
    sns/service_publishes.py."""
    for use in _topic_key_uses(topic_arn):
        key = use.key()
        if key is None:
            continue
        refusal = service_may_use(service_principal, key, use.action, use.context(key.account))
        if refusal is not None:
            return refusal.message(service_principal)
        if not key.enabled:
            return f"{key.arn} is disabled."
    return None


# ---------------------------------------------------------------- the services above, by name


def key_refusal(facts: RequestFacts, identity: AssumedRoleIdentity, global_context: ConditionContext) -> Exception | None:
    """The refusal of a request to a JSON or query service because of the keys it uses, or None."""
    if facts.service == "dynamodb":
        verdict = judge_role(identity, dynamodb_key_uses(facts), global_context)
        return None if verdict is None else dynamodb_refusal(verdict, identity.session_arn)
    if facts.service == "sns":
        verdict = judge_role(identity, sns_key_uses(facts), global_context)
        return None if verdict is None else sns_refusal(verdict, identity.session_arn)
    return None
