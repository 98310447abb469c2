"""The invariants the crash harness checks after every trial, each giving readable violations.

The database is read directly (SQL) for what no API shows: row counts, orphan rows, history
no backup sees, jobs. Backups are read as a client reads them: listed through GraphQL and
downloaded from their signed URLs. Every violation starts with its kind in brackets.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.retention import sweep_uploads
from bench.crash_api import CrashClient
from bench.crash_model import Oracle, Recipient, State, describe_difference, parse_export
from bench.crash_process import ServerLog
from storage.files import FolderStore

# How long the restarted server has to remove the staged files of ended jobs.
UPLOAD_SWEEP_WAIT = 10.0

ORPHAN_QUERIES = {
    "recipient rows of no group": "SELECT count(*) FROM recipient AS r WHERE NOT EXISTS"
    " (SELECT 1 FROM recipient_group AS g WHERE g.id = r.group_id)",
    "history rows of no group": "SELECT count(*) FROM recipient_version AS v WHERE NOT EXISTS"
    " (SELECT 1 FROM recipient_group AS g WHERE g.id = v.group_id)",
    "activities of no recipient": "SELECT count(*) FROM activity AS a WHERE NOT EXISTS"
    " (SELECT 1 FROM recipient AS r WHERE r.id = a.recipient_id)",
    # A history row is kept for the backups that see it; one no backup sees is a leak (deleted
    # groups without backups are retention's to purge, checked below).
    "history rows no backup sees": "SELECT count(*) FROM recipient_version AS v"
    " JOIN recipient_group AS g ON g.id = v.group_id WHERE NOT EXISTS (SELECT 1 FROM backup AS b"
    " WHERE b.group_id = v.group_id AND b.seq >= v.valid_from AND b.seq < v.valid_to)"
    " AND (g.deleted_at IS NULL OR EXISTS (SELECT 1 FROM backup AS b WHERE b.group_id = g.id))",
    "deleted groups no backup needs, not purged": "SELECT count(*) FROM recipient_group AS g"
    " WHERE g.deleted_at IS NOT NULL AND NOT EXISTS"
    " (SELECT 1 FROM backup AS b WHERE b.group_id = g.id)",
}


async def fetch(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    """The rows of one statement, in a transaction of its own."""
    async with engine.connect() as conn:
        return list(await conn.execute(text(sql), params))


async def live_state(engine: AsyncEngine, group_id: int) -> State:
    """A group's current rows, read from the `recipient` table."""
    rows = await fetch(
        engine,
        "SELECT email, first_name, last_name, status, attributes FROM recipient"
        " WHERE group_id = :g",
        g=group_id,
    )
    return {
        r.email: Recipient(
            r.first_name,
            r.last_name,
            r.status,
            tuple(sorted(orjson.loads(r.attributes).items())) if r.attributes else (),
        )
        for r in rows
    }


async def check_groups(engine: AsyncEngine, client: CrashClient, oracle: Oracle) -> list[str]:
    """Live groups are the oracle's, with its rows, counted right by the table and the API."""
    found = []
    rows = await fetch(
        engine, "SELECT id, recipient_count FROM recipient_group WHERE deleted_at IS NULL"
    )
    counts = {int(r.id): int(r.recipient_count) for r in rows}
    if counts.keys() != oracle.groups.keys():
        found.append(f"[state] live groups {sorted(counts)}, expected {sorted(oracle.groups)}")
    listed = await client.groups()
    if listed != {g: len(s) for g, s in oracle.groups.items()}:
        found.append(
            f"[state] groups query shows {listed}, expected sizes of {sorted(oracle.groups)}"
        )
    for group_id, expected in oracle.groups.items():
        actual = await live_state(engine, group_id)
        if actual != expected:
            found.append(f"[state] group {group_id}: {describe_difference(expected, actual)}")
        if counts.get(group_id) != len(actual):
            found.append(
                f"[count] group {group_id}: recipient_count {counts.get(group_id)},"
                f" {len(actual)} rows"
            )
    return found


async def check_backups(engine: AsyncEngine, client: CrashClient, oracle: Oracle) -> list[str]:
    """Every backup is one the oracle knows, and its download is exactly its expected state."""
    found = []
    stored = {int(r.id) for r in await fetch(engine, "SELECT id FROM backup")}
    if stored != oracle.backups.keys():
        found.append(
            f"[backup] backups in the database {sorted(stored)}, expected {sorted(oracle.backups)}"
        )
    for listed in await client.backups():
        expected = oracle.backups.get(listed.id)
        if expected is None:
            found.append(f"[backup] backup {listed.id} ({listed.reason}) is not expected")
            continue
        state = parse_export(await client.download(listed.download_url))
        if state != expected.state:
            detail = describe_difference(expected.state, state)
            found.append(f"[state] backup {listed.id} ({listed.reason}) exports: {detail}")
        if listed.recipient_count != len(state):
            found.append(
                f"[count] backup {listed.id}: recipientCount {listed.recipient_count},"
                f" {len(state)} rows exported"
            )
    return found


async def check_orphans(engine: AsyncEngine) -> list[str]:
    """No row belongs to nothing, no history row outlives the backups that see it."""
    found = []
    for what, sql in ORPHAN_QUERIES.items():
        count = (await fetch(engine, sql))[0][0]
        if count:
            found.append(f"[orphan] {count} {what}")
    return found


async def check_uploads(engine: AsyncEngine, data_dir: Path, reported: set[str]) -> list[str]:
    """No staged upload outlives what its job needs; each leftover is reported once.

    The restarted server's first retention pass removes the files of ended jobs: wait for it.
    A file no job names (its request was killed) is removed once untouched for ten minutes,
    too long for a trial: the same sweep is run here with that wait lifted (the server is idle
    between trials, so no request is staging a file), and then only active jobs' files remain.
    """
    left = await _leftover_uploads(engine, data_dir, ended_only=True)
    for _ in range(int(UPLOAD_SWEEP_WAIT / 0.2)):
        if not left:
            break
        await asyncio.sleep(0.2)
        left = await _leftover_uploads(engine, data_dir, ended_only=True)
    if not left:
        await sweep_uploads(engine=engine, files=FolderStore(data_dir), older_than=0)
        left = await _leftover_uploads(engine, data_dir, ended_only=False)
    found = []
    for name, owner in left.items():
        if name not in reported:
            reported.add(name)
            found.append(f"[upload] staged upload {name} left {owner}")
    return found


async def _leftover_uploads(
    engine: AsyncEngine, data_dir: Path, *, ended_only: bool
) -> dict[str, str]:
    """Staged files no queued or running job needs: name -> whose it is."""
    uploads = data_dir / "uploads"
    # Uploads only: stored exports (`export-*`) and reject files (`rejects-*`) share the folder
    # and have lifetimes of their own (retention, erasure).
    files = await asyncio.to_thread(lambda: sorted(p.name for p in uploads.glob("*.upload")))
    if not files:
        return {}
    rows = await fetch(engine, "SELECT upload_key, status FROM job WHERE upload_key IS NOT NULL")
    status = {r.upload_key: r.status for r in rows}
    left = {}
    for name in files:
        if status.get(name) in ("QUEUED", "RUNNING") or (ended_only and name not in status):
            continue
        left[name] = f"of a {status[name]} job" if name in status else "of no job"
    return left


async def check_job_runs(engine: AsyncEngine, log: ServerLog) -> list[str]:
    """Each job logged success at most once, and only a SUCCEEDED job logged it."""
    log.read()
    rows = await fetch(engine, "SELECT id, status FROM job")
    status = {int(r.id): r.status for r in rows}
    found = []
    for job_id, count in sorted(log.successes.items()):
        if count > 1:
            found.append(f"[job] job {job_id} ran {count} times ('job succeeded' logged {count}x)")
        if status.get(job_id) != "SUCCEEDED":
            found.append(f"[job] job {job_id} logged success but is {status.get(job_id)}")
    return found
