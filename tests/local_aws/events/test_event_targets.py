"""EventBridge's delivery to Lambda targets and SNS topics, which the emulator adds
(local_aws/emulator/events/targets.py; its behaviour is proven where Glue's events reach
crawl_finished, tests/local_aws/glue/test_state_change_events.py), is still missing from moto."""

import json

import pytest

from tests.local_aws.moto_gaps import plain_moto, still_unimplemented

PATTERN = json.dumps({"source": ["pipeline.test"]})
EVENT = {"Source": "pipeline.test", "DetailType": "Test", "Detail": "{}"}


@pytest.mark.parametrize(
    "target", ["arn:aws:lambda:us-east-1:123456789012:function:crawl-finished", "arn:aws:sns:us-east-1:123456789012:pipeline-notifications"]
)
def test_moto_still_cannot_deliver_to_lambda_or_sns_targets(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    with plain_moto(monkeypatch) as moto_client:
        events = moto_client("events")
        events.put_rule(Name="rule", EventPattern=PATTERN)
        events.put_targets(Rule="rule", Targets=[{"Id": "target", "Arn": target}])
        still_unimplemented(lambda: events.put_events(Entries=[EVENT]), "events.targets (and deliver_to_lambda_targets)")
