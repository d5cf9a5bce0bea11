"""The state machine tasks waiting for a crawl to end (crawler_wait = "event"), kept in DynamoDB.

One item per waiting execution, under the crawler's name (partition key) and the execution's ARN
(sort key; task tokens can be longer than a sort key may be): its task token, and whether the crawl
it waits for is its own or one that was already running when it asked (it then starts its own once
that one ends). Items expire with the task (DynamoDB TTL); TTL deletes lazily, so reads skip what
has expired themselves.
"""

import os
import time
from typing import Literal, TypedDict

import boto3

dynamodb = boto3.client("dynamodb")

Crawl = Literal["own", "earlier"]


class CrawlWait(TypedDict):
    crawler_name: str
    execution_arn: str
    task_token: str
    crawl: Crawl


def _table() -> str:
    return os.environ["CRAWL_WAITS_TABLE"]


def record_wait(wait: CrawlWait, wait_seconds: int) -> None:
    dynamodb.put_item(
        TableName=_table(),
        Item={
            "crawler_name": {"S": wait["crawler_name"]},
            "execution_arn": {"S": wait["execution_arn"]},
            "task_token": {"S": wait["task_token"]},
            "crawl": {"S": wait["crawl"]},
            "expires_at": {"N": str(int(time.time()) + wait_seconds)},
        },
    )


def waits_on(crawler_name: str) -> list[CrawlWait]:
    """The unexpired waits on `crawler_name`."""
    now = str(int(time.time()))
    pages = dynamodb.get_paginator("query").paginate(
        TableName=_table(),
        KeyConditionExpression="crawler_name = :crawler",
        FilterExpression="expires_at > :now",
        ExpressionAttributeValues={":crawler": {"S": crawler_name}, ":now": {"N": now}},
        ConsistentRead=True,
    )
    return [
        {
            "crawler_name": item["crawler_name"]["S"],
            "execution_arn": item["execution_arn"]["S"],
            "task_token": item["task_token"]["S"],
            "crawl": "own" if item["crawl"]["S"] == "own" else "earlier",
        }
        for page in pages
        for item in page["Items"]
    ]


def _key(crawler_name: str, execution_arn: str) -> dict[str, dict[str, str]]:
    return {"crawler_name": {"S": crawler_name}, "execution_arn": {"S": execution_arn}}


def end_wait(crawler_name: str, execution_arn: str) -> Crawl | None:
    """Forget the execution's wait on `crawler_name`; which crawl it was waiting for, if it still was."""
    item = dynamodb.delete_item(TableName=_table(), Key=_key(crawler_name, execution_arn), ReturnValues="ALL_OLD").get("Attributes")
    if item is None or int(item["expires_at"]["N"]) <= int(time.time()):
        return None
    return "own" if item["crawl"]["S"] == "own" else "earlier"


def mark_own_crawl(wait: CrawlWait) -> None:
    """The crawl now running is the waiter's own: its end ends the wait."""
    dynamodb.update_item(
        TableName=_table(),
        Key=_key(wait["crawler_name"], wait["execution_arn"]),
        UpdateExpression="SET crawl = :own",
        ExpressionAttributeValues={":own": {"S": "own"}},
    )


def remove_wait(wait: CrawlWait) -> None:
    dynamodb.delete_item(TableName=_table(), Key=_key(wait["crawler_name"], wait["execution_arn"]))
