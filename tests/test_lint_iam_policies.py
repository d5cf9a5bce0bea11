"""The IAM linter of `make lint` (tools/lint_iam_policies.py) on policies of its own: what fails it,
what its allowlist lets pass, and the committed allowlist's citations. `make lint` runs it over the
examples' rendered policies."""

import json
from typing import Any

from tools.lint_iam_policies import ALLOWLIST, AllowlistEntry, Finding, Policy, judge, lint, load_allowlist

PAGE = "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html"


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def issues(findings: list[Finding]) -> set[str]:
    return {finding.issue for finding in findings}


def test_an_object_action_on_the_bucket_arn_fails_the_lint() -> None:
    policy = Policy("role_policy", document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lake"}), ["example"])

    failing, _, _ = judge(lint([policy]), [])

    assert issues(failing) == {"RESOURCE_MISMATCH"}
    assert failing[0].runs == ["example"]


def test_an_allowlisted_finding_passes_and_an_entry_matching_no_finding_is_stale() -> None:
    policy = Policy("state_machine", document({"Effect": "Allow", "Action": "logs:PutResourcePolicy", "Resource": "*"}), ["example"])
    allowed = AllowlistEntry("state_machine", "PERMISSIONS_MANAGEMENT_ACTIONS", PAGE, "why", action="logs:PutResourcePolicy")
    stale = AllowlistEntry("glue_job", "RESOURCE_STAR", PAGE, "why", action="ec2:*")

    failing, passing, stale_entries = judge(lint([policy]), [allowed, stale])

    assert (failing, issues(passing), stale_entries) == ([], {"PERMISSIONS_MANAGEMENT_ACTIONS"}, [stale])


def test_an_entry_allows_a_finding_only_when_its_action_covers_every_action_the_finding_names() -> None:
    named = {"actions": ["logs:putresourcepolicy", "iam:putrolepolicy"]}
    finding = Finding("state_machine", "PERMISSIONS_MANAGEMENT_ACTIONS", "MEDIUM", "Permissions management actions", "", named)
    entry = AllowlistEntry("state_machine", "PERMISSIONS_MANAGEMENT_ACTIONS", PAGE, "why", action="logs:PutResourcePolicy")

    failing, _, stale = judge([finding], [entry])

    assert (failing, stale) == ([finding], [entry])


def test_a_trust_policy_is_judged_as_the_resource_policy_of_its_role() -> None:
    # A trust policy has no Resource (IAM refuses one); parliament would stop there, MALFORMED.
    condition = {"StringEqualz": {"aws:SourceAccount": "123456789012"}}  # a typo in the operator
    principal = {"Service": "states.amazonaws.com"}
    trust = document({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal, "Condition": condition})

    found = issues(lint([Policy("trust", trust, ["example"], role_arn="arn:aws:iam::123456789012:role/pipeline")]))

    assert "MALFORMED" not in found
    assert "UNKNOWN_OPERATOR" in found


def test_every_allowlist_entry_cites_an_aws_page_and_says_why() -> None:
    for entry in load_allowlist(ALLOWLIST):
        assert entry.aws_page.startswith("https://docs.aws.amazon.com/"), entry
        assert entry.why.strip(), entry
