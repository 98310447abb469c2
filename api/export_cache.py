"""A backup's download, from its materialised export when there is one.

The first download streams the export from the database (at the floor of its query) and, in a
thread beside it, writes the same bytes gzip-compressed to a local temp file, stored in the
file store (`storage.export_cache`; a folder or S3) only once the last row is written: a
download cut short leaves no file. Later downloads stream that file from the store:

- `ETag`: strong, the SHA-256 of the CSV (`"<sha>"` for the CSV as is, `"<sha>-gzip"` for the
  gzip bytes, two representations); `If-None-Match` naming it gives 304.
- `Content-Encoding: gzip` when `Accept-Encoding` allows it: the stored bytes as they are.
  Otherwise the CSV itself, decompressed on the way out.
- `Range` (one range of bytes; several are answered with the whole file): always on the CSV
  itself, never on the gzip bytes, so a resumed download works whatever the client accepts;
  the bytes before the range are decompressed and skipped (gzip has no index). `If-Range`
  with another ETag gives the whole file.
- With `LISTKEEPER_FILES_REDIRECT` on an S3 store, a whole-file download a client takes gzip
  for answers 307 to a presigned GET of the object (`FileStore.presigned_url`), which S3 answers
  with the headers stored with it (CSV, gzip, the file name); a range, a client without gzip,
  or an object whose stored file name is no longer the backup's (its group renamed since) is
  streamed as above.

Live group exports and exports as of a moment are never materialised: their group changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from storage.db import read_transaction
from storage.export_cache import (
    CachedExport,
    ExportCache,
    ExportWriter,
    backup_counts,
    csv_range,
)
from storage.files import FileStore, opened, sweep_old_copies
from storage.store.backup_reads import BackupRow
from storage.store.exports import export_backup_csv

log = logging.getLogger("listkeeper.downloads")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
COALESCE = 256 * 1024
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class ByteRange:
    """Bytes `start` to `end` (exclusive) of the CSV."""

    start: int
    end: int


async def backup_export_response(
    request: Request,
    *,
    engine: AsyncEngine,
    files: FileStore,
    backup: BackupRow,
    headers: dict[str, str],
    redirect_seconds: float | None = None,
) -> Response:
    """The backup's CSV: from its materialised file, or from the database while writing one.

    `redirect_seconds`: a download of the stored file may be a redirect to a presigned URL
    valid this long (None: never); the first download is always streamed."""
    cache = ExportCache(files)
    cached = await cache.find(backup.id, rows=backup.recipient_count)
    if cached is not None:
        try:
            return await _file_response(request, files, cached, headers, redirect_seconds)
        except FileNotFoundError:
            pass  # deleted since (an erasure): stream from the database again
    body = _materialising(engine, cache, backup, stored_headers(headers))
    return StreamingResponse(body, media_type=CSV_TYPE, headers=headers)


def stored_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers a stored export answers a presigned GET with: CSV, gzip, the file name."""
    kept = {"Content-Type": CSV_TYPE, "Content-Encoding": "gzip"}
    if "Content-Disposition" in headers:
        kept["Content-Disposition"] = headers["Content-Disposition"]
    return kept


async def _materialising(
    engine: AsyncEngine, cache: ExportCache, backup: BackupRow, headers: dict[str, str]
) -> AsyncIterator[bytes]:
    """The export from the database; each chunk is compressed and written in a thread while
    the next one is read, and the file is stored after the last."""
    writer: ExportWriter | None = await asyncio.to_thread(
        cache.writer, backup.id, rows=backup.recipient_count
    )
    pending: asyncio.Future[None] | None = None
    kept = False
    try:
        async for chunk in _coalesced(export_backup_csv(engine, backup)):
            writer, pending = await _written(writer, pending)
            if writer is not None:
                pending = asyncio.ensure_future(asyncio.to_thread(writer.add, chunk))
            yield chunk
        writer, pending = await _written(writer, pending)
        if writer is not None:
            done = await asyncio.to_thread(writer.finish)
            try:
                await cache.store(writer, done, headers=headers)
            except Exception:  # the client has every byte: a store that fails costs a file
                log.exception("storing the export of a backup failed")
            else:
                kept = True
                await _drop_if_stale(engine, cache, done, backup)
    finally:
        if not kept and writer is not None:
            with contextlib.suppress(Exception):
                await _written(writer, pending)
            writer.discard()


async def _coalesced(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The chunks joined into pieces of at least COALESCE bytes: COPY hands out small
    buffers, and each piece costs a thread hop (compression) and a send."""
    pieces: list[bytes] = []
    size = 0
    async for chunk in chunks:
        pieces.append(chunk)
        size += len(chunk)
        if size >= COALESCE:
            yield b"".join(pieces)
            pieces, size = [], 0
    if pieces:
        yield b"".join(pieces)


async def _written(
    writer: ExportWriter | None, pending: asyncio.Future[None] | None
) -> tuple[ExportWriter | None, None]:
    """Wait for the last chunk's write; on a failure (disk full) stop writing, go on streaming."""
    if writer is None or pending is None:
        return writer, None
    try:
        await pending
    except Exception:
        log.exception("writing the export of a backup failed; the download goes on without it")
        writer.discard()
        return None, None
    return writer, None


async def _drop_if_stale(
    engine: AsyncEngine, cache: ExportCache, done: CachedExport, backup: BackupRow
) -> None:
    """Delete the file just stored if its backup changed since the export began.

    An erasure that committed meanwhile has lowered the count (we see it here and delete), or
    commits after this read (its own deletion, after its commit, finds the file); retention
    likewise deletes the backup row first, then its files.
    """
    async with read_transaction(engine) as conn:
        counts = await backup_counts(conn, [backup.id])
    if counts.get(backup.id) != done.rows:
        await cache.files.delete(done.key)


async def _file_response(
    request: Request,
    files: FileStore,
    cached: CachedExport,
    headers: dict[str, str],
    redirect_seconds: float | None = None,
) -> Response:
    """200 (gzip or the CSV), 206 (a range of the CSV), 304 or 416 from the materialised file,
    or 307 to a presigned URL of it (gzip, whole, when `redirect_seconds` is set).

    A body is opened (its first chunk read) before the response is made: FileNotFoundError
    here when the file was deleted since, and a file deleted later is still read to its end.
    """
    csv_tag, gzip_tag = f'"{cached.sha256}"', f'"{cached.sha256}-gzip"'
    wanted = _wanted_range(request, csv_tag, cached.size)
    gzip = wanted is None and accepts_gzip(request.headers.get("accept-encoding", ""))
    common = {**headers, "Accept-Ranges": "bytes", "Vary": "Accept-Encoding"}
    common["Cache-Control"] = "private, no-cache"  # the client's own cache, revalidated
    common["ETag"] = gzip_tag if gzip else csv_tag
    if _none_match(request.headers.get("if-none-match"), (csv_tag, gzip_tag)):
        return Response(status_code=304, headers=_without_body(common))
    if wanted == "unsatisfiable":
        unsatisfiable = {**_without_body(common), "Content-Range": f"bytes */{cached.size}"}
        return Response(status_code=416, headers=unsatisfiable)
    if gzip and redirect_seconds is not None:
        url = await files.presigned_url(
            cached.key, headers=stored_headers(headers), expires_in=redirect_seconds
        )
        if url is not None:
            moved = {"Location": url, "Cache-Control": "no-store", "Vary": "Accept-Encoding"}
            return Response(status_code=307, headers=moved)
    if gzip:
        stored_size = await files.size(cached.key)
        common.update({"Content-Encoding": "gzip", "Content-Length": str(stored_size)})
        return _streamed(await opened(files, cached.key), 200, common)
    part = wanted if isinstance(wanted, ByteRange) else ByteRange(0, cached.size)
    common["Content-Length"] = str(part.end - part.start)
    body = csv_range(await opened(files, cached.key), part.start, part.end)
    if wanted is None:
        return _streamed(body, 200, common)
    common["Content-Range"] = f"bytes {part.start}-{part.end - 1}/{cached.size}"
    return _streamed(body, 206, common)


def _streamed(body: AsyncIterator[bytes], status: int, headers: dict[str, str]) -> Response:
    return StreamingResponse(
        body, status_code=status, media_type="text/csv; charset=utf-8", headers=headers
    )


def _without_body(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in ("Content-Disposition", "Content-Length")}


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an `Accept-Encoding` value allows gzip (`gzip`, `x-gzip` or `*`, q > 0)."""
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().lower()
        if not quality.startswith("q="):
            return True
        with contextlib.suppress(ValueError):
            return float(quality[2:]) > 0
    return False


def _none_match(header: str | None, tags: tuple[str, ...]) -> bool:
    """Whether `If-None-Match` names one of `tags` (weak comparison, as RFC 9110 asks) or `*`."""
    if not header:
        return False
    named = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in named or bool(named & set(tags))


def _wanted_range(request: Request, csv_tag: str, size: int) -> ByteRange | str | None:
    """The one range of the CSV a `Range` header asks for; None for the whole file (no header,
    several ranges, a form we do not read, or an `If-Range` naming another version);
    "unsatisfiable" when it starts past the end."""
    header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if header is None or (if_range is not None and if_range.strip() != csv_tag):
        return None
    match = _RANGE.fullmatch(header.strip().replace(" ", ""))
    if match is None or match[1] == match[2] == "":
        return None
    if match[1] == "":  # the last N bytes
        length = int(match[2])
        return ByteRange(max(0, size - length), size) if length else "unsatisfiable"
    start = int(match[1])
    end = min(size, int(match[2]) + 1) if match[2] else size
    if start >= size:
        return "unsatisfiable"
    return ByteRange(start, end) if end > start else None


async def forget_exports(files: FileStore, backup_ids: list[int]) -> None:
    """Delete the materialised exports of these backups (deleted, or holding erased data)."""
    if backup_ids:
        await ExportCache(files).delete(backup_ids)


async def sweep_stale_exports(*, engine: AsyncEngine, files: FileStore) -> int:
    """Delete the files of backups that are gone, those an erasure made stale (a crash before
    its deletion), those of the older key layout, and temp files (exports being written, the
    S3 store's local copies) left by a process that died; how many files went."""
    cache = ExportCache(files)
    removed = await asyncio.to_thread(cache.delete_old_temps)
    removed += await asyncio.to_thread(sweep_old_copies, files.temp_dir)
    for key in await cache.legacy_keys():
        await files.delete(key)
        removed += 1
    cached = await cache.cached_backups()
    if not cached:
        return removed
    async with read_transaction(engine) as conn:
        counts = await backup_counts(conn, cached)
    gone = [backup_id for backup_id in cached if backup_id not in counts]
    removed += await cache.delete(gone)
    for backup_id, rows in counts.items():
        await cache.find(backup_id, rows=rows)  # deletes stale files
    return removed
