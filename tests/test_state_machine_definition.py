"""The state machine as deployed in each mode (crawler_wait x cleansed_format, and catalog_updates =
"jobs" x cleansed_format): the renderings of state_machine.asl.json committed in docs/state_machine/,
which tests/state_machine_docs.tftest.hcl keeps equal to what the template renders. Their graph is
checked here, and their pictures against them; the template itself is checked to be JSON whose every
state some mode deploys."""

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local_aws import PROJECT_ROOT
from tools.asl_graph import to_dot
from tools.state_machine_docs import DOCS, MODES, stale_pictures

TRANSIENT_LAMBDA_ERRORS = {
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.TooManyRequestsException",
}
# The crawl-wait states of each crawler_wait mode, raw stage then cleansed stage.
CRAWL_WAIT_STATES = {
    "poll": ("StartRawCrawler", "IsRawCrawlerDone", "StartCleansedCrawler", "IsCleansedCrawlerDone"),
    "event": ("AwaitRawCrawl", "IsRawCrawlDoneAfterWait", "AwaitCleansedCrawl", "IsCleansedCrawlDoneAfterWait"),
}


TEMPLATE = PROJECT_ROOT / "state_machine.asl.json"


def rendering(mode: str) -> Path:
    return DOCS / f"{mode}.asl.json"


@pytest.fixture(params=sorted(MODES.values()))
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def asl(mode: str) -> dict[str, Any]:
    definition: dict[str, Any] = json.loads(rendering(mode).read_text())
    return definition


def scopes(machine: dict[str, Any]) -> list[dict[str, Any]]:
    """The machine and, within it, each Map state's item processor: each a StartAt and its States."""
    found = [machine]
    for state in machine["States"].values():
        if state["Type"] == "Map":
            found += scopes(state["ItemProcessor"])
    return found


def all_states(machine: dict[str, Any]) -> dict[str, dict[str, Any]]:
    every: dict[str, dict[str, Any]] = {}
    for scope in scopes(machine):
        assert not set(every) & set(scope["States"]), "state names are unique across the machine"
        every.update(scope["States"])
    return every


def test_the_template_is_valid_json_with_placeholders_only_inside_strings() -> None:
    template = json.loads(TEMPLATE.read_text())
    assert "%{" not in TEMPLATE.read_text(), "modes choose groups of ModeStates, not template directives"
    assert set(template) == {"Comment", "StartAt", "TimeoutSeconds", "States", "ModeStates"}


def test_each_state_of_the_template_is_written_once_and_deployed_by_the_modes_that_choose_it() -> None:
    # orchestration.tf merges the chosen groups into States: a name in two places would be overwritten.
    template = json.loads(TEMPLATE.read_text())
    groups = {name: states for name, states in template["ModeStates"].items() if name != "Comment"}
    places = [set(template["States"]), *map(set, groups.values())]
    assert sum(map(len, places)) == len(set().union(*places))
    deployed = {mode: set(json.loads(rendering(mode).read_text())["States"]) for mode in MODES.values()}
    assert all(set(template["States"]) <= names for names in deployed.values())
    for group, states in groups.items():
        assert any(set(states) <= names for names in deployed.values()), f"no mode chooses {group}"
    assert all(names <= set().union(*places) for names in deployed.values())


def test_docs_hold_a_rendering_of_every_mode() -> None:
    assert sorted(path.name for path in DOCS.glob("*.asl.json")) == sorted(f"{mode}.asl.json" for mode in MODES.values())


def test_each_mode_holds_the_crawl_waits_of_its_crawler_wait_and_no_others(mode: str, asl: dict[str, Any]) -> None:
    crawler_wait, cleansed_format = mode.split("-")
    names = set(all_states(asl))
    if crawler_wait == "jobs":
        # catalog_updates = "jobs": the jobs catalog what they write, no state crawls or waits for a crawl.
        assert {name for name in names if "Crawl" in name} == set()
        assert asl["States"]["IsAnyTableExtracted"]["Choices"][0]["Next"] == "CleanseTables"
        assert asl["States"]["CleanseTables"]["Next"] == "ReportRun"
        return
    other_wait = "event" if crawler_wait == "poll" else "poll"
    raw_first, raw_last, cleansed_first, cleansed_last = CRAWL_WAIT_STATES[crawler_wait]
    assert {raw_first, raw_last} <= names
    assert names.isdisjoint(CRAWL_WAIT_STATES[other_wait])
    # Iceberg tables need no crawl of cleansed: none of its states is written, so none is unreachable.
    cleansed_crawl = {name for name in names if "CleansedCrawl" in name or "CleansedTables" in name}
    if cleansed_format == "iceberg":
        assert cleansed_crawl == set() and asl["States"]["CleanseTables"]["Next"] == "ReportRun"
    else:
        assert {cleansed_first, cleansed_last, "FindCleansedTables", "RecordCleansedCrawlFailure"} <= names


def test_every_transition_names_an_existing_state_of_its_scope(asl: dict[str, Any]) -> None:
    for scope in scopes(asl):
        states = scope["States"]
        targets = [("StartAt", scope["StartAt"])]
        for name, state in states.items():
            targets += [(f"{name}.Next", state["Next"])] if "Next" in state else []
            targets += [(f"{name}.Default", state["Default"])] if "Default" in state else []
            targets += [(f"{name}.Choices[{i}]", choice["Next"]) for i, choice in enumerate(state.get("Choices", []))]
            targets += [(f"{name}.Catch[{i}]", catch["Next"]) for i, catch in enumerate(state.get("Catch", []))]
        missing = [(where, target) for where, target in targets if target not in states]
        assert missing == []


def test_every_state_is_reachable(asl: dict[str, Any]) -> None:
    for scope in scopes(asl):
        states, reached, frontier = scope["States"], set(), [scope["StartAt"]]
        while frontier:
            name = frontier.pop()
            if name in reached:
                continue
            reached.add(name)
            state = states[name]
            frontier += [state[key] for key in ("Next", "Default") if key in state]
            frontier += [choice["Next"] for choice in state.get("Choices", [])] + [catch["Next"] for catch in state.get("Catch", [])]
        assert set(states) - reached == set()


def test_every_task_has_a_timeout_and_a_catch(asl: dict[str, Any]) -> None:
    for name, state in all_states(asl).items():
        if state["Type"] == "Task":
            assert "TimeoutSeconds" in state or "TimeoutSecondsPath" in state, f"{name} has no timeout"
            assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], f"{name} must catch States.ALL last"


def test_states_all_stands_alone_and_last(asl: dict[str, Any]) -> None:
    for name, state in all_states(asl).items():
        for field in ("Retry", "Catch"):
            rules = state.get(field, [])
            for index, rule in enumerate(rules):
                if "States.ALL" in rule["ErrorEquals"]:
                    assert rule["ErrorEquals"] == ["States.ALL"] and index == len(rules) - 1, f"{name}.{field}[{index}]"


def test_lambda_tasks_retry_transient_lambda_errors(mode: str, asl: dict[str, Any]) -> None:
    lambda_tasks = {name: state for name, state in all_states(asl).items() if ":states:::lambda:invoke" in state.get("Resource", "")}
    crawls = 0 if mode.startswith("jobs") else 1 if mode.endswith("iceberg") else 2
    assert len(lambda_tasks) == 2 + 2 * crawls  # resolve_run, report_run, and two for each crawl
    for name, state in lambda_tasks.items():
        retried = {error for rule in state["Retry"] for error in rule["ErrorEquals"]}
        assert retried >= TRANSIENT_LAMBDA_ERRORS, f"{name} does not retry {TRANSIENT_LAMBDA_ERRORS - retried}"


def test_glue_job_tasks_retry_a_throttled_start_under_the_name_step_functions_reports(asl: dict[str, Any]) -> None:
    # A throttled StartJobRun fails the task with Glue.AWSGlueException, never Glue.ThrottlingException:
    # https://repost.aws/knowledge-center/glue-throttling-rate-exceeded
    definition = json.dumps(asl)
    job_tasks = {name: state for name, state in all_states(asl).items() if state.get("Resource", "").endswith("glue:startJobRun.sync")}
    assert sorted(job_tasks) == ["RunCleanseJob", "RunExtractJob"]
    assert "Glue.ThrottlingException" not in definition
    for name, state in job_tasks.items():
        rules = {error: rule for rule in state["Retry"] for error in rule["ErrorEquals"]}
        assert "Glue.ConcurrentRunsExceededException" in rules, name
        # Glue.AWSGlueException also stands for Glue errors that retrying does not cure.
        assert rules["Glue.AWSGlueException"]["MaxAttempts"] <= 3, name


def test_docs_pictures_match_their_definitions(mode: str, asl: dict[str, Any]) -> None:
    # The DOT text, not the SVG, is compared: Graphviz draws differently from one version to the next.
    assert (DOCS / f"{mode}.dot").read_text() == to_dot(asl, mode), "run `make docs`"


def test_docs_svgs_were_drawn_from_the_committed_dot_files() -> None:
    assert stale_pictures() == [], "run `make docs`"


@pytest.mark.terraform
def test_docs_definitions_are_what_the_template_renders() -> None:
    """The four runs of tests/state_machine_docs.tftest.hcl, through the tool that writes docs/."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.state_machine_docs", "--check"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# The table settings a module renders with per-table job arguments (28-module's extract_job_arguments
# and cleanse_job_arguments), one of them clashing with a run argument, which must win it.
TABLE_JOB_ARGUMENTS = {
    "extract_job_arguments": {"--job-bookmark-option": "job-bookmark-enable", "--run_id": "not-this-run"},
    "cleanse_job_arguments": {"--deletes": "mirror", "--max_deleted_ratio": "0.1"},
}


def jobs_as_pass_states(mode: str) -> dict[str, Any]:
    """The rendering's ExtractTables and CleanseTables with each job task a Pass state of the same
    Parameters: its job's arguments end in the table's run (extract_job / cleanse_job) as the
    interpreter evaluated them."""
    states = json.loads(rendering(mode).read_text())["States"]
    stages = {"ExtractTables": states["ExtractTables"], "CleanseTables": states["CleanseTables"]}
    for task in ("RunExtractJob", "RunCleanseJob"):
        stage = stages["ExtractTables" if task == "RunExtractJob" else "CleanseTables"]["ItemProcessor"]["States"]
        job = stage[task]
        stage[task] = {
            "Type": "Pass",
            "Parameters": {"Arguments.$": job["Parameters"]["Arguments.$"]},
            "ResultPath": job["ResultPath"],
            "Next": job["Next"],
        }
    stages["ExtractTables"]["Next"] = "CleanseTables"
    stages["CleanseTables"].pop("Next")
    stages["CleanseTables"]["End"] = True
    return {"StartAt": "ExtractTables", "States": stages}


def job_arguments_of_a_run(mode: str, tables: list[str], table_job_arguments: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each table's run through the rendering's two stages on moto's interpreter, the run of `tables`,
    the tables' settings those LoadTables renders with `table_job_arguments` by table name."""
    rendered = json.loads(rendering(mode).read_text())["States"]
    settings = [{**table, **table_job_arguments.get(table["name"], {})} for table in rendered["LoadTables"]["Result"]]
    names = [table["name"] for table in settings]
    execution_input = {
        "run": {"run_id": "r1"},
        "selection": {"tables": tables, "all_tables": len(tables) == len(names)},
        "settings": {"tables": settings, "job_task_timeout_seconds": 600, "extract_concurrency": 1, "cleanse_concurrency": 1},
    }
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        machine = sfn.create_state_machine(
            name="stages", definition=json.dumps(jobs_as_pass_states(mode)), roleArn="arn:aws:iam::123456789012:role/states"
        )["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=machine, name="r1", input=json.dumps(execution_input))["executionArn"]
        deadline = time.monotonic() + 30
        while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "the execution never ended"
            time.sleep(0.1)
    assert described["status"] == "SUCCEEDED", described.get("cause")
    return {table_run["table"]["name"]: table_run for table_run in json.loads(described["output"])["table_runs"]}


def test_every_table_is_rendered_with_both_job_argument_maps(asl: dict[str, Any]) -> None:
    # RunExtractJob and RunCleanseJob merge them: a table without one would fail its run.
    for table in asl["States"]["LoadTables"]["Result"]:
        assert isinstance(table["extract_job_arguments"], dict) and isinstance(table["cleanse_job_arguments"], dict), table["name"]


@pytest.mark.parametrize("mode", ["poll-parquet", "event-iceberg"])
def test_the_jobs_get_the_tables_own_arguments_under_the_runs(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    table_runs = job_arguments_of_a_run(mode, ["customers", "orders"], {"customers": TABLE_JOB_ARGUMENTS})

    customers, orders = table_runs["customers"], table_runs["orders"]
    raw, reports = customers["table"]["raw_path"], customers["table"]["reports_path"]
    assert customers["extract_job"]["Arguments"] == {
        "--job-bookmark-option": "job-bookmark-enable",
        "--run_id": "r1",
        "--source_table": "source_customers",
        "--output_path": f"{raw}run_id=r1/",
        "--report_path": f"{reports}run_id=r1/extract_job.json",
    }
    assert customers["cleanse_job"]["Arguments"] == {
        "--deletes": "mirror",
        "--max_deleted_ratio": "0.1",
        "--run_id": "r1",
        "--input_path": f"{raw}run_id=r1/",
        "--output_path": customers["table"]["cleansed_path"],
        "--quarantine_path": customers["table"]["quarantine_path"],
        "--cleansing_rules": customers["table"]["cleansing_rules"],
        "--cleansed_table": customers["table"]["cleansed_table"],
        "--report_path": f"{reports}run_id=r1/cleanse_job.json",
        "--run_covers_all_tables": "true",
    }
    # A table left as rendered runs with its own bookmark option (every table has one) and the run's arguments.
    assert orders["extract_job"]["Arguments"] == {
        "--job-bookmark-option": "job-bookmark-disable",
        "--run_id": "r1",
        "--source_table": orders["table"]["source_table"],
        "--output_path": f"{orders['table']['raw_path']}run_id=r1/",
        "--report_path": f"{orders['table']['reports_path']}run_id=r1/extract_job.json",
    }
    assert "--deletes" not in orders["cleanse_job"]["Arguments"]


def test_a_run_of_some_tables_tells_the_cleanse_job_it_does_not_cover_them_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    table_runs = job_arguments_of_a_run("poll-iceberg", ["customers"], {"customers": TABLE_JOB_ARGUMENTS})

    assert table_runs["customers"]["cleanse_job"]["Arguments"]["--run_covers_all_tables"] == "false"
    assert table_runs["customers"]["cleanse_job"]["Arguments"]["--deletes"] == "mirror"
    assert table_runs["orders"]["status"] == "skipped" and "cleanse_job" not in table_runs["orders"]


def test_in_jobs_mode_each_job_run_is_told_its_catalog_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    table_runs = job_arguments_of_a_run("jobs-parquet", ["customers", "orders"], {})

    for name, table_run in table_runs.items():
        assert table_run["extract_job"]["Arguments"]["--catalog_table"] == f"docs.raw_{name}"
        assert table_run["cleanse_job"]["Arguments"]["--catalog_table"] == f"docs.cleansed_{name}"
