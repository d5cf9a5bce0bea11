"""IAM policy evaluation as AWS documents it, for identity-based and trust policies.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html:
an explicit Deny in any statement wins; otherwise an Allow that matches the action, the resource
and every condition allows; otherwise the request is implicitly denied. Actions match
case-insensitively, resources case-sensitively, both with `*` and `?` wildcards.

Conditions (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
operators are ANDed, keys within an operator are ANDed, the values of one key are ORed. A key
absent from the request context does not match, except under a negated operator (StringNotEquals,
StringNotLike, ArnNotEquals, ArnNotLike), where the condition is true, under `...IfExists`, where it
is true, and under `Null`, which tests for absence.
"""

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

ConditionContext = Mapping[str, str | list[str]]


class Decision(Enum):
    ALLOWED = "allowed"
    IMPLICIT_DENY = "implicit deny"
    EXPLICIT_DENY = "explicit deny"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str, case_sensitive: bool) -> bool:
    """IAM's wildcards: `*` any run of characters, `?` one character; nothing else is special."""
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, flags=0 if case_sensitive else re.IGNORECASE) is not None


def action_matches(pattern: str, action: str) -> bool:
    return _wildcard(pattern, action, case_sensitive=False)


def resource_matches(pattern: str, resource: str) -> bool:
    return _wildcard(pattern, resource, case_sensitive=True)


def _string_like(pattern: str, value: str) -> bool:
    return _wildcard(pattern, value, case_sensitive=True)


def _number(value: str) -> float:
    return float(value)


def _bool(value: str) -> bool:
    return str(value).lower() == "true"


def _ip_in(cidr: str, value: str) -> bool:
    return ipaddress.ip_address(value) in ipaddress.ip_network(cidr, strict=False)


# operator -> (compare(policy value, request value), negated)
_OPERATORS: dict[str, tuple[Any, bool]] = {
    "StringEquals": (lambda policy, request: policy == request, False),
    "StringNotEquals": (lambda policy, request: policy == request, True),
    "StringEqualsIgnoreCase": (lambda policy, request: policy.lower() == request.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda policy, request: policy.lower() == request.lower(), True),
    "StringLike": (_string_like, False),
    "StringNotLike": (_string_like, True),
    "ArnEquals": (lambda policy, request: policy == request, False),
    "ArnNotEquals": (lambda policy, request: policy == request, True),
    "ArnLike": (_string_like, False),
    "ArnNotLike": (_string_like, True),
    "NumericEquals": (lambda policy, request: _number(policy) == _number(request), False),
    "NumericNotEquals": (lambda policy, request: _number(policy) == _number(request), True),
    "NumericLessThan": (lambda policy, request: _number(request) < _number(policy), False),
    "NumericLessThanEquals": (lambda policy, request: _number(request) <= _number(policy), False),
    "NumericGreaterThan": (lambda policy, request: _number(request) > _number(policy), False),
    "NumericGreaterThanEquals": (lambda policy, request: _number(request) >= _number(policy), False),
    "Bool": (lambda policy, request: _bool(policy) == _bool(request), False),
    "IpAddress": (_ip_in, False),
    "NotIpAddress": (_ip_in, True),
}


class UnsupportedCondition(ValueError):
    """A policy uses a condition operator this evaluator does not know: refuse rather than guess."""


def _condition_holds(operator: str, key: str, policy_values: list[str], context: ConditionContext) -> bool:
    qualifier, _, bare_operator = operator.rpartition(":")
    if_exists = bare_operator.endswith("IfExists")
    bare_operator = bare_operator.removesuffix("IfExists")
    # "Context key names are not case-sensitive" (reference_policies_elements_condition.html):
    # SNS's default topic policy says AWS:SourceOwner, the request carries aws:SourceOwner.
    key = next((name for name in context if name.lower() == key.lower()), key)
    present = key in context
    request_values = [str(value) for value in _as_list(context.get(key))]
    if bare_operator == "Null":
        return any(_bool(value) != present for value in policy_values)
    if bare_operator not in _OPERATORS:
        raise UnsupportedCondition(f"condition operator {operator} is not evaluated by the local stack")
    compare, negated = _OPERATORS[bare_operator]
    if not present:
        return if_exists or negated or qualifier == "ForAllValues"

    def matches(request_value: str) -> bool:
        return any(compare(str(policy_value), request_value) for policy_value in policy_values)

    if qualifier == "ForAllValues":
        result = all(matches(value) for value in request_values)
    else:
        result = any(matches(value) for value in request_values)
    return not result if negated else result


def conditions_hold(condition: Mapping[str, Mapping[str, Any]] | None, context: ConditionContext) -> bool:
    for operator, keys in (condition or {}).items():
        for key, values in keys.items():
            if not _condition_holds(operator, key, [str(value) for value in _as_list(values)], context):
                return False
    return True


def _statement_applies(statement: Mapping[str, Any], action: str, resource: str | None, context: ConditionContext) -> bool:
    if "Action" in statement:
        if not any(action_matches(pattern, action) for pattern in _as_list(statement["Action"])):
            return False
    elif any(action_matches(pattern, action) for pattern in _as_list(statement.get("NotAction"))):
        return False
    if resource is not None:
        if "Resource" in statement:
            if not any(resource_matches(pattern, resource) for pattern in _as_list(statement["Resource"])):
                return False
        elif "NotResource" in statement and any(resource_matches(pattern, resource) for pattern in _as_list(statement["NotResource"])):
            return False
    return conditions_hold(statement.get("Condition"), context)


@dataclass(frozen=True)
class PolicyDocument:
    statements: tuple[Mapping[str, Any], ...]

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> "PolicyDocument":
        return cls(tuple(_as_list(document.get("Statement"))))


def evaluate(
    documents: Iterable[PolicyDocument],
    action: str,
    resource: str | None,
    context: ConditionContext,
    principal_matches: Any = None,
) -> Decision:
    """The decision of `documents` on `action` over `resource` (None: a trust policy, which has no
    Resource element). `principal_matches(statement)` filters statements by their Principal."""
    allowed = False
    for document in documents:
        for statement in document.statements:
            if principal_matches is not None and not principal_matches(statement):
                continue
            if not _statement_applies(statement, action, resource, context):
                continue
            if statement.get("Effect") == "Deny":
                return Decision.EXPLICIT_DENY
            allowed = allowed or statement.get("Effect") == "Allow"
    return Decision.ALLOWED if allowed else Decision.IMPLICIT_DENY
