"""moto as it is, unpatched, in the test process: the local stack's patches are installed only in
the emulator process (`local_aws.emulator.server`). Each `test_moto_still_*` shows the gap one of the
emulator's fills closes, and fails the day moto closes it, naming the fill to delete."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.config import DefaultConfig

REGION = "us-east-1"
# moto as the emulator runs it: its executions run (the Step Functions parser backend).
RUN_EXECUTIONS: DefaultConfig = {"stepfunctions": {"execute_state_machine": True}}


@contextmanager
def plain_moto(monkeypatch: pytest.MonkeyPatch, config: DefaultConfig | None = None) -> Iterator[Callable[[str], Any]]:
    """moto in this process, not the session's emulator; yields a maker of its clients."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws(config=config):
        yield lambda service: boto3.client(service, region_name=REGION)


def still_lacking(gap: bool, fill: str) -> None:
    """The gap `fill` closes is still open in moto."""
    assert gap, f"moto fixed this: delete {fill} and this test"


def still_unimplemented(call: Callable[[], Any], fill: str) -> None:
    """`call` still fails as moto fails an action it does not implement."""
    try:
        call()
    except NotImplementedError:
        return
    pytest.fail(f"moto implements this now: delete {fill} and this test")
