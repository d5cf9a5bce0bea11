"""Fixtures shared by every layer: the emulator, a local SparkSession, and the environment
that points any AWS SDK in this process at the emulator."""

import os
from collections.abc import Iterator

import pytest

from local_aws.clients import emulator_environment

# The Lambda handlers create their Glue client at import time, as on Lambda: the
# environment must point at the emulator before any test imports them.
os.environ.update(emulator_environment())

from local_aws import emulator


@pytest.fixture(scope="session")
def emulator_endpoint() -> Iterator[str]:
    """The running emulator: one already up (make emulator-up), or one started for the session."""
    with emulator.running_emulator() as endpoint:
        emulator.reset()
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
