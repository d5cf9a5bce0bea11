"""The pipeline deployed once by `terraform apply` to the emulator, with an SQS queue subscribed
to its failure topic, and reset before each scenario."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from local_aws import emulator
from local_aws.control import advance_time, set_time_scale
from local_aws.terraform import TerraformWorkspace
from tests.state_machine.pipeline_support import (
    LONGEST_PLANNED_SECONDS,
    TEST_ROOT,
    TIME_SCALE,
    DeployedPipeline,
    notifications,
    subscribe_to_failures,
)

STACK = {"name_prefix": "etl-sm", "use_existing_bucket": True, "crawler_timeout_minutes": 10}


@pytest.fixture(scope="module")
def pipeline(
    request: pytest.FixtureRequest, emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DeployedPipeline]:
    """The stack STACK describes, with the test module's own STACK_CHANGES."""
    emulator.reset()
    workspace = TerraformWorkspace(TEST_ROOT, Path(tmp_path_factory.mktemp("state-machine-stack")))
    workspace.init()
    workspace.apply({"local_endpoint": emulator_endpoint, **STACK, **getattr(request.module, "STACK_CHANGES", {})})
    outputs = workspace.outputs()["etl"]
    yield DeployedPipeline(outputs, subscribe_to_failures(outputs, "etl-sm-failures"))
    emulator.reset()


@pytest.fixture
def deployed(pipeline: DeployedPipeline) -> DeployedPipeline:
    """The pipeline with nothing in flight, no plans, no notifications waiting, and fast waits."""
    emulator.reset_control()
    advance_time(LONGEST_PLANNED_SECONDS)
    while notifications(pipeline, wait_seconds=0):
        pass
    set_time_scale(TIME_SCALE)
    return pipeline
