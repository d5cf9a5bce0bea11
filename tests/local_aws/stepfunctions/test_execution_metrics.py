"""Each execution counts in Step Functions' AWS/States metrics of its state machine, as on AWS."""

import json
from datetime import timedelta

from local_aws import executions
from local_aws.clients import client
from local_aws.emulator.core.clock import CLOCK
from tests.roles import create_service_role

ROLE = "arn:aws:iam::123456789012:role/states"


def statistic(metric: str, state_machine_arn: str, statistic: str = "Sum") -> list[float]:
    now = CLOCK.utcnow()
    datapoints = client("cloudwatch").get_metric_statistics(
        Namespace="AWS/States",
        MetricName=metric,
        Dimensions=[{"Name": "StateMachineArn", "Value": state_machine_arn}],
        StartTime=now - timedelta(days=1),
        EndTime=now + timedelta(days=1),
        Period=86400,
        Statistics=[statistic],
    )["Datapoints"]
    return [datapoint[statistic] for datapoint in datapoints]


def test_a_failed_and_a_succeeded_execution_count_under_their_state_machine(clean_emulator: str) -> None:
    create_service_role("states", "states.amazonaws.com", [])
    sfn = client("stepfunctions")
    definition = {
        "StartAt": "Fails?",
        "States": {
            "Fails?": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "Failed"}], "Default": "Done"},
            "Failed": {"Type": "Fail", "Error": "TablesFailed"},
            "Done": {"Type": "Succeed"},
        },
    }
    machine = sfn.create_state_machine(name="outcomes", definition=json.dumps(definition), roleArn=ROLE)["stateMachineArn"]

    assert executions.run(machine, {"fail": True}, "fails").status == "FAILED"
    assert executions.run(machine, {"fail": False}, "succeeds").status == "SUCCEEDED"

    assert statistic("ExecutionsStarted", machine) == [2.0]
    assert (statistic("ExecutionsFailed", machine), statistic("ExecutionsSucceeded", machine)) == ([1.0], [1.0])
    assert statistic("ExecutionsTimedOut", machine) == []
    (longest,) = statistic("ExecutionTime", machine, "Maximum")
    assert 0 <= longest < 60_000
