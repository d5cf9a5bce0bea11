"""What the state machine scenarios share: the deployed pipeline's outputs, its notifications
read back through SQS, and the files the jobs would have written."""

import io
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from local_aws import PROJECT_ROOT
from local_aws.clients import client, region_of
from local_aws.control import advance_time, plan_crawls, plan_job_runs
from local_aws.emulator.glue.crawlers import CrawlPlan
from local_aws.emulator.glue.job_runs import JobRunPlan


@dataclass(frozen=True)
class DeployedPipeline:
    outputs: dict[str, Any]
    notifications_queue_url: str

    @property
    def state_machine_arn(self) -> str:
        return str(self.outputs["state_machine_arn"])

    @property
    def region(self) -> str:
        """The region the pipeline was applied to (its failure topic exists in every mode)."""
        return region_of(str(self.outputs["failure_topic_arn"]))

    @property
    def bucket(self) -> str:
        return str(self.outputs["bucket_name"])

    def role_name(self, role: str) -> str:
        """The name of the deployed role of `role` (a key of the role_arns output)."""
        return str(self.outputs["role_arns"][role]).rsplit("/", 1)[-1]

    def key_of(self, s3_path: str) -> str:
        return s3_path.removeprefix(f"s3://{self.bucket}/")

    @property
    def poll_waits_seconds(self) -> list[int]:
        """The crawler poll schedule rendered into the deployed definition."""
        definition = json.loads(self.outputs["state_machine_definition"])
        expression = definition["States"]["LoadSettings"]["Parameters"]["poll_waits_seconds.$"]
        match = re.fullmatch(r"States\.StringToJson\('(\[[0-9,]*\])'\)", expression)
        assert match, expression
        return list(json.loads(match.group(1)))


def subscribe_to_failures(outputs: dict[str, Any], queue_name: str) -> str:
    """A new SQS queue in the pipeline's region subscribed to its failure topic: its URL."""
    topic_arn = str(outputs["failure_topic_arn"])
    region = region_of(topic_arn)
    sqs = client("sqs", region=region)
    queue_url: str = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    client("sns", region=region).subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return queue_url


def notifications(pipeline: DeployedPipeline, wait_seconds: int = 1) -> list[dict[str, Any]]:
    """The SNS notifications (their envelopes) delivered to the subscribed queue, consumed."""
    sqs = client("sqs", region=pipeline.region)
    received = sqs.receive_message(QueueUrl=pipeline.notifications_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds)
    messages = received.get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=pipeline.notifications_queue_url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in messages]


def put_job_outputs(pipeline: DeployedPipeline, run_id: str) -> None:
    """What job1 and job2 write for `run_id`, put in place for scenarios whose job runs are planned."""
    s3 = client("s3")
    table = pipeline.outputs["tables"]["customers"]
    raw_key = f"{pipeline.key_of(table['raw_path'])}run_id={run_id}/part-00000.csv"
    s3.put_object(Bucket=pipeline.bucket, Key=raw_key, Body=b"customer_id,email,signup_date\n1,ada@example.com,2026-01-05\n")
    parquet = io.BytesIO()
    pq.write_table(pa.table({"customer_id": pa.array([1], pa.int32()), "email": ["ada@example.com"]}), parquet)
    cleansed_key = f"{pipeline.key_of(table['cleansed_path'])}ingestion_date=2026-11-24/run_id={run_id}/part-00000.parquet"
    s3.put_object(Bucket=pipeline.bucket, Key=cleansed_key, Body=parquet.getvalue())
    reports = f"{pipeline.key_of(table['reports_path'])}run_id={run_id}"
    for job, figures in PLANNED_RUN_FIGURES.items():
        s3.put_object(Bucket=pipeline.bucket, Key=f"{reports}/{job}.json", Body=json.dumps(figures).encode())


# What job1 and job2 report of the one row put_job_outputs puts in place.
PLANNED_RUN_FIGURES = {
    "raw_job": {"rows_read": 1, "rows_written": 1},
    "cleanse_job": {"input_rows": 1, "cleansed_rows": 1, "quarantined_rows": 0, "duplicates_removed": 0, "quarantined_by_reason": {}},
}


# The deployed test stack has one table, customers: the Map states run one iteration each.
START = ["ResolveRun", "LoadSettings", "LoadTables", "ExtractTables", "IsTableInRun"]
EXTRACTED = ["RunRawJob", "TableExtracted", "FindExtractedTables", "CountExtractedTables", "IsAnyTableExtracted"]
CLEANSED = [
    "CleanseTables",
    "WasTableExtracted",
    "RunCleanseJob",
    "TableCleansed",
    "FindCleansedTables",
    "CountCleansedTables",
    "HasCleansedTables",
]
REPORTED = ["ReportRun", "DidEveryTableSucceed", "RunSucceeded"]
TABLES_FAILED = ["ReportRun", "DidEveryTableSucceed", "RecordTableFailures", "NotifyFailure", "PipelineFailed"]
# A crawl RUNNING for 45 s and STOPPING for 10 s is seen RUNNING at 5, 15 and 35 s, and READY at
# 65 s: the 4th poll of 5, 10, 20, 30 s, with 10 s to spare for the real time the polls take.
QUICK_CRAWL = CrawlPlan(running_seconds=45, stopping_seconds=10)
QUICK_CRAWL_POLLS = 4
QUICK_JOB = JobRunPlan(starting_seconds=5, running_seconds=60)


def polls(crawler: str, count: int) -> list[str]:
    """The states of `count` status checks of the Raw or Cleansed crawler."""
    return [
        f"Check{crawler}CrawlerPollLimit",
        f"Count{crawler}CrawlerPoll",
        f"WaitFor{crawler}Crawler",
        f"Get{crawler}CrawlerStatus",
        f"Is{crawler}CrawlerDone",
    ] * count


def crawl(crawler: str, count: int) -> list[str]:
    return [f"Start{crawler}Crawler", f"Reset{crawler}CrawlerPolls", *polls(crawler, count)]


def plan_quick_run(deployed: DeployedPipeline) -> None:
    outputs = deployed.outputs
    plan_job_runs(outputs["raw_job_name"], [QUICK_JOB])
    plan_job_runs(outputs["cleanse_job_name"], [QUICK_JOB])
    plan_crawls(outputs["raw_crawler_name"], [QUICK_CRAWL])
    plan_crawls(outputs["cleansed_crawler_name"], [QUICK_CRAWL])


def plan_quick_workflow_run(deployed: DeployedPipeline) -> None:
    for jobs in deployed.outputs["workflow_job_names"].values():
        for job in jobs.values():
            plan_job_runs(job, [QUICK_JOB])
    plan_crawls(deployed.outputs["raw_crawler_name"], [QUICK_CRAWL])
    plan_crawls(deployed.outputs["cleansed_crawler_name"], [QUICK_CRAWL])


def run_workflow_to_the_end(deployed: DeployedPipeline, run_id: str) -> dict[str, Any]:
    glue, workflow = client("glue", region=deployed.region), deployed.outputs["workflow_name"]
    workflow_run_id = glue.start_workflow_run(Name=workflow, RunProperties={"run_id": run_id})["RunId"]
    for _ in range(200):
        run: dict[str, Any] = glue.get_workflow_run(Name=workflow, RunId=workflow_run_id)["Run"]
        if run["Status"] != "RUNNING":
            return run
        advance_time(10)
        time.sleep(0.05)
    raise AssertionError(f"the workflow run is still RUNNING: {run}")


def workflow_job_runs(deployed: DeployedPipeline, table: str, stage: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = client("glue", region=deployed.region).get_job_runs(
        JobName=deployed.outputs["workflow_job_names"][table][stage]
    )["JobRuns"]
    return runs


TEST_ROOT = PROJECT_ROOT / "tests" / "terraform" / "emulator_root"

# Real seconds slept for each emulated second of a wait: a 10-minute poll budget sleeps about 6 s.
TIME_SCALE = 0.01

# Longer than anything a scenario leaves running: skipping it ends every crawl and job run.
LONGEST_PLANNED_SECONDS = 10**7


def await_workflow_run(deployed: DeployedPipeline, run_id: str, timeout_seconds: float) -> dict[str, Any]:
    """Start a run of the workflow with the run property run_id and return it once it has ended,
    giving job runs that execute for real (local Spark) up to `timeout_seconds` of real time."""
    glue, workflow = client("glue", region=deployed.region), deployed.outputs["workflow_name"]
    workflow_run_id = glue.start_workflow_run(Name=workflow, RunProperties={"run_id": run_id})["RunId"]
    deadline = time.monotonic() + timeout_seconds
    while (run := glue.get_workflow_run(Name=workflow, RunId=workflow_run_id)["Run"])["Status"] == "RUNNING":
        assert time.monotonic() < deadline, f"the workflow run is still RUNNING after {timeout_seconds} s: {run}"
        advance_time(10)
        time.sleep(0.5)
    ended: dict[str, Any] = run
    return ended
