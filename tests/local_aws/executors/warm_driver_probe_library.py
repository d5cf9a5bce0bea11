"""A library module of warm_driver_probe_job.py, shipped with --extra-py-files as a job's libraries are."""

RUNS_SEEN: list[str] = []


def exclaim(value: int) -> str:
    return f"{value}!"
