"""Materialised backup exports: the CSV of a backup, written once, gzip-compressed, to the data
folder, so that later downloads stream a file instead of running the state query again.

Layout: `exports/backup-<id>/v<FORMAT>-<rows>-<size>-<sha256>.csv.gz`, the whole record in the
name (one rename makes it appear complete, nothing else to keep in step): the backup's
recipient count when the export began, the size and SHA-256 of the uncompressed CSV (the ETag).
A file is written under `exports/tmp/` and renamed into place at its end; one left there by a
process that died is swept (`sweep_stale_exports`).

A file is valid while its backup exists and still counts `rows` recipients: an erasure of an
address the backup holds lowers the count (storage.store.erasure), so a file that outlived its
erasure's deletion (a crash in between, a first download that was running meanwhile) is
recognised by its count and deleted, never served.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

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
_NAME = re.compile(r"v(\d+)-(\d+)-(\d+)-([0-9a-f]{64})\.csv\.gz")


@dataclass(frozen=True)
class CachedExport:
    """A materialised export: its file, the rows it holds, its CSV's size and SHA-256."""

    path: Path
    rows: int
    size: int
    sha256: str

    @property
    def stored_size(self) -> int:
        """Bytes of the gzip file."""
        return self.path.stat().st_size


def _parse(path: Path) -> CachedExport | None:
    match = _NAME.fullmatch(path.name)
    if match is None or int(match[1]) != FORMAT:
        return None
    return CachedExport(path, int(match[2]), int(match[3]), match[4])


class ExportCache:
    """The materialised exports under `root/exports` (root: the file store's folder)."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "exports"
        self.temp = self.folder / "tmp"

    def backup_folder(self, backup_id: int) -> Path:
        """The folder of one backup's files."""
        return self.folder / f"backup-{int(backup_id)}"

    def find(self, backup_id: int, *, rows: int) -> CachedExport | None:
        """The backup's valid file for a backup of `rows` recipients; stale files are deleted."""
        found = None
        for path in self._files(backup_id):
            cached = _parse(path)
            if cached is not None and cached.rows == rows and found is None:
                found = cached
            else:
                _unlink(path)  # another format, or a count an erasure has changed since
        return found

    def writer(self, backup_id: int, *, rows: int) -> ExportWriter:
        """A writer of the backup's file, for a backup of `rows` recipients when it began."""
        self.temp.mkdir(parents=True, exist_ok=True)
        temp = self.temp / f"{int(backup_id)}-{secrets.token_hex(8)}.tmp"
        return ExportWriter(temp, self.backup_folder(backup_id), rows)

    def delete(self, backup_ids: Iterable[int]) -> int:
        """Delete every file of these backups; how many files went."""
        removed = 0
        for backup_id in backup_ids:
            for path in self._files(backup_id):
                removed += _unlink(path)
            with contextlib.suppress(OSError):
                self.backup_folder(backup_id).rmdir()
        return removed

    def cached_backups(self) -> dict[int, list[CachedExport | None]]:
        """Every backup with files, and its files (None: a name of another format)."""
        found: dict[int, list[CachedExport | None]] = {}
        if not self.folder.is_dir():
            return found
        for entry in os.scandir(self.folder):
            if entry.name.startswith("backup-") and entry.name[7:].isdigit():
                backup_id = int(entry.name[7:])
                found[backup_id] = [_parse(path) for path in self._files(backup_id)]
        return found

    def delete_old_temps(self, older_than: float = TEMP_SECONDS) -> int:
        """Delete temp files untouched for `older_than` seconds; how many."""
        if not self.temp.is_dir():
            return 0
        now, removed = time.time(), 0
        for entry in os.scandir(self.temp):
            with contextlib.suppress(FileNotFoundError):
                if now - entry.stat().st_mtime > older_than:
                    removed += _unlink(Path(entry.path))
        return removed

    def _files(self, backup_id: int) -> list[Path]:
        try:
            return sorted(self.backup_folder(backup_id).iterdir())
        except FileNotFoundError:
            return []


def _unlink(path: Path) -> int:
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1


class ExportWriter:
    """Compresses and hashes an export's chunks into a temp file; `finish` renames it into place.

    `add` and `finish` block (zlib, hashlib and the file write release the GIL): call them in
    a thread. `discard` removes the temp file; it is safe after `finish` too.
    """

    def __init__(self, temp: Path, folder: Path, rows: int) -> None:
        self.temp, self.folder, self.rows = temp, folder, rows
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
        """Close the file and rename it into the backup's folder, where it is found from now."""
        self.out.write(self.compressor.flush())
        self.out.close()
        name = f"v{FORMAT}-{self.rows}-{self.size}-{self.sha.hexdigest()}.csv.gz"
        self.folder.mkdir(parents=True, exist_ok=True)
        # Two first downloads at once write the same name: the later rename replaces the
        # earlier file by an equal one, and a reader holding the earlier one reads it whole.
        os.replace(self.temp, self.folder / name)
        return CachedExport(self.folder / name, self.rows, self.size, self.sha.hexdigest())

    def discard(self) -> None:
        """Drop the temp file (a download that did not reach its end)."""
        self.out.close()
        _unlink(self.temp)


def read_csv_range(stream: BinaryIO, start: int, end: int) -> Iterable[bytes]:
    """Bytes `start` to `end` (exclusive) of the CSV a gzip stream holds.

    gzip has no index: the bytes before `start` are decompressed and skipped (several
    hundred MB/s, so a range late in a large export waits a fraction of a second).
    """
    inflate = zlib.decompressobj(GZIP_WBITS)
    position = 0
    while position < end and (packed := stream.read(READ_CHUNK)):
        data = inflate.decompress(packed)
        piece_end = position + len(data)
        if piece_end > start:
            yield data[max(0, start - position) : end - position]
        position = piece_end
    if position < end:
        tail = inflate.flush()
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
