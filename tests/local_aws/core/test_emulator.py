"""Starting and stopping the emulator: one per run, never shared."""

import re

import pytest

from local_aws import emulator
from local_aws.clients import client, configured_port, free_port


def test_emulator_starts_answers_and_stops_on_its_own_port() -> None:
    port = free_port()
    with emulator.running_emulator(port, job_runs="planned") as endpoint:
        assert endpoint == f"http://127.0.0.1:{port}"
        assert emulator.is_up(port)
        assert client("sts", port).get_caller_identity()["Account"] == "123456789012"
    assert not emulator.is_up(port)


def test_each_run_gets_an_emulator_of_its_own_and_leaves_the_others_running(emulator_endpoint: str) -> None:
    session_port = configured_port()
    with emulator.running_emulator(job_runs="planned") as endpoint:
        assert endpoint != emulator_endpoint
        assert configured_port() != session_port
    assert configured_port() == session_port
    assert emulator.is_up(session_port)


def test_starting_on_a_busy_port_says_so(emulator_endpoint: str) -> None:
    with pytest.raises(emulator.EmulatorError, match=re.escape(f"Something already answers on {emulator_endpoint}")):
        emulator.start(configured_port())
