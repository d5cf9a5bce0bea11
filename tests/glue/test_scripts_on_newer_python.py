"""Glue 6.0 and 6.1 run the job scripts on Python 3.13 and 3.14, which cannot be installed here (Python 3.11
stands in): the scripts import no module that those versions removed and leave no finally block by return,
break or continue (a SyntaxWarning from 3.14 on). What 3.11 deprecates in them fails any test that runs it
(pyproject.toml filterwarnings)."""

import ast
from pathlib import Path

import pytest

from local_aws import PROJECT_ROOT

SCRIPTS = sorted((PROJECT_ROOT / "glue_scripts").glob("*.py"))
# https://docs.python.org/3.13/deprecations/pending-removal-in-3.13.html (PEP 594 and lib2to3), and what
# Python 3.12 removed (https://docs.python.org/3.12/whatsnew/3.12.html#removed).
REMOVED_MODULES = {
    *("aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes"),
    *("sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib", "lib2to3"),
    *("asynchat", "asyncore", "distutils", "imp", "smtpd"),
}


def imported_modules(tree: ast.AST) -> set[str]:
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_the_script_imports_no_module_python_3_13_removed(script: Path) -> None:
    assert imported_modules(ast.parse(script.read_text())) & REMOVED_MODULES == set()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_finally_block_is_left_by_return_break_or_continue(script: Path) -> None:
    # https://peps.python.org/pep-0765/
    finally_blocks = [node.finalbody for node in ast.walk(ast.parse(script.read_text())) if isinstance(node, ast.Try)]
    exits = [
        node.lineno
        for block in finally_blocks
        for statement in block
        for node in ast.walk(statement)
        if isinstance(node, ast.Return | ast.Break | ast.Continue)
    ]
    assert exits == []
