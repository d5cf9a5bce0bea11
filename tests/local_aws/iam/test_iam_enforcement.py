"""The emulator judges every request signed with assumed-role credentials as AWS would, and answers
a refusal in the service's own shape; the administrator (Terraform, the tests) is not judged."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_aws.clients import client
from local_aws.control import advance_time
from tests.roles import clients_as, create_crawler, create_service_role
from tests.session import TEST_REGION

ACCOUNT = "123456789012"
BUCKET = "iam-lake"
CRAWLER_ARN = f"arn:aws:glue:{TEST_REGION}:{ACCOUNT}:crawler/raw"
STATEMENTS = [
    {"Action": "glue:GetCrawler", "Resource": CRAWLER_ARN},
    {"Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{BUCKET}/raw/*"},
    {"Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}", "Condition": {"StringLike": {"s3:prefix": ["raw/*"]}}},
    {"Action": "sns:Publish", "Resource": f"arn:aws:sns:{TEST_REGION}:{ACCOUNT}:allowed"},
]


@pytest.fixture
def as_role(clean_emulator: str) -> Any:
    """A client factory signing with the credentials of a role holding STATEMENTS."""
    client("s3").create_bucket(Bucket=BUCKET)
    return clients_as(create_service_role("probe", "glue.amazonaws.com", STATEMENTS), "probe-session")


def refusal(call: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as refused:
        call()
    error = refused.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], error["Error"].get("Message", "")


def test_a_grant_on_one_crawler_does_not_reach_another_and_the_denial_names_action_resource_and_role(as_role: Any) -> None:
    glue = as_role("glue")
    with pytest.raises(ClientError, match="EntityNotFoundException"):
        glue.get_crawler(Name="raw")

    status, code, message = refusal(lambda: glue.get_crawler(Name="cleansed"))

    assert (status, code) == (400, "AccessDeniedException")
    assert message == (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/probe/probe-session is not authorized to perform: glue:GetCrawler "
        f"on resource: arn:aws:glue:{TEST_REGION}:{ACCOUNT}:crawler/cleansed "
        "because no identity-based policy allows the glue:GetCrawler action"
    )


def test_each_service_refuses_in_its_own_shape(as_role: Any) -> None:
    client("sns").create_topic(Name="other")
    with pytest.raises(ClientError) as sns_refusal:
        as_role("sns").publish(TopicArn=f"arn:aws:sns:{TEST_REGION}:{ACCOUNT}:other", Message="x")
    assert sns_refusal.value.response["ResponseMetadata"]["RequestId"], "SNS's error document names its request, as Step Functions reads it"
    assert refusal(lambda: as_role("s3").put_object(Bucket=BUCKET, Key="cleansed/x", Body=b"x"))[:2] == (403, "AccessDenied")
    assert refusal(lambda: as_role("sns").publish(TopicArn=f"arn:aws:sns:{TEST_REGION}:{ACCOUNT}:other", Message="x"))[:2] == (
        403,
        "AuthorizationError",
    )
    assert refusal(lambda: as_role("lambda").invoke(FunctionName="start-crawler"))[:2] == (403, "AccessDeniedException")
    assert refusal(lambda: as_role("secretsmanager").get_secret_value(SecretId="source"))[:2] == (400, "AccessDeniedException")
    # CloudWatch keeps its query error code for the CBOR its botocore client speaks (awsQueryCompatible).
    metric = {"MetricName": "Rows", "Value": 1.0}
    assert refusal(lambda: as_role("cloudwatch").put_metric_data(Namespace="Pipeline", MetricData=[metric]))[:2] == (403, "AccessDenied")
    assert as_role("sts").get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/probe/probe-session"


def test_s3_prefix_exists_only_on_list_requests(as_role: Any) -> None:
    s3 = as_role("s3")
    s3.put_object(Bucket=BUCKET, Key="raw/part-0.csv", Body=b"a")

    assert [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix="raw/")["Contents"]] == ["raw/part-0.csv"]
    assert "s3:ListBucket" in refusal(lambda: s3.list_objects_v2(Bucket=BUCKET))[2]
    assert s3.get_object(Bucket=BUCKET, Key="raw/part-0.csv")["Body"].read() == b"a"


def test_a_missing_key_is_403_without_an_unconditioned_list_bucket_and_404_with_it(as_role: Any) -> None:
    s3 = as_role("s3")
    assert refusal(lambda: s3.head_object(Bucket=BUCKET, Key="raw/missing"))[0] == 403
    status, code, message = refusal(lambda: s3.get_object(Bucket=BUCKET, Key="raw/missing"))
    assert (status, code) == (403, "AccessDenied")
    assert f"s3:ListBucket on resource: arn:aws:s3:::{BUCKET}" in message

    client("iam").put_role_policy(
        RoleName="probe",
        PolicyName="list",
        PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}',
    )
    assert refusal(lambda: s3.head_object(Bucket=BUCKET, Key="raw/missing"))[0] == 404
    assert refusal(lambda: s3.get_object(Bucket=BUCKET, Key="raw/missing"))[:2] == (404, "NoSuchKey")


def test_an_explicit_deny_wins_and_says_so(as_role: Any) -> None:
    client("iam").put_role_policy(
        RoleName="probe",
        PolicyName="deny",
        PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}]}',
    )
    message = refusal(lambda: as_role("s3").put_object(Bucket=BUCKET, Key="raw/x", Body=b"x"))[2]
    assert message.endswith("with an explicit deny in an identity-based policy")


def test_deleting_many_keys_reports_each_key_it_may_not_delete(as_role: Any) -> None:
    client("s3").put_object(Bucket=BUCKET, Key="raw/x", Body=b"x")
    answer = as_role("s3").delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "raw/x"}]})
    assert [(error["Key"], error["Code"]) for error in answer["Errors"]] == [("raw/x", "AccessDenied")]
    assert client("s3").head_object(Bucket=BUCKET, Key="raw/x")["ContentLength"] == 1


def test_the_administrator_is_not_judged(clean_emulator: str) -> None:
    client("s3").create_bucket(Bucket=BUCKET)
    client("s3").put_object(Bucket=BUCKET, Key="anything", Body=b"x")


def test_a_crawler_whose_role_glue_may_not_assume_fails_with_glues_words(clean_emulator: str) -> None:
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "lake"})
    create_crawler("raw", create_service_role("lambda-only", "lambda.amazonaws.com", []), "lake", f"s3://{BUCKET}/raw/")
    glue.start_crawler(Name="raw")
    advance_time(60)

    last_crawl = glue.get_crawler(Name="raw")["Crawler"]["LastCrawl"]
    assert (last_crawl["Status"], last_crawl["ErrorMessage"]) == (
        "FAILED",
        "Service is unable to assume provided role. Please verify role's TrustPolicy",
    )
