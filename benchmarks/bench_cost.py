"""`make bench-cost`: the billed floor and the latency floor of one run of N tables, in each way of
running the module, priced with lambdas/run_cost.py's rules and default prices.

Floors: every job run is billed its minimum, a minute (60 s of its 2 G.1X workers, the module's
defaults), every crawl its billed 10 minutes of one DPU (AWS publishes no crawler DPU count: one is
assumed), one status check per polled crawl, every Lambda invocation 1 ms. State transitions are
counted from state_machine.asl.json's happy path (the states each table, crawl and mode enters).
Latency floors are ASSUMED, not measured (the emulator's clock says nothing of AWS's): a job run
60 s from start to end and a crawl 60 s ("a minute or more even on a few files", issue #29), job
rounds of max_concurrency (4) runs, start and trigger delays left out.

    python benchmarks/bench_cost.py [--tables 1 10 50]
"""

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lambdas"))

from run_cost import CRAWL_MINIMUM_SECONDS, JOB_MINIMUM_SECONDS, Prices

JOB_DPUS = 2 * 1.0  # number_of_workers 2 x G.1X
CRAWL_DPUS = 1.0
CONCURRENCY = 4  # max_concurrency's default
ASSUMED_JOB_SECONDS = 60.0
ASSUMED_CRAWL_SECONDS = 60.0
LAMBDA_MB = 128
# Happy-path states entered (state_machine.asl.json): ResolveRun, LoadSettings, LoadTables,
# ExtractTables, FindExtractedTables, CountExtractedTables, IsAnyTableExtracted, CleanseTables,
# ReportRun, DidEveryTableSucceed, RunSucceeded; per table IsTableInRun, RunExtractJob,
# TableExtracted, WasTableExtracted, RunCleanseJob, TableCleansed.
RUN_STATES, TABLE_STATES = 11, 6
CRAWL_STATES = {"poll": 7, "event": 1}  # Start, Reset, CheckLimit, Count, Wait, Get, IsDone / Await
CLEANSED_CRAWL_EXTRA_STATES = 3  # FindCleansedTables, CountCleansedTables, HasCleansedTables


@dataclass(frozen=True)
class Floor:
    usd: float
    dpu_hours: float
    crawls: int
    latency_seconds: float


def run_floor(tables: int, catalog: str, wait: str, cleansed: str, prices: Prices, instances: int = 1) -> Floor:
    """One run of `tables` tables over `instances` module instances (each of tables/instances tables)."""
    per_instance = tables // instances
    crawls_each = 0 if catalog == "jobs" else (1 if cleansed == "iceberg" else 2)
    crawls = crawls_each * instances
    job_dpu_hours = 2 * tables * JOB_MINIMUM_SECONDS * JOB_DPUS / 3600
    crawl_dpu_hours = crawls * CRAWL_MINIMUM_SECONDS * CRAWL_DPUS / 3600
    usd = job_dpu_hours * prices.glue_dpu_hour + crawl_dpu_hours * prices.crawler_dpu_hour
    if wait != "workflow":
        states = RUN_STATES + TABLE_STATES * per_instance + crawls_each * CRAWL_STATES[wait]
        states += CLEANSED_CRAWL_EXTRA_STATES if crawls_each == 2 else 0
        requests = 2 + 2 * crawls_each  # ResolveRun, ReportRun; per crawl its start and a status (or its end event)
        usd += instances * (
            states * prices.state_transition + requests * (prices.lambda_request + 0.001 * LAMBDA_MB / 1024 * prices.lambda_gb_second)
        )
    rounds = 2 * math.ceil(per_instance / CONCURRENCY)
    latency = rounds * ASSUMED_JOB_SECONDS + crawls_each * ASSUMED_CRAWL_SECONDS
    return Floor(usd, job_dpu_hours + crawl_dpu_hours, crawls, latency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, nargs="+", default=[1, 10, 50])
    arguments = parser.parse_args()
    prices = Prices()
    print(__doc__.split("\n\n")[1].replace("\n", " "))
    print(f"\nPrices (us-east-1 list): {prices.as_dict()}\n")
    print(f"{'tables':>6}  {'layout':<34} {'crawls':>6} {'DPU-hours':>9} {'USD':>9} {'latency s':>9}")
    layouts = [
        (catalog, wait, cleansed, 1)
        for catalog in ("crawlers", "jobs")
        for wait in ("poll", "event", "workflow")
        for cleansed in ("parquet", "iceberg")
    ]
    for tables in arguments.tables:
        per_table_instances = [("crawlers", "poll", "parquet", tables)] if tables > 1 else []
        for catalog, wait, cleansed, instances in [*layouts, *per_table_instances]:
            floor = run_floor(tables, catalog, wait, cleansed, prices, instances)
            layout = f"{catalog}/{wait}/{cleansed}" + (f" x{instances} instances" if instances > 1 else "")
            print(f"{tables:>6}  {layout:<34} {floor.crawls:>6} {floor.dpu_hours:>9.3f} {floor.usd:>9.4f} {floor.latency_seconds:>9.0f}")
        print()


if __name__ == "__main__":
    main()
