"""Synthetic customers CSV, the demo's source and the cleansing benchmark's input: a share of dirty
rows (the kinds the rules catch) and of duplicates (exact copies and older versions of a key), from a
fixed seed."""

import csv
import random
from pathlib import Path

HEADER = ["customer_id", "first_name", "last_name", "email", "signup_date", "updated_at", "balance", "is_active", "country"]
FIRST_NAMES = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Frances", "John"]
LAST_NAMES = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Allen", "Backus"]
COUNTRIES = ["UK", "US", "NL", "DE", "FR"]
DIRT = [
    ("email", lambda row: row[3].replace("@", " at ")),
    ("signup_date", lambda row: "2024-13-45"),
    ("customer_id", lambda row: ""),
    ("balance", lambda row: "n/a"),
    ("email", lambda row: "   "),
]


def clean_row(customer_id: int, rng: random.Random, month: int = 2) -> list[str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return [
        str(customer_id),
        f"  {first} " if rng.random() < 0.1 else first,
        last,
        f"{first}.{last}{customer_id}@Example.com",
        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"2024-{month:02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:00:00",
        f"{rng.randint(0, 100000) / 100:.2f}",
        rng.choice(["true", "false", "yes", "no"]),
        rng.choice(COUNTRIES),
    ]


def write_customers(path: Path, rows: int, dirty_share: float = 0.05, duplicate_share: float = 0.02, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        written: list[list[str]] = []
        for index in range(rows):
            draw = rng.random()
            if draw < duplicate_share and written:
                earlier = rng.choice(written[-1000:])
                row = list(earlier) if draw < duplicate_share / 2 else clean_row(int(earlier[0] or 0), rng, month=1)
            else:
                row = clean_row(index + 1, rng)
                if draw < duplicate_share + dirty_share:
                    column, spoil = rng.choice(DIRT)
                    row[HEADER.index(column)] = spoil(row)
            writer.writerow(row)
            if len(written) < 100_000 or index % 10 == 0:
                written.append(row)


def new_customers(first_id: int, count: int, seed: int = 11) -> list[list[str]]:
    """`count` clean customers from `first_id` on, updated in December (after every generated row)."""
    rng = random.Random(seed)
    return [clean_row(customer_id, rng, month=12) for customer_id in range(first_id, first_id + count)]
