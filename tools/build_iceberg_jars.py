"""Builds, reproducibly, the jars local Spark needs to read and write Iceberg tables cataloged in
the Glue Data Catalog, from what the package registries offer (no Maven here):

- Iceberg 1.10.2's Spark runtime (its GlueCatalog and S3FileIO included), from the PyPI package
  snowpark-connect-deps-iceberg;
- the Jackson that runtime expects relocated: the upstream runtime jar shades Jackson into
  org.apache.iceberg.shaded.com.fasterxml.jackson, this one references those classes without
  bundling them, so they are built from pyspark's own Jackson jars with Debian's jarjar;
- the AWS SDK for Java 2 modules GlueCatalog and S3FileIO call (Glue, S3, STS, KMS and the SDK's
  core), from the PyPI package bodo-iceberg-connector, which ships them as separate jars.

    python tools/build_iceberg_jars.py <output folder>

The wheels are pinned by SHA-256 (requirements-iceberg-jars.txt), as are pyspark's Jackson jars;
the relocated jar is written with sorted entries and a fixed timestamp: two builds give the same bytes.
"""

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pyspark

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WHEELS = PROJECT_ROOT / "requirements-iceberg-jars.txt"
JARJAR = Path("/usr/share/java/jarjar.jar")  # Debian package libjarjar-java
RUNTIME_JAR = "snowpark_connect_deps_iceberg/jars/iceberg-spark-runtime-3.5_2.12-1.10.2.jar"
AWS_SDK_VERSION = "2.29.26"
AWS_SDK_MODULES = (
    *("annotations", "apache-client", "arns", "auth", "aws-core", "aws-json-protocol", "aws-query-protocol"),
    *("aws-xml-protocol", "checksums", "checksums-spi", "crt-core", "endpoints-spi", "glue", "http-auth"),
    *("http-auth-aws", "http-auth-aws-eventstream", "http-auth-spi", "http-client-spi", "identity-spi", "json-utils"),
    *("kms", "metrics-spi", "profiles", "protocol-core", "regions", "retries", "retries-spi", "s3", "sdk-core", "sts"),
    *("third-party-jackson-core", "url-connection-client", "utils"),
)
AWS_SDK_JARS = (
    *(f"bodo_iceberg_connector/jars/libs/{module}-{AWS_SDK_VERSION}.jar" for module in AWS_SDK_MODULES),
    "bodo_iceberg_connector/jars/libs/eventstream-1.0.1.jar",
    "bodo_iceberg_connector/jars/libs/reactive-streams-1.0.4.jar",
)
JACKSON_JARS = {
    "jackson-core-2.15.2.jar": "303c99e82b1faa91a0bae5d8fbeb56f7e2adf9b526a900dd723bf140d62bd4b4",
    "jackson-databind-2.15.2.jar": "0eb2fdad6e40ab8832a78c9b22f58196dd970594e8d3d5a26ead87847c4f3a96",
    "jackson-annotations-2.15.2.jar": "04e21f94dcfee4b078fa5a5f53047b785aaba69d19de392f616e7a7fe5d3882f",
}
RELOCATED_JACKSON_JAR = "iceberg-relocated-jackson-2.15.2.jar"
RELOCATION = "rule com.fasterxml.jackson.** org.apache.iceberg.shaded.com.fasterxml.jackson.@1\n"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class BuildFailed(RuntimeError):
    pass


def checked_jackson(path: Path) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != JACKSON_JARS[path.name]:
        raise BuildFailed(f"{path} has SHA-256 {digest}, not the pinned {JACKSON_JARS[path.name]}: reinstall the venv (make clean)")
    return path


def download_wheels(folder: Path) -> dict[str, Path]:
    """The pinned wheels, by distribution name; pip refuses any whose hash differs."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps"]
    command += ["--only-binary=:all:", "--require-hashes", "-r", str(WHEELS), "-d", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"pip could not download the wheels of {WHEELS.name}:\n{result.stderr}")
    return {wheel.name.split("-")[0]: wheel for wheel in folder.glob("*.whl")}


def extract(wheel: Path, members: tuple[str, ...], output: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        for member in members:
            (output / Path(member).name).write_bytes(archive.read(member))


def normalized_copy(source: Path, target: Path) -> None:
    """`source`'s entries but META-INF, sorted, each with the fixed timestamp."""
    with zipfile.ZipFile(source) as reader, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as writer:
        for name in sorted(reader.namelist()):
            if not name.endswith("/") and not name.startswith("META-INF/"):
                writer.writestr(zipfile.ZipInfo(name, FIXED_TIME), reader.read(name), zipfile.ZIP_DEFLATED)


def relocated_jackson(target: Path, scratch: Path) -> None:
    if not JARJAR.exists():
        raise BuildFailed(f"{JARJAR} is missing: install the Debian package libjarjar-java")
    pyspark_jars = Path(pyspark.__file__).parent / "jars"
    merged, relocated, rules = scratch / "jackson.jar", scratch / "relocated.jar", scratch / "rules.txt"
    with zipfile.ZipFile(merged, "w") as writer:
        for name in JACKSON_JARS:
            with zipfile.ZipFile(checked_jackson(pyspark_jars / name)) as reader:
                for entry in reader.namelist():
                    if not entry.startswith("META-INF/") and not entry.endswith("/"):
                        writer.writestr(entry, reader.read(entry))
    rules.write_text(RELOCATION)
    subprocess.run(["java", "-jar", str(JARJAR), "process", str(rules), str(merged), str(relocated)], check=True)
    normalized_copy(relocated, target)


def build(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        wheels = download_wheels(Path(scratch))
        extract(wheels["snowpark_connect_deps_iceberg"], (RUNTIME_JAR,), output)
        extract(wheels["bodo_iceberg_connector"], AWS_SDK_JARS, output)
        relocated_jackson(output / RELOCATED_JACKSON_JAR, Path(scratch))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path)
    output: Path = parser.parse_args().output
    try:
        build(output)
    except BuildFailed as error:
        print(f"build_iceberg_jars: {error}", file=sys.stderr)
        return 1
    print(f"{len(list(output.glob('*.jar')))} jars in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
