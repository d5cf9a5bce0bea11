"""The test root deployed once by `terraform apply` to the emulator for each test module (or test
class) with its own STACK (tests/stacks.py), and made ready before each scenario."""

from collections.abc import Iterator

import pytest

from tests.stacks import DeployedPipeline, deploy_root, ready


@pytest.fixture(scope="module")
def module_pipeline(
    request: pytest.FixtureRequest, emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DeployedPipeline]:
    """The stack of a module's STACK, for the tests outside any class."""
    yield from deploy_root(request, tmp_path_factory, emulator_endpoint)


@pytest.fixture(scope="class")
def pipeline(
    request: pytest.FixtureRequest, emulator_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DeployedPipeline]:
    """The stack of the test class's STACK, or outside a class the module's (pytest gives a class-scoped
    fixture used outside a class to each test anew, so that one is module-scoped)."""
    if request.cls is None:
        yield request.getfixturevalue("module_pipeline")
    else:
        yield from deploy_root(request, tmp_path_factory, emulator_endpoint)


@pytest.fixture
def deployed(pipeline: DeployedPipeline) -> DeployedPipeline:
    """The pipeline with nothing in flight, no plans, no notifications waiting, and fast waits."""
    return ready(pipeline)
