"""Parse throughput of the CSV import codec against the bare `csv.reader` floor.

Writes a CSV of `--rows` recipients (email in random order, first and last name, three
attributes) into a temporary folder, then times `csv.reader` counting rows and
`open_import(...).chunks()` consumed fully, and prints the peak RSS.

    .venv/bin/python bench/bench_parse.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.codec import open_import

FIRST_NAMES = ("Anna", "Jörg", "Léa", "Mohammed", "Sofia", "Liam", "Chloé", "Noah", "Ana", "Ben")
LAST_NAMES = ("Müller", "Smith", "García", "Dubois", "Rossi", "Nowak", "O'Brien", "Kim", "Lee")
CITIES = ("Berlin", "Paris", "Madrid", "Köln", "Zürich", "London", "Wien", "Lyon")
PLANS = ("free", "pro", "team", "enterprise")


def write_file(path: Path, rows: int) -> None:
    """Write the benchmark CSV, streaming, in a shuffled email order without a big list."""
    # n -> n * step mod rows with gcd(step, rows) == 1 visits every n once, in scattered order.
    step = 7_919 if rows % 7_919 else 7_907
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["email", "firstName", "lastName", "city", "plan", "score"])
        for n in range(rows):
            key = n * step % rows
            writer.writerow(
                [
                    f"user{key}@example{key % 97}.com",
                    FIRST_NAMES[key % len(FIRST_NAMES)],
                    LAST_NAMES[key % len(LAST_NAMES)],
                    CITIES[key % len(CITIES)],
                    PLANS[key % len(PLANS)],
                    str(key % 1000),
                ]
            )


def time_reader(path: Path) -> tuple[int, float]:
    """Count the rows with `csv.reader` alone: the floor for any parser."""
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as file:
        count = sum(1 for _ in csv.reader(file)) - 1
    return count, time.perf_counter() - start


def time_import(path: Path) -> tuple[int, int, float]:
    """Consume every chunk of `open_import`; return staged rows, errors and seconds."""
    start = time.perf_counter()
    staged = rejected = records = 0
    with open_import(path) as reader:
        for chunk in reader.chunks():
            staged += len(chunk.rows)
            records += chunk.records
            rejected += len(chunk.errors)
    return staged, rejected, time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print rows/s and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "recipients.csv"
        write_file(path, rows)
        print(f"file: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
        count, seconds = time_reader(path)
        print(
            f"csv.reader, count only: {count:,} rows in {seconds:.2f} s = {count / seconds:,.0f}/s"
        )
        staged, rejected, seconds = time_import(path)
        print(
            f"open_import().chunks(): {staged:,} staged, {rejected:,} errors in {seconds:.2f} s"
            f" = {(staged + rejected) / seconds:,.0f} rows/s"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
