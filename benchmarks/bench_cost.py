"""`make bench-cost`: the billed floor and the latency floor of one run of N tables, in each way of
running the module, priced with lambdas/run_cost.py's rules and default prices.

Floors: every job run is billed its minimum, a minute (60 s of its 2 G.1X workers, the module's
defaults), every crawl its billed 10 minutes of one DPU (AWS publishes no crawler DPU count: one is
assumed), one status check per polled crawl, every Lambda invocation 1 ms. State transitions are
counted from state_machine.asl.json's happy path (the states each table, crawl and mode enters).
Latency floor: the run's sequential job rounds (max_concurrency 4 runs at a time, extract then
cleanse) times a job run's seconds, plus per crawl its seconds and how late the run sees its end:
by polling, the wait in progress (the module's 5 s, doubling, at most 30 s); by event, the 1.4 s
`make bench-poll` measured at worst; in a Glue workflow, its trigger's own delay, left out. How
long a job run and a crawl take on AWS depends on the data and is not published: 60 s each unless
given (--job-seconds, --crawl-seconds: your own runs' figures); start delays are left out.

    python benchmarks/bench_cost.py [--tables 1 10 50] [--job-seconds 60] [--crawl-seconds 60]
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
# crawler_poll_interval_seconds, crawler_poll_backoff_rate, crawler_poll_max_interval_seconds defaults
POLL_FIRST_SECONDS, POLL_BACKOFF, POLL_MAX_SECONDS = 5.0, 2.0, 30.0
EVENT_LAG_SECONDS = 1.4  # the worst crawl-end event lag `make bench-poll` measured (benchmarks/README.md)
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
    job_rounds: int
    latency_seconds: float


def detection_lag(wait: str, crawl_seconds: float) -> float:
    """How long after a crawl ends the run sees it: by polling, up to the check after the end."""
    if wait == "event":
        return EVENT_LAG_SECONDS
    if wait == "workflow":
        return 0.0
    waited, interval = 0.0, POLL_FIRST_SECONDS
    while waited < crawl_seconds:
        waited, interval = waited + interval, min(interval * POLL_BACKOFF, POLL_MAX_SECONDS)
    return waited - crawl_seconds


def run_floor(
    tables: int, catalog: str, wait: str, cleansed: str, prices: Prices, durations: tuple[float, float], instances: int = 1
) -> Floor:
    """One run of `tables` tables over `instances` module instances (each of tables/instances tables),
    its job runs and crawls taking `durations` (seconds)."""
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
    job_seconds, crawl_seconds = durations
    rounds = 2 * math.ceil(per_instance / CONCURRENCY)
    latency = rounds * job_seconds + crawls_each * (crawl_seconds + detection_lag(wait, crawl_seconds))
    return Floor(usd, job_dpu_hours + crawl_dpu_hours, crawls, rounds, latency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--job-seconds", type=float, default=60.0, help="a job run's seconds from start to end")
    parser.add_argument("--crawl-seconds", type=float, default=60.0, help="a crawl's seconds from start to end")
    arguments = parser.parse_args()
    durations = (arguments.job_seconds, arguments.crawl_seconds)
    prices = Prices()
    print(__doc__.split("\n\n")[1].replace("\n", " "))
    print(f"\nPrices (us-east-1 list): {prices.as_dict()}")
    print(f"A job run {arguments.job_seconds:g} s, a crawl {arguments.crawl_seconds:g} s\n")
    print(f"{'tables':>6}  {'layout':<34} {'crawls':>6} {'DPU-hours':>9} {'USD':>9} {'job rounds':>10} {'latency s':>9}")
    layouts = [
        (catalog, wait, cleansed, 1)
        for catalog in ("crawlers", "jobs")
        for wait in ("poll", "event", "workflow")
        for cleansed in ("parquet", "iceberg")
    ]
    for tables in arguments.tables:
        per_table_instances = [("crawlers", "poll", "parquet", tables)] if tables > 1 else []
        for catalog, wait, cleansed, instances in [*layouts, *per_table_instances]:
            floor = run_floor(tables, catalog, wait, cleansed, prices, durations, instances)
            layout = f"{catalog}/{wait}/{cleansed}" + (f" x{instances} instances" if instances > 1 else "")
            figures = f"{floor.crawls:>6} {floor.dpu_hours:>9.3f} {floor.usd:>9.4f} {floor.job_rounds:>10} {floor.latency_seconds:>9.0f}"
            print(f"{tables:>6}  {layout:<34} {figures}")
        print()


if __name__ == "__main__":
    main()
