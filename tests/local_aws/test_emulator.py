"""Starting, reusing and stopping the emulator."""

import re

import pytest

from local_aws import emulator
from local_aws.clients import client
from local_aws.postgres import free_port


def test_emulator_starts_answers_and_stops_on_its_own_port() -> None:
    port = free_port()
    with emulator.running_emulator(port) as endpoint:
        assert endpoint == f"http://127.0.0.1:{port}"
        assert emulator.is_up(port)
        assert client("sts", port).get_caller_identity()["Account"] == "123456789012"
    assert not emulator.is_up(port)


def test_an_emulator_already_up_is_reused_and_left_running(emulator_endpoint: str) -> None:
    with emulator.running_emulator() as endpoint:
        assert endpoint == emulator_endpoint
    assert emulator.is_up()


def test_starting_on_a_busy_port_says_so(emulator_endpoint: str) -> None:
    with pytest.raises(emulator.EmulatorError, match=re.escape(f"Something already answers on {emulator_endpoint}")):
        emulator.start()
