"""A Choice rule's `StringMatches` as the States Language defines it (`asl_string_matches`): moto
uses `fnmatch`, in which `?` and `[...]` are wildcards too and a backslash escapes nothing.
"""

import re
from typing import Any

from moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations.string_operators import StringMatches


def asl_string_matches(value: str, pattern: str) -> bool:
    """`StringMatches` as the States Language defines it: `*` matches any run of characters, `\\*` is a
    literal `*` (and `\\\\` a literal backslash); "No characters other than "*" have any special
    meaning during matching." https://states-language.net/spec.html#choice-state"""
    tokens = re.findall(r"\\.|\*|.", pattern, flags=re.DOTALL)
    regex = "".join(".*" if token == "*" else re.escape(token[-1]) for token in tokens)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


_moto_string_matches = StringMatches._compare


def _string_matches(variable: Any, comparison_value: Any) -> bool:
    return isinstance(variable, str) and asl_string_matches(variable, comparison_value)


def match_strings_as_the_states_language_does() -> None:
    setattr(StringMatches, "_compare", staticmethod(_string_matches))  # noqa: B010
