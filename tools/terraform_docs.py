"""Writes the README's Inputs and Outputs tables from variables.tf and outputs.tf, between the
<!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS --> markers (terraform-docs is not installable
offline). With --check, fails when the README is out of date instead."""

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"


def _text(value: str) -> str:
    """An HCL string as python-hcl2 returns it, without quotes or heredoc markers."""
    value = value.strip()
    if value.startswith('"') and value.endswith('"'):
        value = value[1:-1]
    if value.startswith("<<"):
        lines = value.splitlines()[1:]
        value = textwrap.dedent("\n".join(line for line in lines if line.strip() != "EOT"))
    return value.replace('\\"', '"').strip()


def _expression(value: str) -> str:
    return value[2:-1] if value.startswith("${") and value.endswith("}") else value


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key.strip('"'): _plain(item) for key, item in value.items() if key != "__is_block__"}
    return value


def _default(value: Any) -> str:
    return f"`{json.dumps(_plain(value))}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _blocks(path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    with path.open() as handle:
        parsed = hcl2.load(handle)
    return [(name.strip('"'), body) for block in parsed.get(kind, []) for name, body in block.items()]


def reference() -> str:
    lines = ["## Inputs", "", "| Name | Description | Type | Default | Required |", "|------|-------------|------|---------|:--------:|"]
    for name, body in _blocks(ROOT / "variables.tf", "variable"):
        required = "default" not in body
        lines.append(
            f"| `{name}` | {_cell(_text(body['description']))} | `{_cell(_expression(body['type']))}` | "
            f"{'n/a' if required else _cell(_default(body['default']))} | {'yes' if required else 'no'} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    lines += [f"| `{name}` | {_cell(_text(body['description']))} |" for name, body in _blocks(ROOT / "outputs.tf", "output")]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if README.md is not current")
    check = parser.parse_args().check
    readme = README.read_text()
    if BEGIN not in readme or END not in readme:
        print(f"README.md lacks the {BEGIN} / {END} markers.", file=sys.stderr)
        return 1
    before, rest = readme.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    updated = f"{before}{BEGIN}\n{reference()}\n{END}{after}"
    if updated == readme:
        return 0
    if check:
        print("README.md's Inputs/Outputs tables are out of date: run `make docs` and commit README.md.", file=sys.stderr)
        return 1
    README.write_text(updated)
    print("README.md reference updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
