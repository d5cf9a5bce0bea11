"""A customer-managed KMS key is judged as AWS judges it when S3, DynamoDB or SNS use it for a
caller: the caller needs the KMS action on the key, allowed by the key policy directly or by IAM
when the key policy delegates to the account; an AWS service publishing as itself needs the key
policy; each refusal in the service's own shape."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from tests.roles import clients_as, create_service_role
from tests.session import TEST_REGION
from tests.topic_policies import allow_rule_to_publish

ACCOUNT = "123456789012"
BUCKET = "kms-lake"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/probe/probe-session"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/probe"
ENABLE_IAM_POLICIES = {
    "Sid": "EnableIamPolicies",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*",
    "Resource": "*",
}


def create_key(*statements: dict[str, Any]) -> str:
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    arn: str = client("kms").create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]
    return arn


def as_probe(statements: list[dict[str, Any]]) -> Any:
    """A client factory signing as role `probe`, holding `statements`."""
    return clients_as(create_service_role("probe", "lambda.amazonaws.com", statements), "probe-session")


def grant(*statements: dict[str, Any], policy_name: str = "key") -> None:
    """Put `statements` in the inline policy `policy_name` of role probe."""
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement} for statement in statements]}
    client("iam").put_role_policy(RoleName="probe", PolicyName=policy_name, PolicyDocument=json.dumps(document))


def refusal(call: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as refused:
        call()
    error = refused.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], error["Error"].get("Message", "")


def kms_denial(action: str, key_arn: str, policy_type: str = "identity-based") -> str:
    reason = f"because no {policy_type} policy allows the {action} action"
    return f"User: {SESSION} is not authorized to perform: {action} on resource: {key_arn} {reason}"


def encrypted_bucket(key_arn: str, bucket_key: bool = False) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, "BucketKeyEnabled": bucket_key}
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={"Rules": [rule]})
    s3.put_object(Bucket=BUCKET, Key="raw/part-0.csv", Body=b"a")


READ_OBJECTS = {"Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
WRITE_OBJECTS = {"Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}


# ---------------------------------------------------------------- S3


def test_reading_an_sse_kms_object_needs_kms_decrypt_on_its_key_but_its_metadata_does_not(clean_emulator: str) -> None:
    key_arn = create_key(ENABLE_IAM_POLICIES)
    encrypted_bucket(key_arn)
    s3 = as_probe([READ_OBJECTS])("s3")

    assert s3.head_object(Bucket=BUCKET, Key="raw/part-0.csv")["SSEKMSKeyId"] == key_arn
    assert refusal(lambda: s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv")) == (403, "AccessDenied", kms_denial("kms:Decrypt", key_arn))

    grant({"Action": "kms:Decrypt", "Resource": key_arn})
    assert s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv")["Body"].read() == b"a"


def test_writing_under_the_buckets_default_key_needs_kms_generate_data_key(clean_emulator: str) -> None:
    key_arn = create_key(ENABLE_IAM_POLICIES)
    encrypted_bucket(key_arn)
    s3 = as_probe([WRITE_OBJECTS, {"Action": "kms:Decrypt", "Resource": key_arn}])("s3")

    assert refusal(lambda: s3.put_object(Bucket=BUCKET, Key="raw/x", Body=b"x")) == (
        403,
        "AccessDenied",
        kms_denial("kms:GenerateDataKey", key_arn),
    )
    assert refusal(lambda: s3.create_multipart_upload(Bucket=BUCKET, Key="raw/big"))[2] == kms_denial("kms:GenerateDataKey", key_arn)
    # Asking for SSE-S3 instead uses no KMS key.
    s3.put_object(Bucket=BUCKET, Key="raw/x", Body=b"x", ServerSideEncryption="AES256")


def test_a_multipart_upload_needs_generate_data_key_to_start_and_decrypt_for_its_parts(clean_emulator: str) -> None:
    key_arn = create_key(ENABLE_IAM_POLICIES)
    encrypted_bucket(key_arn)
    s3 = as_probe([WRITE_OBJECTS, {"Action": "kms:GenerateDataKey", "Resource": key_arn}])("s3")

    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="raw/big")["UploadId"]
    part = lambda: s3.upload_part(Bucket=BUCKET, Key="raw/big", UploadId=upload_id, PartNumber=1, Body=b"x")  # noqa: E731

    assert refusal(part)[2] == kms_denial("kms:Decrypt", key_arn)


def test_copying_reads_the_source_key_and_writes_under_the_target_key(clean_emulator: str) -> None:
    key_arn = create_key(ENABLE_IAM_POLICIES)
    encrypted_bucket(key_arn)
    s3 = as_probe([READ_OBJECTS, WRITE_OBJECTS, {"Action": "kms:GenerateDataKey", "Resource": key_arn}])("s3")

    copy = lambda: s3.copy_object(Bucket=BUCKET, Key="cleansed/x", CopySource={"Bucket": BUCKET, "Key": "raw/part-0.csv"})  # noqa: E731

    assert refusal(copy)[2] == kms_denial("kms:Decrypt", key_arn)


def test_conditions_on_the_keys_s3_really_sends_are_judged(clean_emulator: str) -> None:
    key_arn = create_key(ENABLE_IAM_POLICIES)
    encrypted_bucket(key_arn, bucket_key=True)
    # With an S3 Bucket Key the encryption context is the bucket's ARN, not the object's.
    through_s3 = {
        "Action": "kms:Decrypt",
        "Resource": key_arn,
        "Condition": {
            "StringEquals": {"kms:ViaService": f"s3.{TEST_REGION}.amazonaws.com", "kms:CallerAccount": ACCOUNT},
            "ArnEquals": {"kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{BUCKET}"},
        },
    }
    s3 = as_probe([READ_OBJECTS, through_s3])("s3")
    assert s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv")["Body"].read() == b"a"

    through_dynamodb = {**through_s3, "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{TEST_REGION}.amazonaws.com"}}}
    grant(READ_OBJECTS, through_dynamodb, policy_name="probe-access")
    assert refusal(lambda: s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv"))[2] == kms_denial("kms:Decrypt", key_arn)


def test_sse_s3_and_the_aws_managed_key_need_no_kms_permission(clean_emulator: str) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="raw/managed", Body=b"m", ServerSideEncryption="aws:kms")
    s3.put_object(Bucket=BUCKET, Key="raw/s3", Body=b"s", ServerSideEncryption="AES256")
    probe = as_probe([READ_OBJECTS, WRITE_OBJECTS])("s3")

    assert probe.get_object(Bucket=BUCKET, Key="raw/managed")["Body"].read() == b"m"
    assert probe.get_object(Bucket=BUCKET, Key="raw/s3")["Body"].read() == b"s"
    probe.put_object(Bucket=BUCKET, Key="raw/new", Body=b"n", ServerSideEncryption="aws:kms", SSEKMSKeyId="alias/aws/s3")


def test_a_disabled_key_refuses_reads_with_kms_disabled_exception(clean_emulator: str) -> None:
    key_arn = create_key(ENABLE_IAM_POLICIES)
    encrypted_bucket(key_arn)
    client("kms").disable_key(KeyId=key_arn.rsplit("/", 1)[1])  # moto's DisableKey takes the key ID only
    s3 = as_probe([READ_OBJECTS, {"Action": "kms:Decrypt", "Resource": key_arn}])("s3")

    assert refusal(lambda: s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv")) == (400, "KMS.DisabledException", f"{key_arn} is disabled.")


# ---------------------------------------------------------------- the key policy beside IAM


def test_a_key_policy_that_does_not_delegate_to_the_account_makes_iam_grants_ineffective(clean_emulator: str) -> None:
    administrator_only = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/administrator"},
        "Action": "kms:*",
        "Resource": "*",
    }
    key_arn = create_key(administrator_only)
    encrypted_bucket(key_arn)
    s3 = as_probe([READ_OBJECTS, {"Action": "kms:Decrypt", "Resource": key_arn}])("s3")

    assert refusal(lambda: s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv"))[2] == kms_denial("kms:Decrypt", key_arn, "resource-based")


def test_a_key_policy_naming_the_role_allows_it_without_an_iam_grant(clean_emulator: str) -> None:
    key_arn = create_key({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:Decrypt", "Resource": "*"})
    encrypted_bucket(key_arn)
    s3 = as_probe([READ_OBJECTS])("s3")

    assert s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv")["Body"].read() == b"a"


def test_an_explicit_deny_in_the_key_policy_wins_over_every_allow(clean_emulator: str) -> None:
    deny = {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:Decrypt", "Resource": "*"}
    key_arn = create_key(ENABLE_IAM_POLICIES, deny)
    encrypted_bucket(key_arn)
    s3 = as_probe([READ_OBJECTS, {"Action": "kms:Decrypt", "Resource": key_arn}])("s3")

    message = refusal(lambda: s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv"))[2]
    assert message.endswith("with an explicit deny in a resource-based policy")


# ---------------------------------------------------------------- DynamoDB


def test_items_of_a_table_under_a_customer_key_need_the_callers_kms_decrypt(clean_emulator: str) -> None:
    key_arn = create_key(ENABLE_IAM_POLICIES)
    client("dynamodb").create_table(
        TableName="crawl-waits",
        KeySchema=[{"AttributeName": "crawler", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "crawler", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn},
    )
    table_arn = f"arn:aws:dynamodb:{TEST_REGION}:{ACCOUNT}:table/crawl-waits"
    dynamodb = as_probe([{"Action": ["dynamodb:PutItem", "dynamodb:GetItem"], "Resource": table_arn}])("dynamodb")
    item = {"crawler": {"S": "raw"}}

    status, code, message = refusal(lambda: dynamodb.put_item(TableName="crawl-waits", Item=item))
    assert (status, code) == (400, "AccessDeniedException")
    assert message.startswith("KMS key access denied error: ")
    assert kms_denial("kms:Decrypt", key_arn) in message

    grant({"Action": "kms:Decrypt", "Resource": key_arn, "Condition": {"StringLike": {"kms:ViaService": "dynamodb.*.amazonaws.com"}}})
    dynamodb.put_item(TableName="crawl-waits", Item=item)
    assert dynamodb.get_item(TableName="crawl-waits", Key=item)["Item"] == item


# ---------------------------------------------------------------- SNS


def encrypted_topic(key_arn: str) -> str:
    topic_arn: str = client("sns").create_topic(Name="alerts", Attributes={"KmsMasterKeyId": key_arn})["TopicArn"]
    return topic_arn


def test_publishing_to_a_topic_under_a_customer_key_needs_generate_data_key_and_decrypt(clean_emulator: str) -> None:
    key_arn = create_key(ENABLE_IAM_POLICIES)
    topic_arn = encrypted_topic(key_arn)
    publish = {"Action": "sns:Publish", "Resource": topic_arn}
    sns = as_probe([publish])("sns")

    status, code, message = refusal(lambda: sns.publish(TopicArn=topic_arn, Message="x"))
    assert (status, code) == (400, "KMSAccessDenied")
    assert message.startswith(kms_denial("kms:GenerateDataKey", key_arn))

    grant({"Action": "kms:GenerateDataKey", "Resource": key_arn})
    assert refusal(lambda: sns.publish(TopicArn=topic_arn, Message="x"))[2].startswith(kms_denial("kms:Decrypt", key_arn))

    grant({"Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key_arn})
    assert sns.publish(TopicArn=topic_arn, Message="x")["MessageId"]


def subscribed_queue(topic_arn: str) -> str:
    sqs = client("sqs")
    queue_url: str = sqs.create_queue(QueueName="alerts-seen")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    client("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return queue_url


def delivered_by_eventbridge(topic_arn: str) -> list[Any]:
    queue_url = subscribed_queue(topic_arn)
    events = client("events")
    events.put_rule(Name="to-topic", EventPattern=json.dumps({"source": ["pipeline.test"]}))
    events.put_targets(Rule="to-topic", Targets=[{"Id": "topic", "Arn": topic_arn}])
    allow_rule_to_publish(topic_arn, "to-topic")
    events.put_events(Entries=[{"Source": "pipeline.test", "DetailType": "Test", "Detail": "{}"}])
    return list(client("sqs").receive_message(QueueUrl=queue_url, WaitTimeSeconds=0).get("Messages", []))


def test_eventbridge_delivers_to_an_encrypted_topic_only_if_the_key_policy_allows_it(clean_emulator: str) -> None:
    assert delivered_by_eventbridge(encrypted_topic(create_key(ENABLE_IAM_POLICIES))) == [], (
        "IAM policies do not speak for a service principal"
    )


def test_eventbridge_delivers_to_an_encrypted_topic_whose_key_policy_names_it(clean_emulator: str) -> None:
    events_statement = {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
    }
    assert len(delivered_by_eventbridge(encrypted_topic(create_key(ENABLE_IAM_POLICIES, events_statement)))) == 1


def test_a_deleted_object_of_a_versioned_bucket_is_missing_not_a_key_use(clean_emulator: str) -> None:
    key_arn = create_key(ENABLE_IAM_POLICIES)
    encrypted_bucket(key_arn)
    client("s3").put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    client("s3").delete_object(Bucket=BUCKET, Key="raw/part-0.csv")
    s3 = as_probe([READ_OBJECTS, {"Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"}])("s3")

    assert refusal(lambda: s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv"))[:2] == (404, "NoSuchKey")
