"""Fixtures shared by every layer: the emulator, a local SparkSession, and the environment
that points any AWS SDK in this process at the emulator."""

from collections.abc import Iterator

import pytest

from local_aws import emulator
from tests.session import SESSION_PORT


@pytest.fixture(scope="session")
def emulator_endpoint() -> Iterator[str]:
    """This session's emulator, started for it and stopped after it."""
    with emulator.running_emulator(SESSION_PORT) as endpoint:
        yield endpoint


@pytest.fixture
def clean_emulator(emulator_endpoint: str) -> Iterator[str]:
    """The emulator with nothing in it."""
    emulator.reset()
    yield emulator_endpoint


@pytest.fixture(scope="session")
def spark():  # type: ignore[no-untyped-def]
    from glue_runtime import local_spark_session

    session = local_spark_session("tests")
    yield session
    session.stop()
