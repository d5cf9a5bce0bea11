"""examples/complete on the emulator as the end-to-end files run it: the three sample tables as its
PostgreSQL source, applied, its source cataloged, and the emulator reset after."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from local_aws import emulator
from local_aws.demo.pipeline import SAMPLE_DATA, LocalPipeline

SAMPLES = {
    "customers": SAMPLE_DATA / "customers_dirty.csv",
    "orders": SAMPLE_DATA / "orders_dirty.csv",
    "countries": SAMPLE_DATA / "countries.csv",
}
SAMPLE_COLUMNS = SAMPLES["customers"].read_text().splitlines()[0].split(",")


@contextmanager
def applied_complete_example(emulator_endpoint: str, folder: Path, name_prefix: str, **example_variables: Any) -> Iterator[LocalPipeline]:
    """`example_variables`: more of examples/complete's variables than the defaults LocalPipeline gives."""
    with LocalPipeline(
        SAMPLES, folder, name_prefix=name_prefix, emulator_endpoint=emulator_endpoint, example_variables=example_variables
    ) as local_pipeline:
        local_pipeline.apply()
        local_pipeline.catalog_source()
        yield local_pipeline
    emulator.reset()
