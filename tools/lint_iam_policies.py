"""`make lint`'s IAM linter: parliament, with its community auditors, over every policy document the
examples deploy (role, trust, bucket, topic and key policies), rendered offline by the real provider
from a `terraform test` plan of each example (tools/iam_lint/render.tftest.hcl).

A finding above INFO fails the lint unless tools/iam_lint/allowlist.json holds it, citing the AWS page
that requires it or that shows parliament wrong; an allowlist entry that matches no finding fails it
too, so that the list never outlives its reasons. --documents DIR also writes each linted document."""

import argparse
import fnmatch
import functools
import json
import re
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

from tools.terraform_test_plans import TerraformTestError, plans_of_runs, terraform

ROOT = Path(__file__).resolve().parent.parent
TEST_DIRECTORY = "tools/iam_lint"
TEST_FILE = Path(TEST_DIRECTORY) / "render.tftest.hcl"
RENDER_DOCUMENTS = ROOT / TEST_DIRECTORY / "render_documents"
ALLOWLIST = ROOT / TEST_DIRECTORY / "allowlist.json"
WORK_DIR = ROOT / ".local" / "iam-lint"
ACCOUNT_ID = "123456789012"  # as render.tftest.hcl overrides aws_caller_identity
# parliament's severities, lowest first; anything above INFO fails the lint.
SEVERITIES = ["MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
PASSING_SEVERITIES = {"MUTE", "INFO"}
# What a plan leaves unknown in a policy document data source that it defers only for a pending dependency.
COMPUTED_DOCUMENT_ATTRIBUTES = {"id", "json", "minified_json"}
# A policy attribute set from a policy document data source, e.g. data.aws_iam_policy_document.lambda[each.key].json.
DOCUMENT_REFERENCE = re.compile(r"^\$\{(data\.aws_iam_policy_document\.\w+)(\[[^\]]+\])?\.json\}$")
DOCUMENT_ARGUMENTS = ("version", "policy_id", "source_policy_documents", "override_policy_documents", "statement")


class LintError(RuntimeError):
    """The policies could not be rendered; the message says what to fix."""


@dataclass
class Policy:
    """A policy document as deployed: where it is set (resource address and attribute), in which runs."""

    name: str
    document: str
    runs: list[str] = field(default_factory=list)
    # For a role's trust policy, the role: the resource the policy governs (see for_parliament).
    role_arn: str | None = None

    def for_parliament(self) -> str:
        """The document as parliament can judge it. parliament reads every policy as an identity policy and
        stops at a statement without Resource (HIGH MALFORMED, https://github.com/duo-labs/parliament/issues/229),
        but IAM refuses a trust policy with one ("MalformedPolicyDocument: Has prohibited field Resource"), and
        Access Analyzer's MISSING_RESOURCE check exempts trust policies:
        https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-missing-resource
        A trust policy governs its role, so the role is given as each statement's Resource: parliament then
        checks the rest (principals, actions, condition keys) as it does any resource policy."""
        if self.role_arn is None:
            return self.document
        document = json.loads(self.document)
        statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
        for statement in statements:
            if "Resource" not in statement and "NotResource" not in statement:
                statement["Resource"] = self.role_arn
        return json.dumps(document)


@dataclass
class Finding:
    policy: str
    issue: str
    severity: str
    title: str
    detail: Any  # parliament's: a sentence, or the list of actions concerned
    location: dict[str, Any]
    runs: list[str] = field(default_factory=list)

    def actions(self) -> list[str]:
        """The actions the finding names, wherever parliament puts them for its issue."""
        if isinstance(self.location.get("actions"), list):
            return [str(action) for action in self.location["actions"]]
        if isinstance(self.detail, list):
            return [str(action) for action in self.detail]
        return re.findall(r"for action (\S+)", str(self.detail))

    def describe(self) -> str:
        where = {key: value for key, value in self.location.items() if key != "filepath"}
        detail = self.detail
        if isinstance(detail, list) and len(detail) > 6:
            detail = f"{', '.join(map(str, detail[:6]))} and {len(detail) - 6} more"
        detail = f" {detail}" if detail else ""
        return f"{self.severity} {self.issue} in {self.policy} ({', '.join(self.runs)}): {self.title}.{detail} {json.dumps(where)}"


@dataclass
class AllowlistEntry:
    """A finding that AWS requires, or that parliament gets wrong. It matches a finding of `issue` in the
    policies named by `policy` (`*` matches any characters) when every action the finding names matches
    the `action` pattern, and its detail contains `detail` (each when given)."""

    policy: str
    issue: str
    aws_page: str
    why: str
    action: str | None = None
    detail: str | None = None
    matched: bool = field(default=False, compare=False)

    def matches(self, finding: Finding) -> bool:
        policy = re.compile(".*".join(re.escape(part) for part in self.policy.split("*")))
        if finding.issue != self.issue or not policy.fullmatch(finding.policy):
            return False
        if self.action is not None:
            named = finding.actions()
            if not named or not all(fnmatch.fnmatchcase(action.lower(), self.action.lower()) for action in named):
                return False
        return self.detail is None or self.detail.lower() in str(finding.detail).lower()


def checked(result: subprocess.CompletedProcess[str], what: str) -> str:
    if result.returncode != 0:
        raise LintError(f"{what} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def plan_examples() -> dict[str, dict[str, Any]]:
    """Each run of render.tftest.hcl: its plan, as JSON."""
    try:
        runs = plans_of_runs(WORK_DIR / "test" / ".terraform", TEST_DIRECTORY)
    except TerraformTestError as error:
        raise LintError(str(error)) from error
    if runs.errors or runs.failed_assertions:
        raise LintError("terraform test of the examples failed:\n" + "\n".join(runs.errors + runs.failed_assertions))
    return runs.plans


def _unquoted(value: str) -> str:
    return value.strip('"')


def _blocks(directory: Path, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(type, name, body) of each `kind` block (resource or module) of the directory's .tf files, as python-hcl2 reads them."""
    found = []
    for path in sorted(directory.glob("*.tf")):
        for block in hcl2.loads(path.read_text()).get(kind, []):
            for first_label, body in block.items():
                if kind == "module":
                    found.append(("module", _unquoted(first_label), body))
                else:
                    found += [(_unquoted(first_label), _unquoted(name), named) for name, named in body.items()]
    return found


def module_directories() -> dict[str, dict[str, Path]]:
    """For each run of render.tftest.hcl: the directory of each module path in its plan ("" for the example)."""
    directories: dict[str, dict[str, Path]] = {}
    for run_block in hcl2.loads((ROOT / TEST_FILE).read_text())["run"]:
        for run_name, body in run_block.items():
            example = (ROOT / _unquoted(body["module"][0]["source"])).resolve()
            paths = {"": example}
            for _, name, module in _blocks(example, "module"):
                paths[f"module.{name}"] = (example / _unquoted(module["source"])).resolve()
            directories[_unquoted(run_name)] = paths
    return directories


@functools.cache
def configured_policy_expressions(directory: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(resource type, name) -> {policy attribute: its expression as written} in `directory`."""
    return {
        (resource_type, name): {key: value for key, value in body.items() if "polic" in key and isinstance(value, str)}
        for resource_type, name, body in _blocks(directory, "resource")
    }


def _is_policy(value: Any) -> bool:
    if not isinstance(value, str) or '"Statement"' not in value:
        return False
    try:
        return isinstance(json.loads(value), dict)
    except json.JSONDecodeError:
        return False


def _any_unknown(unknown: Any) -> bool:
    if isinstance(unknown, dict):
        return any(_any_unknown(value) for value in unknown.values())
    if isinstance(unknown, list):
        return any(_any_unknown(value) for value in unknown)
    return unknown is True


@dataclass
class PlannedPolicies:
    """One run's policies: those its plan knows, and those set from a document it defers to apply."""

    known: dict[str, str] = field(default_factory=dict)  # policy name -> document
    from_documents: dict[str, str] = field(default_factory=dict)  # policy name -> data source address
    deferred_documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # data source address -> arguments
    trusting_roles: dict[str, str] = field(default_factory=dict)  # trust policy name -> its role's ARN


def planned_policies(run: str, plan: dict[str, Any], directories: dict[str, Path]) -> PlannedPolicies:
    found = PlannedPolicies()
    for change in plan["resource_changes"]:
        after: dict[str, Any] = change["change"]["after"] or {}
        unknown: dict[str, Any] = change["change"].get("after_unknown") or {}
        if change["mode"] == "data":
            if change["type"] == "aws_iam_policy_document":
                if _any_unknown({key: value for key, value in unknown.items() if key not in COMPUTED_DOCUMENT_ATTRIBUTES}):
                    raise LintError(f"{run}: {change['address']} has arguments unknown at plan: override their source in {TEST_FILE}")
                found.deferred_documents[change["address"]] = {key: after[key] for key in DOCUMENT_ARGUMENTS if after.get(key) is not None}
            continue
        for attribute, value in after.items():
            if _is_policy(value):
                found.known[f"{change['address']}.{attribute}"] = value
        if change["type"] == "aws_iam_role":
            role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role{after.get('path') or '/'}{after['name']}"
            found.trusting_roles[f"{change['address']}.assume_role_policy"] = role_arn
        unknown_policies = [attribute for attribute, value in unknown.items() if value is True and "polic" in attribute]
        if not unknown_policies:
            continue
        module = change.get("module_address", "")
        configured = configured_policy_expressions(directories[module]).get((change["type"], change["name"]), {})
        # A policy attribute the configuration leaves to the provider (an aws_s3_bucket's policy) is not one the module sets.
        for attribute in (attribute for attribute in unknown_policies if attribute in configured):
            expression = configured[attribute]
            name = f"{change['address']}.{attribute}"
            reference = DOCUMENT_REFERENCE.match(expression)
            if reference is None:
                raise LintError(f"{run}: {name} ({expression}) is unknown at plan: override what it is built from in {TEST_FILE}")
            document, index = reference.groups()
            if index == "[each.key]":
                index = f"[{json.dumps(change['index'])}]"
            found.from_documents[name] = f"{module + '.' if module else ''}{document}{index or ''}"
    return found


def render_documents(documents: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The JSON that the provider renders for each deferred document's arguments (render_documents/main.tf)."""
    if not documents:
        return {}
    data_dir = WORK_DIR / "render" / ".terraform"
    checked(terraform("init", "-backend=false", "-no-color", data_dir=data_dir, chdir=RENDER_DOCUMENTS), "terraform init (render)")
    with tempfile.TemporaryDirectory() as scratch:
        variables = Path(scratch) / "documents.tfvars.json"
        variables.write_text(json.dumps({"documents": documents}))
        # An apply of data sources alone creates nothing: it records their outputs in the scratch state.
        state = Path(scratch) / "terraform.tfstate"
        apply = ("apply", "-auto-approve", "-no-color", f"-var-file={variables}", f"-state={state}")
        checked(terraform(*apply, data_dir=data_dir, chdir=RENDER_DOCUMENTS), "terraform apply (render)")
        rendered: dict[str, str] = json.loads(state.read_text())["outputs"]["json"]["value"]
    return rendered


def collect_policies(plans: dict[str, dict[str, Any]], directories: dict[str, dict[str, Path]]) -> list[Policy]:
    """Every policy of every run; each distinct one once, with the runs that deploy it."""
    per_run = {run: planned_policies(run, plan, directories[run]) for run, plan in plans.items()}
    rendered = render_documents(
        {f"{run}/{address}": arguments for run, found in per_run.items() for address, arguments in found.deferred_documents.items()}
    )
    policies: dict[tuple[str, str, str], Policy] = {}
    for run, found in per_run.items():
        documents = dict(found.known)
        for name, address in found.from_documents.items():
            if f"{run}/{address}" not in rendered:
                raise LintError(f"{run}: {name} is set from {address}, which the plan neither knows nor defers")
            documents[name] = rendered[f"{run}/{address}"]
        for name, document in documents.items():
            role_arn = found.trusting_roles.get(name)
            key = (name, json.dumps(json.loads(document), sort_keys=True), role_arn or "")
            policies.setdefault(key, Policy(name, document, role_arn=role_arn)).runs.append(run)
    return sorted(policies.values(), key=lambda policy: (policy.name, policy.runs))


def lint(policies: list[Policy]) -> list[Finding]:
    """parliament's findings, community auditors on, with the severities its configuration gives them;
    a finding in several policies of one name (several runs) once, with all their runs."""
    with warnings.catch_warnings():
        # parliament reads its bundled IAM definitions through pkg_resources, which warns that it is deprecated.
        warnings.simplefilter("ignore", UserWarning)
        import parliament

    parliament.override_config(Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml")
    findings: dict[str, Finding] = {}
    for policy in policies:
        analyzed = parliament.analyze_policy_string(
            policy.for_parliament(), filepath=policy.name, include_community_auditors=True, config=parliament.config
        )
        for raw in analyzed.findings:
            parliament.enhance_finding(raw)
            finding = Finding(policy.name, raw.issue, raw.severity, raw.title, raw.detail, raw.location)
            key = json.dumps([finding.policy, finding.issue, finding.detail, finding.location], sort_keys=True, default=str)
            findings.setdefault(key, finding).runs += [run for run in policy.runs if run not in findings[key].runs]
    return list(findings.values())


def load_allowlist(path: Path) -> list[AllowlistEntry]:
    return [AllowlistEntry(**entry) for entry in json.loads(path.read_text())]


def judge(findings: list[Finding], allowlist: list[AllowlistEntry]) -> tuple[list[Finding], list[Finding], list[AllowlistEntry]]:
    """(findings that fail the lint, findings that pass it, stale allowlist entries)."""
    failing: list[Finding] = []
    passing: list[Finding] = []
    for finding in findings:
        entries = [entry for entry in allowlist if entry.matches(finding)]
        for entry in entries:
            entry.matched = True
        (passing if entries or finding.severity in PASSING_SEVERITIES else failing).append(finding)
    return failing, passing, [entry for entry in allowlist if not entry.matched]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--allowlist", type=Path, default=ALLOWLIST)
    parser.add_argument("--documents", type=Path, help="write each linted document to this folder")
    arguments = parser.parse_args(argv)
    try:
        policies = collect_policies(plan_examples(), module_directories())
    except LintError as error:
        print(error, file=sys.stderr)
        return 2
    if arguments.documents:
        arguments.documents.mkdir(parents=True, exist_ok=True)
        for number, policy in enumerate(policies):
            document = {"policy": policy.name, "runs": policy.runs, "document": json.loads(policy.document)}
            (arguments.documents / f"{number:02d}.json").write_text(json.dumps(document, indent=2) + "\n")
    failing, passing, stale = judge(lint(policies), load_allowlist(arguments.allowlist))
    for finding in sorted(passing, key=lambda finding: finding.policy):
        print(f"allowed: {finding.describe()}")
    for finding in sorted(failing, key=lambda finding: (-SEVERITIES.index(finding.severity), finding.policy)):
        print(f"FAIL: {finding.describe()}")
    for entry in stale:
        print(f"FAIL: stale allowlist entry, no finding matches it: {entry.issue} in {entry.policy} ({entry.action or entry.detail})")
    print(f"IAM lint: {len(policies)} policies, {len(failing)} findings above INFO not allowlisted, {len(stale)} stale allowlist entries")
    return 1 if failing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
