"""Materialised backup exports: the CSV of a backup, written once, gzip-compressed, to the file
store (a folder or S3, storage/files.py), so that later downloads stream a file instead of
running the state query again.

Key: `exports/<id>/export-<id>-v<FORMAT>-<rows>-<size>-<sha256>.csv.gz`, the whole record in
the key (one `put_file` makes it appear complete, nothing else to keep in step): the backup's
recipient count when the export began, the size and SHA-256 of the uncompressed CSV (the ETag).
The backup's own folder makes a lookup list that backup's keys alone, not every file. A file is
written to a local temp file (`export-<id>-<random>.tmp` in the store's `temp_dir`) and stored
at its end, with the headers a presigned download answers; one left there by a process that
died is swept (`sweep_stale_exports`).

Files of the older layout (`export-<id>-...` in the uploads area, before 2026-11-30) are never
served: the backup's next download materialises it again, and the retention sweep deletes every
old one (`legacy_keys`), as an erasure or a backup's deletion does its backups' old ones.

A file is valid while its backup exists and still counts `rows` recipients: an erasure of an
address the backup holds lowers the count (storage.store.erasure), so a file that outlived its
erasure's deletion (a crash in between, a first download that was running meanwhile) is
recognised by its count and deleted, never served.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import secrets
import time
import zlib
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.files import FileStore
from storage.models import Backup

# Bumped whenever storage/store/exports.py writes other bytes: older files are then ignored
# (and swept as stale).
FORMAT = 1
# zlib level 1: about 4x smaller than the CSV at several hundred MB/s, off the event loop;
# higher levels cost the first download more than they save on disk. zstd is not in the lock.
GZIP_LEVEL = 1
GZIP_WBITS = 31  # a gzip member (header and CRC), what `Content-Encoding: gzip` sends
READ_CHUNK = 256 * 1024
TEMP_SECONDS = 3600.0  # a temp file untouched this long was left by a process that died
PREFIX = "export-"
AREA = "exports/"
_KEY = re.compile(r"export-(\d+)-v(\d+)-(\d+)-(\d+)-([0-9a-f]{64})\.csv\.gz")
_TEMP = re.compile(r"export-\d+-[0-9a-f]{16}\.tmp")


@dataclass(frozen=True)
class CachedExport:
    """A materialised export: its key, the rows it holds, its CSV's size and SHA-256."""

    key: str
    rows: int
    size: int
    sha256: str


def _parse(key: str) -> tuple[int, CachedExport | None] | None:
    """The backup id of an export's key and the export (None: another format); None for a
    key that is no export."""
    match = _KEY.fullmatch(key)
    if match is None:
        return None
    if int(match[2]) != FORMAT:
        return int(match[1]), None
    return int(match[1]), CachedExport(key, int(match[3]), int(match[4]), match[5])


def _backup_prefix(backup_id: int) -> str:
    return f"{PREFIX}{int(backup_id)}-"


def _backup_folder(backup_id: int) -> str:
    """The key prefix of a backup's files: its own folder."""
    return f"{AREA}{int(backup_id)}/"


def _name(key: str) -> str:
    return key.rsplit("/", 1)[-1]


class ExportCache:
    """The materialised exports in a file store."""

    def __init__(self, files: FileStore) -> None:
        self.files = files

    async def find(self, backup_id: int, *, rows: int) -> CachedExport | None:
        """The backup's valid file for a backup of `rows` recipients; stale files are deleted."""
        found = None
        for key in sorted(await self.files.keys(_backup_folder(backup_id))):
            parsed = _parse(_name(key))
            cached = parsed[1] if parsed is not None and parsed[0] == backup_id else None
            if cached is not None and cached.rows == rows and found is None:
                found = CachedExport(key, cached.rows, cached.size, cached.sha256)
            else:
                await self.files.delete(key)  # another format, a count changed since, or junk
        return found

    def writer(self, backup_id: int, *, rows: int) -> ExportWriter:
        """A writer of the backup's file, for a backup of `rows` recipients when it began
        (blocking: it opens the temp file)."""
        self.files.temp_dir.mkdir(parents=True, exist_ok=True)
        temp = self.files.temp_dir / f"{_backup_prefix(backup_id)}{secrets.token_hex(8)}.tmp"
        return ExportWriter(temp, backup_id, rows)

    async def store(
        self, writer: ExportWriter, done: CachedExport, *, headers: Mapping[str, str]
    ) -> None:
        """Store a finished writer's file under its key, where it is found from now; `headers`
        are what a presigned download of it answers (`FileStore.presigned_url`).

        Two first downloads at once store the same key: the later replaces the earlier file
        by an equal one, and a reader holding the earlier one reads it whole.
        """
        await self.files.put_file(done.key, writer.temp, headers=headers)

    async def delete(self, backup_ids: Iterable[int]) -> int:
        """Delete every file of these backups (of the older layout too); how many went."""
        wanted = {int(backup_id) for backup_id in backup_ids}
        removed = 0
        for backup_id in sorted(wanted):
            for key in await self.files.keys(_backup_folder(backup_id)):
                await self.files.delete(key)
                removed += 1
        for key, backup_id in (await self.legacy_keys()).items():
            if backup_id in wanted:
                await self.files.delete(key)
                removed += 1
        return removed

    async def cached_backups(self) -> dict[int, list[CachedExport | None]]:
        """Every backup with files, and its files (None: a key of another format)."""
        found: dict[int, list[CachedExport | None]] = {}
        for key in sorted(await self.files.keys(AREA)):
            parsed = _parse(_name(key))
            if parsed is not None:
                found.setdefault(parsed[0], []).append(parsed[1])
        return found

    async def legacy_keys(self) -> dict[str, int]:
        """Files of the older layout (`export-<id>-...` in the uploads area), with their backup
        ids: never served, deleted by the sweep (one listing of the uploads area)."""
        found: dict[str, int] = {}
        for key in await self.files.keys(PREFIX):
            parsed = _parse(key)
            if parsed is not None:
                found[key] = parsed[0]
        return found

    def delete_old_temps(self, older_than: float = TEMP_SECONDS) -> int:
        """Delete temp files of exports untouched for `older_than` seconds; how many
        (blocking: call it in a thread)."""
        temp_dir = self.files.temp_dir
        if not temp_dir.is_dir():
            return 0
        now, removed = time.time(), 0
        for entry in os.scandir(temp_dir):
            if _TEMP.fullmatch(entry.name) is None:
                continue
            with contextlib.suppress(FileNotFoundError):
                if now - entry.stat().st_mtime > older_than:
                    removed += _unlink(Path(entry.path))
        return removed


def _unlink(path: Path) -> int:
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1


class ExportWriter:
    """Compresses and hashes an export's chunks into a local temp file; `finish` closes it and
    names its key (`ExportCache.store` stores it).

    `add` and `finish` block (zlib, hashlib and the file write release the GIL): call them in
    a thread. `discard` removes the temp file; it is safe after `finish` too.
    """

    def __init__(self, temp: Path, backup_id: int, rows: int) -> None:
        self.temp, self.backup_id, self.rows = temp, backup_id, rows
        self.out: BinaryIO = temp.open("wb")
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, GZIP_WBITS)
        self.sha = hashlib.sha256()
        self.size = 0

    def add(self, chunk: bytes) -> None:
        """Append `chunk` of the CSV."""
        self.sha.update(chunk)
        self.size += len(chunk)
        self.out.write(self.compressor.compress(chunk))

    def finish(self) -> CachedExport:
        """Close the file; the export it holds, under the key it is to be stored as."""
        self.out.write(self.compressor.flush())
        self.out.close()
        sha = self.sha.hexdigest()
        name = f"{_backup_prefix(self.backup_id)}v{FORMAT}-{self.rows}-{self.size}-{sha}.csv.gz"
        key = _backup_folder(self.backup_id) + name
        return CachedExport(key, self.rows, self.size, sha)

    def discard(self) -> None:
        """Drop the temp file (a download that did not reach its end)."""
        self.out.close()
        _unlink(self.temp)


async def csv_range(packed: AsyncGenerator[bytes], start: int, end: int) -> AsyncIterator[bytes]:
    """Bytes `start` to `end` (exclusive) of the CSV the gzip chunks `packed` hold.

    gzip has no index: the bytes before `start` are decompressed and skipped (several
    hundred MB/s, so a range late in a large export waits a fraction of a second).
    """
    inflate = zlib.decompressobj(GZIP_WBITS)
    position = 0
    async with contextlib.aclosing(packed):  # a range that ends early closes the file
        async for chunk in packed:
            if position >= end:
                break
            data = await asyncio.to_thread(inflate.decompress, chunk)
            piece_end = position + len(data)
            if piece_end > start and data:
                yield data[max(0, start - position) : end - position]
            position = piece_end
    if position < end:
        tail = inflate.flush()
        if tail:
            yield tail[max(0, start - position) : end - position]


async def backup_counts(conn: AsyncConnection, backup_ids: Iterable[int]) -> dict[int, int]:
    """The recipient count of each of these backups that still exists."""
    ids = sorted(set(backup_ids))
    if not ids:
        return {}
    rows = await conn.execute(
        select(Backup.id, Backup.recipient_count).where(col(Backup.id).in_(ids))
    )
    return {int(r.id): int(r.recipient_count) for r in rows}
