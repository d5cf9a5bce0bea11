"""The state machine as deployed in each mode (crawler_wait x cleansed_format): the renderings of
state_machine.asl.json committed in docs/state_machine/, which tests/state_machine_docs.tftest.hcl keeps
equal to what the template renders. Their graph is checked here, and their pictures against them; the
template itself is checked to be JSON whose every state some mode deploys."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

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
    crawls = 1 if mode.endswith("iceberg") else 2
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
