"""The module applied to the emulator, with its defaults and with every option on: each resource
exists with the configured settings, a second plan shows no changes, and destroy leaves nothing."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_aws.clients import client
from local_aws.terraform import PROJECT_ROOT, TerraformWorkspace
from tests.roles import statements_of_role
from tests.stacks import TEST_ROOT, applied

pytestmark = pytest.mark.terraform

DEFAULT_STACK = {"name_prefix": "etl-default"}
CUSTOM_STACK = {
    "name_prefix": "etl-custom",
    "use_existing_bucket": True,
    "jdbc_source_enabled": True,
    "schedule_expression": "cron(0 3 * * ? *)",
    "flex_execution": True,
    "job_bookmarks_enabled": True,
    "worker_type": "G.2X",
    "number_of_workers": 5,
    "log_retention_days": 7,
    "crawler_timeout_minutes": 10,
    "tables": {
        "customers": {"key_columns": ["customer_id"], "order_by_column": "updated_at", "email_columns": ["email"]},
        "orders": {"key_columns": ["order_id"], "number_of_workers": 10},
    },
}


class AppliedStack:
    def __init__(self, workspace: TerraformWorkspace, variables: dict[str, Any]) -> None:
        self.workspace = workspace
        self.variables = variables
        self.outputs: dict[str, Any] = workspace.outputs()["etl"]


def apply_stack(emulator_endpoint: str, work_dir: Path, variables: dict[str, Any]) -> Iterator[AppliedStack]:
    """The test root applied with `variables`, destroyed afterwards down to an empty state."""
    workspace = applied(TEST_ROOT, work_dir, emulator_endpoint, variables)
    stack = AppliedStack(workspace, variables)
    yield stack
    workspace.destroy(variables)
    assert workspace.resources() == [], "destroy left resources in the state"


@pytest.fixture(scope="module")
def default_stack(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppliedStack]:
    yield from apply_stack(emulator_endpoint, tmp_path_factory.mktemp("default-stack"), DEFAULT_STACK)


@pytest.fixture(scope="module")
def custom_stack(emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppliedStack]:
    yield from apply_stack(emulator_endpoint, tmp_path_factory.mktemp("custom-stack"), CUSTOM_STACK)


def resources_of(statements: list[dict[str, Any]], sid: str) -> set[str]:
    (statement,) = [statement for statement in statements if statement.get("Sid") == sid]
    resources = statement["Resource"]
    return {resources} if isinstance(resources, str) else set(resources)


# ---------------------------------------------------------------- default variables


# A class per stack, so that a parallel run (make test, --dist loadscope) applies the two at once.
class TestDefaultStack:
    def test_bucket_is_encrypted_private_versioned_and_tls_only(self, default_stack: AppliedStack) -> None:
        s3, bucket = client("s3"), default_stack.outputs["bucket_name"]

        encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert encryption["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        }
        (statement,) = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert set(statement["Resource"]) == {f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"}

    def test_raw_and_quarantine_expire_under_the_pipelines_prefixes(self, default_stack: AppliedStack) -> None:
        s3, bucket = client("s3"), default_stack.outputs["bucket_name"]
        rules = {rule["ID"]: rule for rule in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
        expirations = {
            rule_id: (rule["Filter"]["Prefix"], rule["Expiration"]["Days"], rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
            for rule_id, rule in rules.items()
            if rule_id in ("expire-raw", "expire-quarantine")
        }
        assert expirations == {"expire-raw": ("raw/etl-default/", 30, 1), "expire-quarantine": ("quarantine/etl-default/", 90, 1)}
        assert {"expire-glue-temporary-files", "tidy-versions-and-uploads"} <= rules.keys()

    def test_glue_scripts_are_uploaded_unchanged(self, default_stack: AppliedStack) -> None:
        s3, bucket = client("s3"), default_stack.outputs["bucket_name"]
        for script in sorted((PROJECT_ROOT / "glue_scripts").glob("*.py")):
            uploaded = s3.get_object(Bucket=bucket, Key=f"scripts/etl-default/{script.name}")["Body"].read()
            assert uploaded == script.read_bytes(), f"{script.name} differs from the uploaded copy"

    def test_crawlers_target_raw_and_cleansed_with_table_prefixes(self, default_stack: AppliedStack) -> None:
        glue, outputs = client("glue"), default_stack.outputs
        raw = glue.get_crawler(Name=outputs["raw_crawler_name"])["Crawler"]
        cleansed = glue.get_crawler(Name=outputs["cleansed_crawler_name"])["Crawler"]

        assert [target["Path"] for target in raw["Targets"]["S3Targets"]] == [f"s3://{outputs['bucket_name']}/raw/etl-default/customers/"]
        assert raw["TablePrefix"] == "raw_"
        assert [target["Path"] for target in cleansed["Targets"]["S3Targets"]] == [
            f"s3://{outputs['bucket_name']}/cleansed/etl-default/customers/"
        ]
        assert cleansed["TablePrefix"] == "cleansed_"
        assert raw["DatabaseName"] == cleansed["DatabaseName"] == outputs["database_name"] == "etl_default"
        assert outputs["source_crawler_name"] is None
        assert outputs["jdbc_connection_name"] is None

    def test_jobs_run_the_uploaded_scripts_with_their_arguments(self, default_stack: AppliedStack) -> None:
        glue, outputs = client("glue"), default_stack.outputs
        bucket = outputs["bucket_name"]
        extract_job = glue.get_job(JobName=outputs["extract_job_name"])["Job"]
        cleanse_job = glue.get_job(JobName=outputs["cleanse_job_name"])["Job"]

        for job in (extract_job, cleanse_job):
            assert job["GlueVersion"] == "5.1"
            assert job["WorkerType"] == "G.1X"
            assert job["NumberOfWorkers"] == 2
            assert job["ExecutionClass"] == "STANDARD"
            assert job["DefaultArguments"]["--job-bookmark-option"] == "job-bookmark-disable"
            libraries = (
                "catalog_tables.py",
                "cleansing.py",
                "cleansing_rules.py",
                "current_state.py",
                "glue_runtime.py",
                "run_figures.py",
                "run_ids.py",
                "spark_sql.py",
            )
            expected_libraries = ",".join(f"s3://{bucket}/scripts/etl-default/{name}" for name in libraries)
            assert job["DefaultArguments"]["--extra-py-files"] == expected_libraries
        assert extract_job["Command"]["ScriptLocation"] == f"s3://{bucket}/scripts/etl-default/extract_job.py"
        assert cleanse_job["Command"]["ScriptLocation"] == f"s3://{bucket}/scripts/etl-default/cleanse_job.py"
        # The jobs serve every table: a run names its table; a run started by hand takes manual_run_arguments.
        assert not {"--source_table", "--output_path", "--input_path", "--cleansing_rules"} & {
            *extract_job["DefaultArguments"],
            *cleanse_job["DefaultArguments"],
        }
        manual = outputs["manual_run_arguments"]["customers"]
        assert manual["extract_job"] == {
            "--source_table": "source_customers",
            "--output_path": f"s3://{bucket}/raw/etl-default/customers/run_id=manual/",
            "--job-bookmark-option": "job-bookmark-disable",
        }
        # One table's run: a table's deletes = "mirror" would delete nothing (none here).
        assert manual["cleanse_job"]["--run_covers_all_tables"] == "false"
        assert manual["cleanse_job"]["--input_path"] == f"s3://{bucket}/raw/etl-default/customers/run_id=manual/"
        assert manual["cleanse_job"]["--run_id"] == "manual"
        assert manual["cleanse_job"]["--output_path"] == f"s3://{bucket}/cleansed/etl-default/customers/"
        assert manual["cleanse_job"]["--quarantine_path"] == f"s3://{bucket}/quarantine/etl-default/customers/"
        assert json.loads(manual["cleanse_job"]["--cleansing_rules"])["key_columns"] == ["id"]

    def test_lambdas_run_python_312_handlers_with_their_log_groups(self, default_stack: AppliedStack) -> None:
        lambda_client, logs = client("lambda"), client("logs")
        names = default_stack.outputs["lambda_function_names"]
        assert names == {
            "resolve_run": "etl-default-resolve-run",
            "start_crawler": "etl-default-start-crawler",
            "get_crawler_status": "etl-default-get-crawler-status",
            "report_run": "etl-default-report-run",
        }
        for key, name in names.items():
            configuration = lambda_client.get_function_configuration(FunctionName=name)
            assert configuration["Runtime"] == "python3.12"
            assert configuration["Handler"] == f"{key}.lambda_handler"
            assert configuration["LoggingConfig"]["LogFormat"] == "JSON"
            (group,) = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{name}")["logGroups"]
            assert group["retentionInDays"] == 30

    def test_each_job_runs_under_its_own_role_and_logs_to_its_own_groups(self, default_stack: AppliedStack) -> None:
        glue, logs, outputs = client("glue"), client("logs"), default_stack.outputs
        for kind, job_name in (("extract", outputs["extract_job_name"]), ("cleanse", outputs["cleanse_job_name"])):
            job = glue.get_job(JobName=job_name)["Job"]
            prefix = f"/aws-glue/jobs/etl-default/{kind}"
            assert job["Role"] == outputs["role_arns"][f"{kind}_job"]
            # Glue 5.0 logs to <prefix>/output and <prefix>/error.
            assert job["DefaultArguments"]["--custom-logGroup-prefix"] == prefix
            groups = logs.describe_log_groups(logGroupNamePrefix=f"{prefix}/")["logGroups"]
            assert sorted((group["logGroupName"], group["retentionInDays"]) for group in groups) == [
                (f"{prefix}/error", 30),
                (f"{prefix}/output", 30),
            ]
        assert set(outputs["log_group_names"]) >= {
            f"/aws-glue/jobs/etl-default/{kind}/{stream}" for kind in ("extract", "cleanse") for stream in ("output", "error")
        }

    def test_state_machine_runs_the_rendered_definition(self, default_stack: AppliedStack) -> None:
        outputs = default_stack.outputs
        described = client("stepfunctions").describe_state_machine(stateMachineArn=outputs["state_machine_arn"])
        definition = json.loads(described["definition"])

        assert definition == json.loads(outputs["state_machine_definition"])
        assert definition["TimeoutSeconds"] == 2 * (60 * 60 + 300) + 4 * 30 * 60 + 3600
        assert (
            definition["States"]["ExtractTables"]["ItemProcessor"]["States"]["RunExtractJob"]["Parameters"]["JobName"]
            == outputs["extract_job_name"]
        )
        assert [table["name"] for table in definition["States"]["LoadTables"]["Result"]] == ["customers"]
        assert definition["States"]["StartRawCrawler"]["Parameters"]["FunctionName"] == outputs["lambda_function_arns"]["start_crawler"]
        assert definition["States"]["NotifyFailure"]["Parameters"]["TopicArn"] == outputs["notification_topic_arn"]
        assert described["loggingConfiguration"]["level"] == "ERROR"

    def test_iam_roles_name_only_the_pipelines_resources(self, default_stack: AppliedStack) -> None:
        outputs = default_stack.outputs
        crawler_arns = {outputs["crawler_arns"]["raw"], outputs["crawler_arns"]["cleansed"]}

        for key in ("start_crawler", "get_crawler_status"):
            assert resources_of(statements_of_role(outputs["lambda_function_names"][key]), "ActOnPipelineCrawlers") == crawler_arns

        state_machine = statements_of_role("etl-default-pipeline")
        assert resources_of(state_machine, "RunPipelineJobs") == set(outputs["job_arns"].values())
        assert resources_of(state_machine, "NotifyFailures") == {outputs["notification_topic_arn"]}
        report_run = statements_of_role(outputs["lambda_function_names"]["report_run"])
        assert resources_of(report_run, "ReadRunFigures") == {f"{outputs['bucket_arn']}/reports/etl-default/*"}
        executions_of_the_pipeline = outputs["state_machine_arn"].replace(":stateMachine:", ":execution:") + ":*"
        assert resources_of(report_run, "ReadExecutionHistory") == {executions_of_the_pipeline}
        function_arns = set(outputs["lambda_function_arns"].values())
        assert resources_of(state_machine, "InvokePipelineLambdas") == function_arns | {f"{arn}:*" for arn in function_arns}

        bucket_arn = outputs["bucket_arn"]

        def objects_of(*prefixes: str) -> set[str]:
            return {arn for prefix in prefixes for arn in (f"{bucket_arn}/{prefix}/*", f"{bucket_arn}/{prefix}")}

        assert resources_of(statements_of_role("etl-default-extract-job"), "WriteRawData") == objects_of(
            "raw/etl-default", "reports/etl-default", "temp/etl-default"
        )
        cleanse_job = statements_of_role("etl-default-cleanse-job")
        assert resources_of(cleanse_job, "ReadRawData") == objects_of("raw/etl-default")
        assert resources_of(cleanse_job, "WriteCleansedData") == objects_of(
            "cleansed/etl-default", "quarantine/etl-default", "reports/etl-default", "temp/etl-default"
        )
        assert resources_of(statements_of_role("etl-default-lake-crawler"), "ReadLakeData") == {
            f"{bucket_arn}/raw/etl-default/*",
            f"{bucket_arn}/cleansed/etl-default/*",
        }

    def test_notification_topic_hears_of_timed_out_and_aborted_runs(self, default_stack: AppliedStack) -> None:
        events = client("events")
        rule = events.describe_rule(Name="etl-default-pipeline-timed-out-or-aborted")
        assert json.loads(rule["EventPattern"])["detail"]["status"] == ["TIMED_OUT", "ABORTED"]
        (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        assert target["Arn"] == default_stack.outputs["notification_topic_arn"]

    def test_no_schedule_unless_asked(self, default_stack: AppliedStack) -> None:
        assert client("events").list_rules(NamePrefix="etl-default-pipeline-schedule")["Rules"] == []

    def test_second_plan_shows_no_changes(self, default_stack: AppliedStack) -> None:
        result = default_stack.workspace.plan(default_stack.variables, check=False)
        assert result.returncode == 0, f"the second plan is not empty:\n{result.stdout}{result.stderr}"

    # ---------------------------------------------------------------- every option on


class TestCustomStack:
    def test_existing_bucket_is_used_and_its_policy_left_alone(self, custom_stack: AppliedStack) -> None:
        s3, bucket = client("s3"), custom_stack.outputs["bucket_name"]
        assert bucket == "etl-custom-existing-lake"
        assert s3.head_object(Bucket=bucket, Key="scripts/etl-custom/cleanse_job.py")["ContentLength"] > 0
        with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
            s3.get_bucket_policy(Bucket=bucket)

    def test_existing_bucket_keeps_its_lifecycle_configuration_and_learns_the_prefixes(self, custom_stack: AppliedStack) -> None:
        s3, outputs = client("s3"), custom_stack.outputs
        with pytest.raises(s3.exceptions.ClientError, match="NoSuchLifecycleConfiguration"):
            s3.get_bucket_lifecycle_configuration(Bucket=outputs["bucket_name"])
        assert (outputs["lake_prefixes"]["raw"], outputs["lake_prefixes"]["quarantine"]) == ("raw/etl-custom/", "quarantine/etl-custom/")

    def test_jdbc_source_reads_its_password_from_secrets_manager(self, custom_stack: AppliedStack) -> None:
        glue, outputs = client("glue"), custom_stack.outputs
        connection = glue.get_connection(Name=outputs["jdbc_connection_name"])["Connection"]
        secret_arn = client("secretsmanager").describe_secret(SecretId="etl-custom-source")["ARN"]

        assert connection["ConnectionType"] == "JDBC"
        assert connection["ConnectionProperties"] == {
            "JDBC_CONNECTION_URL": "jdbc:postgresql://127.0.0.1:5432/sales",
            "SECRET_ID": secret_arn,
            "JDBC_ENFORCE_SSL": "true",
        }
        source_crawler = glue.get_crawler(Name=outputs["source_crawler_name"])["Crawler"]
        targets = source_crawler["Targets"]["JdbcTargets"]
        assert {target["ConnectionName"] for target in targets} == {outputs["jdbc_connection_name"]}
        assert sorted(target["Path"] for target in targets) == ["sales/public/customers", "sales/public/orders"]
        extract_job = glue.get_job(JobName=outputs["extract_job_name"])["Job"]
        assert extract_job["Connections"]["Connections"] == [outputs["jdbc_connection_name"]]
        assert outputs["tables"]["orders"]["source_table"] == "source_sales_public_orders"
        assert resources_of(statements_of_role("etl-custom-extract-job"), "ReadSourceSecret") == {secret_arn}
        assert resources_of(statements_of_role("etl-custom-source-crawler"), "ReadSourceSecret") == {secret_arn}
        assert source_crawler["Role"] == outputs["role_arns"]["source_crawler"]

    def test_only_the_extract_job_and_the_source_crawler_may_read_the_source_secret(self, custom_stack: AppliedStack) -> None:
        secret_arn = client("secretsmanager").describe_secret(SecretId="etl-custom-source")["ARN"]
        readers: set[str] = set()
        for role, role_arn in custom_stack.outputs["role_arns"].items():
            credentials = client("sts").assume_role(RoleArn=role_arn, RoleSessionName="probe")["Credentials"]
            keys = {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            }
            secrets = client("secretsmanager", credentials=keys, retries={"total_max_attempts": 1})
            try:
                secrets.get_secret_value(SecretId=secret_arn)
            except secrets.exceptions.ClientError as error:
                if error.response["Error"]["Code"] != "AccessDeniedException":
                    readers.add(role)  # allowed to read it; this stack's secret holds no value
                    continue
                assert error.response["Error"]["Message"] == (
                    f"User: arn:aws:sts::123456789012:assumed-role/{role_arn.rsplit('/', 1)[-1]}/probe is not authorized to perform: "
                    f"secretsmanager:GetSecretValue on resource: {secret_arn} because no identity-based policy allows "
                    "the secretsmanager:GetSecretValue action"
                )
            else:
                readers.add(role)
        # The cleanse job and the lake crawlers parse untrusted data: the source's login is out of their reach.
        assert readers == {"extract_job", "source_crawler"}

    def test_jobs_run_flex_with_bookmarks_and_the_chosen_workers(self, custom_stack: AppliedStack) -> None:
        glue = client("glue")
        for name in (custom_stack.outputs["extract_job_name"], custom_stack.outputs["cleanse_job_name"]):
            job = glue.get_job(JobName=name)["Job"]
            assert (job["ExecutionClass"], job["WorkerType"], job["NumberOfWorkers"]) == ("FLEX", "G.2X", 5)
            assert job["DefaultArguments"]["--job-bookmark-option"] == "job-bookmark-enable"
        # Concurrent runs of the extract job would share its bookmark: one table at a time; the cleanse job runs tables side by side.
        concurrency = {
            name: glue.get_job(JobName=name)["Job"]["ExecutionProperty"]["MaxConcurrentRuns"]
            for name in ("etl-custom-extract-to-raw", "etl-custom-cleanse")
        }
        assert concurrency == {"etl-custom-extract-to-raw": 1, "etl-custom-cleanse": 4}

    def test_each_crawler_has_a_target_per_table(self, custom_stack: AppliedStack) -> None:
        glue, bucket = client("glue"), custom_stack.outputs["bucket_name"]
        for crawler, stage in (
            (custom_stack.outputs["raw_crawler_name"], "raw"),
            (custom_stack.outputs["cleansed_crawler_name"], "cleansed"),
        ):
            paths = sorted(target["Path"] for target in glue.get_crawler(Name=crawler)["Crawler"]["Targets"]["S3Targets"])
            assert paths == [f"s3://{bucket}/{stage}/etl-custom/customers/", f"s3://{bucket}/{stage}/etl-custom/orders/"]

    def test_schedule_starts_the_state_machine(self, custom_stack: AppliedStack) -> None:
        events = client("events")
        rule = events.describe_rule(Name="etl-custom-pipeline-schedule")
        assert rule["ScheduleExpression"] == "cron(0 3 * * ? *)"
        (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        assert target["Arn"] == custom_stack.outputs["state_machine_arn"]
        assert target["RoleArn"] == custom_stack.outputs["role_arns"]["scheduler"]

    def test_crawler_polling_is_bounded_by_the_crawler_timeout(self, custom_stack: AppliedStack) -> None:
        definition = json.loads(custom_stack.outputs["state_machine_definition"])
        waits = json.loads(definition["States"]["LoadSettings"]["Parameters"]["poll_waits_seconds.$"].split("'")[1])
        assert waits[:4] == [5, 10, 20, 30]
        assert sum(waits[:-1]) < 10 * 60 <= sum(waits)

    def test_custom_stack_second_plan_shows_no_changes(self, custom_stack: AppliedStack) -> None:
        result = custom_stack.workspace.plan(custom_stack.variables, check=False)
        assert result.returncode == 0, f"the second plan is not empty:\n{result.stdout}{result.stderr}"

    def test_changed_workers_update_the_jobs_in_place_and_back(self, custom_stack: AppliedStack) -> None:
        glue = client("glue")
        jobs = (custom_stack.outputs["extract_job_name"], custom_stack.outputs["cleanse_job_name"])
        created_on = {name: glue.get_job(JobName=name)["Job"]["CreatedOn"] for name in jobs}

        for workers in (7, custom_stack.variables["number_of_workers"]):
            custom_stack.workspace.apply({**custom_stack.variables, "number_of_workers": workers})
            for name in jobs:
                job = glue.get_job(JobName=name)["Job"]
                assert (job["NumberOfWorkers"], job["CreatedOn"]) == (workers, created_on[name]), "updated, not replaced"
        assert custom_stack.workspace.plan(custom_stack.variables, check=False).returncode == 0
