"""Builds the Lambda zips in lambdas/dist/ byte for byte reproducibly, or checks they are current.

The zips are committed so that the module needs nothing but `terraform apply` (the archive
provider is not available offline). Fixed timestamps, permissions and entry order make the
same sources give the same bytes, hence the same `source_code_hash` and no spurious diff.
"""

import argparse
import io
import json
import sys
import zipfile
from pathlib import Path

LAMBDAS_DIR = Path(__file__).resolve().parent.parent / "lambdas"
DIST_DIR = LAMBDAS_DIR / "dist"
# Each handler module with the shared modules it imports (lambdas/functions.json, which lambda.tf and
# iam.tf read too): its own folder's, or the Glue scripts' where the Lambda and the jobs must judge
# alike (the run id rule).
HANDLER_MODULES: dict[str, tuple[str, ...]] = {
    f"{name}.py": tuple(function["modules"]) for name, function in json.loads((LAMBDAS_DIR / "functions.json").read_text()).items()
}
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def package_bytes(handler_module: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for module in sorted((handler_module, *HANDLER_MODULES[handler_module]), key=lambda path: Path(path).name):
            entry = zipfile.ZipInfo(Path(module).name, date_time=FIXED_TIMESTAMP)
            entry.external_attr = 0o100644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, (LAMBDAS_DIR / module).read_bytes())
    return buffer.getvalue()


def package_path(handler_module: str) -> Path:
    return DIST_DIR / handler_module.replace(".py", ".zip")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a committed zip differs from its sources")
    check = parser.parse_args().check
    stale = []
    for handler_module in HANDLER_MODULES:
        path, expected = package_path(handler_module), package_bytes(handler_module)
        if path.exists() and path.read_bytes() == expected:
            continue
        if check:
            stale.append(str(path.relative_to(LAMBDAS_DIR.parent)))
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(expected)
            print(f"built {path.relative_to(LAMBDAS_DIR.parent)}")
    if stale:
        print(f"Out of date with lambdas/*.py: {', '.join(stale)}. Run `make lambdas` and commit the zips.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
