"""Issue 10: upsertRecipients of 1,000 recipients into a 1,000,000-row group, under 100 ms.

For each backend, on a fresh database: import `--rows` recipients into a new group (through
`run_import`), then send `--runs` upsertRecipients mutations of 1,000 recipients each (500
existing addresses with changed names, 500 new) as JSON POSTs to the app's /graphql, in
process (httpx's ASGI transport: the token check, JSON decoding, input coercion, the row
checks, the one write transaction with its API backup when due, the payload read back; no
socket). The group's switches are on, so the first call backs the group up (it has no
backup yet) and the history of every replaced row is kept. The floor beside it is the
1,000-row import of the same kind of rows through `run_import` (bench_import's small case).

    .venv/bin/python -m bench.bench_writes [--rows 1000000] [--backend sqlite|postgresql|both]
        [--runs 11]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from api.app import create_app
from api.global_ids import encode_id
from api.settings import Settings
from bench.common import (
    CLOCK,
    Result,
    arguments,
    chosen_backends,
    fresh_database,
    key_at,
    log,
    median,
    migrated_engine,
    new_account,
    print_table,
    recipient_cells,
    timed_import,
    write_changes_csv,
    write_recipients_csv,
)
from storage.files import FolderStore

UPSERT_LIMIT_MS = 100.0
BATCH = 1_000
UPSERT = """mutation U($input: UpsertRecipientsInput!) { upsertRecipients(input: $input) {
  added updated rejected backup { id } userErrors { code message } } }"""
ATTRIBUTES = ("city", "plan", "score")


def upsert_batch(batch: int, rows: int) -> list[dict[str, Any]]:
    """500 existing recipients of the group with changed names (distinct per batch), 500 new."""
    records = []
    for i in range(BATCH // 2):
        cells = recipient_cells(key_at((batch * BATCH + i) % rows, rows), f"Api{batch}", "Upsert")
        records.append(_record(cells))
    for i in range(BATCH // 2):
        cells = [f"api{batch}-{i}@example.org", "New", "Person", "Berlin", "pro", "1"]
        records.append(_record(cells))
    return records


def _record(cells: list[str]) -> dict[str, Any]:
    email, first, last, *values = cells
    return {
        "email": email,
        "firstName": first,
        "lastName": last,
        "attributes": dict(zip(ATTRIBUTES, values, strict=True)),
    }


async def timed_upserts(
    database_url: str, folder: Path, *, token: str, group_id: int, rows: int, runs: int
) -> list[float]:
    """Seconds of each upsertRecipients request, from the POST to the answer read."""
    settings = Settings(
        env="test",
        database_url=database_url,
        data_dir=folder / "app",
        secret_key="b" * 32,
        worker=False,
    )
    app = create_app(settings, clock=CLOCK, migrate=False)
    times: list[float] = []
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as http,
    ):
        for batch in range(runs):
            recipients = upsert_batch(batch, rows)
            variables = {
                "input": {"groupId": encode_id("Group", group_id), "recipients": recipients}
            }
            start = time.perf_counter()
            response = await http.post("/graphql", json={"query": UPSERT, "variables": variables})
            body = response.json()
            times.append(time.perf_counter() - start)
            _check(body)
    return times


def _check(body: dict[str, Any]) -> None:
    payload = (body.get("data") or {}).get("upsertRecipients")
    if body.get("errors") or not payload or payload["userErrors"]:
        raise RuntimeError(f"upsertRecipients failed: {body}")
    if (payload["added"], payload["updated"]) != (BATCH // 2, BATCH // 2):
        raise RuntimeError(f"unexpected upsert outcome: {payload}")


async def bench_backend(
    backend: str, folder: Path, source: Path, rows: int, runs: int
) -> list[Result]:
    """The upsert figure on one backend, with the 1,000-row import beside it."""
    async with fresh_database(backend, folder) as database, migrated_engine(database) as engine:
        files = FolderStore(folder / f"files-{backend}")
        account_id, token = await new_account(engine, "bench")
        log(f"{backend}: importing {rows:,} rows into a new group")
        _, job = await timed_import(
            engine, files, account_id=account_id, source=source, group_name="big"
        )
        assert job.group_id is not None
        group_id = job.group_id
        log(f"{backend}: {runs} upserts of {BATCH:,}")
        times = await timed_upserts(
            database.url,
            folder,
            token=token,
            group_id=group_id,
            rows=rows,
            runs=runs,
        )
        changes = folder / "changes.csv"
        write_changes_csv(changes, group_rows=rows, batch=runs + 1, updates=500, new=500)
        floor, _ = await timed_import(
            engine, files, account_id=account_id, source=changes, mode="REFRESH_AND_ADD",
            group_id=group_id,
        )  # fmt: skip
    shown = ", ".join(f"{t * 1000:.0f}" for t in times)
    return [
        Result(
            f"upsertRecipients of {BATCH:,} (500 updates, 500 new) into {rows:,}"
            f" (POST /graphql in process, median of {runs})",
            backend,
            median(times) * 1000,
            "ms",
            UPSERT_LIMIT_MS,
            higher_is_better=False,
            floor=f"runs {shown} ms; 1,000-row file import {floor * 1000:.0f} ms",
        )
    ]


async def run_all(rows: int, runs: int, backends: tuple[str, ...]) -> list[Result]:
    """Write the file once, then bench each backend."""
    with tempfile.TemporaryDirectory(prefix="listkeeper-bench-") as name:
        folder = Path(name)
        source = folder / "recipients.csv"
        write_recipients_csv(source, rows)
        results: list[Result] = []
        for backend in backends:
            results += await bench_backend(backend, folder, source, rows, runs)
        return results


def main() -> None:
    """Run the benchmark and print its table."""
    options = arguments(__doc__.splitlines()[0] if __doc__ else "bench_writes")
    options.add_argument("--runs", type=int, default=11, help="upsert calls per backend")
    args = options.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M")
    results = asyncio.run(run_all(args.rows, args.runs, chosen_backends(args.backend)))
    print_table(f"API writes, {started}", results)


if __name__ == "__main__":
    main()
