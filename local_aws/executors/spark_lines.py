"""Which local Spark runs a job run of each Glue version: one Spark line a venv, as Glue runs one
Spark a major version (https://docs.aws.amazon.com/glue/latest/dg/release-notes.html):
- Glue 5.0 (Spark 3.5.4) and 5.1 (Spark 3.5.6) on Spark 3.5: the Python running the emulator
  (`.venv`, requirements-dev.txt), with Iceberg's jars beside it (`tools/build_iceberg_jars.py`);
- Glue 6.0 (Spark 4.1.1) and 6.1 (Spark 4.1.3) on Spark 4.1 (Scala 2.13): `.venv-spark4`
  (requirements-spark41.txt, `make .venv-spark4/.installed`), or the venv LOCAL_AWS_SPARK41_VENV
  names. No reachable registry ships Iceberg's Spark 4 runtime (iceberg-spark-runtime-4.x_2.13:
  PyPI, npm and Debian have none, Maven is unreachable here), so Iceberg on Glue 6.x is proven on
  AWS only and a local 6.x run that asks for it fails saying so.
Python 3.11 stands in for Glue 6.0's 3.13 and 6.1's 3.14, which are not installable here.
https://docs.aws.amazon.com/glue/latest/dg/migrating-version-51.html, -60.html, -61.html
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from local_aws import PROJECT_ROOT

SPARK41_VENV_VARIABLE = "LOCAL_AWS_SPARK41_VENV"


class NoLocalSpark(ValueError):
    """No Spark on this machine runs the job's Glue version."""


@dataclass(frozen=True)
class SparkLine:
    """A Spark release line, the Glue versions it runs, and the venv holding its pyspark."""

    name: str
    glue_versions: tuple[str, ...]
    venv: Path
    make_target: str
    # Why a run asking for Iceberg cannot run on this line; None where it can.
    no_iceberg_because: str | None = None

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def iceberg_jars(self) -> Path:
        return self.venv / "share" / "iceberg-jars"

    def check_installed(self, glue_version: str) -> None:
        if not self.python.exists():
            raise NoLocalSpark(
                f"Glue {glue_version} runs on Spark {self.name} locally, whose environment {self.venv} is not built: "
                f"run `make {self.make_target}` (make test, make demo and make emulator-up build it)"
            )


SPARK_35 = SparkLine("3.5", ("5.0", "5.1"), Path(sys.prefix), ".venv/.installed")
SPARK_41 = SparkLine(
    "4.1",
    ("6.0", "6.1"),
    Path(os.environ.get(SPARK41_VENV_VARIABLE) or PROJECT_ROOT / ".venv-spark4"),
    ".venv-spark4/.installed",
    no_iceberg_because=(
        "no registry reachable here ships Iceberg's Spark 4 runtime (iceberg-spark-runtime-4.x_2.13), so Iceberg on "
        'Glue 6.x is proven on AWS only; locally, run 6.x jobs with Parquet (cleansed_format = "parquet") or Glue 5.x'
    ),
)
LINES = (SPARK_35, SPARK_41)


def line_for(glue_version: str) -> SparkLine:
    """The line that runs `glue_version`; NoLocalSpark names the versions there are lines for."""
    for line in LINES:
        if glue_version in line.glue_versions:
            return line
    described = "; ".join(f"Glue {' and '.join(line.glue_versions)} on Spark {line.name}" for line in LINES)
    raise NoLocalSpark(f"Glue {glue_version} cannot run locally: the local Spark lines run {described}")
