"""Synthetic orders CSV, the demo's second source table: each order names a customer of the
customers sample (`customer_id` 1..customers), with a share of dirty rows (the kinds the orders'
rules catch) and of duplicates (exact copies and older versions of an order), from a fixed seed."""

import csv
import random
from pathlib import Path

HEADER = ["order_id", "customer_id", "ordered_on", "amount", "status", "updated_at"]
STATUSES = ["placed", "shipped", "delivered", "cancelled"]
DIRT = [
    ("customer_id", ""),
    ("ordered_on", "2024-02-30"),
    ("amount", "n/a"),
]


def order_row(order_id: int, customers: int, rng: random.Random, day: int) -> list[str]:
    return [
        str(order_id),
        str(rng.randint(1, customers)),
        f"2024-03-{rng.randint(1, 28):02d}",
        f"{rng.randint(100, 50000) / 100:.2f}",
        rng.choice(STATUSES),
        f"2024-04-{day:02d} {rng.randint(0, 23):02d}:00:00",
    ]


def write_orders(path: Path, customers: int, dirty_share: float = 0.05, duplicate_share: float = 0.02, seed: int = 13) -> int:
    """As many orders as customers; return the number of rows written."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    for index in range(customers):
        draw = rng.random()
        if draw < duplicate_share and rows:
            earlier = rng.choice(rows[-1000:])
            rows.append(list(earlier) if draw < duplicate_share / 2 else [*earlier[:5], "2024-04-01 00:00:00"])
            continue
        row = order_row(index + 1, customers, rng, day=rng.randint(2, 28))
        if draw < duplicate_share + dirty_share:
            column, dirt = rng.choice(DIRT)
            row[HEADER.index(column)] = dirt
        rows.append(row)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)
