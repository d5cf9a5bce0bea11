"""What a request to the emulator asks IAM for: the action, every resource ARN AWS authorizes it
against, and the condition keys the request really carries.

Resource ARNs per action follow each service's "Actions, resources, and condition keys" page
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
and, for the Glue Data Catalog, https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html:
a catalog call is authorized on the catalog, the database and the table, and each must be allowed.
An action not listed here is judged on resource `*`, as AWS does for actions without resource-level
permissions; list an action here before the pipeline relies on it being scoped.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from local_aws.emulator.iam.policy import ConditionContext


@dataclass(frozen=True)
class AuthorizationRequest:
    action: str
    resources: tuple[str, ...]
    context: ConditionContext = field(default_factory=dict)


@dataclass(frozen=True)
class RequestFacts:
    """What the request handler knows: its service, operation, parameters, account and region."""

    service: str
    operation: str
    parameters: dict[str, Any]
    partition: str
    region: str
    account: str
    path_parameters: dict[str, str] = field(default_factory=dict)

    def arn(self, service: str, resource: str, region: str | None = None) -> str:
        return f"arn:{self.partition}:{service}:{self.region if region is None else region}:{self.account}:{resource}"


# ---------------------------------------------------------------- Glue


def _catalog(facts: RequestFacts) -> str:
    return facts.arn("glue", "catalog")


def _table_arns(database: str, table: str) -> Callable[[RequestFacts], tuple[str, ...]]:
    def arns(facts: RequestFacts) -> tuple[str, ...]:
        db = facts.parameters.get(database, "")
        return (_catalog(facts), facts.arn("glue", f"database/{db}"), facts.arn("glue", f"table/{db}/{_table_name(facts, table)}"))

    return arns


def _table_name(facts: RequestFacts, parameter: str) -> str:
    if parameter == "TableInput.Name":
        return str(facts.parameters.get("TableInput", {}).get("Name", ""))
    return str(facts.parameters.get(parameter, "*") if parameter else "*")


def _named(resource_type: str, parameter: str) -> Callable[[RequestFacts], tuple[str, ...]]:
    return lambda facts: (facts.arn("glue", f"{resource_type}/{facts.parameters.get(parameter, '')}"),)


def _database(facts: RequestFacts) -> tuple[str, ...]:
    return (_catalog(facts), facts.arn("glue", f"database/{facts.parameters.get('Name', '')}"))


def _connection(facts: RequestFacts) -> tuple[str, ...]:
    return (_catalog(facts), facts.arn("glue", f"connection/{facts.parameters.get('Name', '')}"))


# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html: the workflow resource type.
WORKFLOW_OPERATIONS = (
    "GetWorkflow",
    "StartWorkflowRun",
    "GetWorkflowRun",
    "GetWorkflowRuns",
    "GetWorkflowRunProperties",
    "PutWorkflowRunProperties",
)

GLUE_RESOURCES: dict[str, Callable[[RequestFacts], tuple[str, ...]]] = {
    "GetCrawler": _named("crawler", "Name"),
    "StartCrawler": _named("crawler", "Name"),
    "StopCrawler": _named("crawler", "Name"),
    "ListCrawls": _named("crawler", "CrawlerName"),
    **{operation: _named("workflow", "Name") for operation in WORKFLOW_OPERATIONS},
    "GetJob": _named("job", "JobName"),
    "StartJobRun": _named("job", "JobName"),
    "GetJobRun": _named("job", "JobName"),
    "GetJobRuns": _named("job", "JobName"),
    "BatchStopJobRun": _named("job", "JobName"),
    "GetJobBookmark": _named("job", "JobName"),
    "ResetJobBookmark": _named("job", "JobName"),
    "GetDatabase": _database,
    "GetConnection": _connection,
    "GetTable": _table_arns("DatabaseName", "Name"),
    "DeleteTable": _table_arns("DatabaseName", "Name"),
    "CreateTable": _table_arns("DatabaseName", "TableInput.Name"),
    "UpdateTable": _table_arns("DatabaseName", "TableInput.Name"),
    "GetTables": _table_arns("DatabaseName", ""),
    **{
        operation: _table_arns("DatabaseName", "TableName")
        for operation in (
            "GetPartition",
            "GetPartitions",
            "CreatePartition",
            "UpdatePartition",
            "DeletePartition",
            "BatchCreatePartition",
            "BatchGetPartition",
            "BatchUpdatePartition",
            "BatchDeletePartition",
        )
    },
}

# ---------------------------------------------------------------- the other services the pipeline calls


def _function_arn(facts: RequestFacts) -> tuple[str, ...]:
    name = unquote(facts.path_parameters.get("FunctionName", ""))
    qualifier = facts.parameters.get("Qualifier")
    if name.startswith("arn:"):
        return (f"{name}:{qualifier}" if qualifier and name.count(":") == 6 else name,)
    name, _, inline_qualifier = name.partition(":")
    qualifier = qualifier or inline_qualifier
    return (facts.arn("lambda", f"function:{name}" + (f":{qualifier}" if qualifier else "")),)


def _secret_arn(facts: RequestFacts) -> tuple[str, ...]:
    """A secret is authorized on its full ARN (with the random suffix) however the caller names it."""
    from moto.secretsmanager.models import secretsmanager_backends

    secret_id = str(facts.parameters.get("SecretId", ""))
    secrets = secretsmanager_backends[facts.account][facts.region].secrets
    if secret_id in secrets:
        return (str(secrets[secret_id].arn),)
    return (secret_id if secret_id.startswith("arn:") else facts.arn("secretsmanager", f"secret:{secret_id}"),)


def _given_arn(parameter: str) -> Callable[[RequestFacts], tuple[str, ...]]:
    return lambda facts: (str(facts.parameters.get(parameter, "")),)


def _dynamodb_table(facts: RequestFacts) -> tuple[str, ...]:
    """Item and query actions are authorized on the table (the Service Authorization Reference's
    `table` resource type: arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName})."""
    return (facts.arn("dynamodb", f"table/{facts.parameters.get('TableName', '')}"),)


OTHER_RESOURCES: dict[tuple[str, str], Callable[[RequestFacts], tuple[str, ...]]] = {
    ("lambda", "Invoke"): _function_arn,
    ("sns", "Publish"): _given_arn("TopicArn"),
    ("states", "StartExecution"): _given_arn("stateMachineArn"),
    ("states", "DescribeExecution"): _given_arn("executionArn"),
    ("states", "GetExecutionHistory"): _given_arn("executionArn"),
    ("states", "StopExecution"): _given_arn("executionArn"),
    ("sts", "AssumeRole"): _given_arn("RoleArn"),
    ("secretsmanager", "GetSecretValue"): _secret_arn,
    ("secretsmanager", "DescribeSecret"): _secret_arn,
    **{("dynamodb", operation): _dynamodb_table for operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query")},
}

# Operations whose IAM permission has another name (the Service Authorization Reference lists
# lambda:InvokeFunction as the permission of the Invoke API).
PERMISSION_OF_OPERATION = {("lambda", "Invoke"): "InvokeFunction"}


def _service_context(facts: RequestFacts) -> dict[str, str | list[str]]:
    if (facts.service, facts.operation) == ("cloudwatch", "PutMetricData"):
        return {"cloudwatch:namespace": str(facts.parameters.get("Namespace", ""))}
    return {}


def authorization_request(facts: RequestFacts, global_context: ConditionContext) -> AuthorizationRequest:
    action = f"{facts.service}:{PERMISSION_OF_OPERATION.get((facts.service, facts.operation), facts.operation)}"
    resolve = GLUE_RESOURCES.get(facts.operation) if facts.service == "glue" else OTHER_RESOURCES.get((facts.service, facts.operation))
    resources = resolve(facts) if resolve else ("*",)
    return AuthorizationRequest(action, resources, {**global_context, **_service_context(facts)})


def json_parameters(body: str | bytes | None) -> dict[str, Any]:
    try:
        parsed = json.loads(body or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


# ---------------------------------------------------------------- S3


# The S3 request handler names some requests after their API operation; IAM names the permission.
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html ("you must have the s3:GetObject permission")
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html ("you must have s3:ListBucket")
S3_PERMISSION_OF_OPERATION = {
    "HeadObject": "GetObject",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "HeadBucket": "ListBucket",
}
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html: s3:prefix, s3:delimiter
# and s3:max-keys exist only on requests that list a bucket.
S3_LIST_CONDITION_KEYS = {"prefix": "s3:prefix", "delimiter": "s3:delimiter", "max-keys": "s3:max-keys"}
DELETE_OBJECTS_KEY = re.compile(r"<Key>(.*?)</Key>", re.DOTALL)


def s3_authorization_requests(
    operation: str, resource: str, querystring: dict[str, list[str]], body: bytes | str | None, global_context: ConditionContext
) -> list[AuthorizationRequest]:
    """One request per resource S3 authorizes: DeleteObjects (a POST on the bucket) is judged key by key."""
    permission = f"s3:{S3_PERMISSION_OF_OPERATION.get(operation, operation)}"
    if permission == "s3:DeleteObject" and "/" not in resource.split(":::", 1)[1]:
        text = body.decode() if isinstance(body, bytes) else body or ""
        return [AuthorizationRequest(permission, (f"{resource}/{key}",), global_context) for key in DELETE_OBJECTS_KEY.findall(text)]
    context = dict(global_context)
    if permission == "s3:ListBucket":
        context.update({key: values[0] for name, key in S3_LIST_CONDITION_KEYS.items() if (values := querystring.get(name))})
    return [AuthorizationRequest(permission, (resource,), context)]
