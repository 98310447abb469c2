"""CSV exports of a backup's state, streamed in constant memory."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.backup_reads import BackupRow
from storage.csv_codec import export_header, export_row
from storage.state import stream_state


async def export_csv(engine: AsyncEngine, backup: BackupRow) -> AsyncIterator[bytes]:
    """The backup's state as UTF-8 CSV with a header row, chunk by chunk."""
    names: list[str] = orjson.loads(backup.attribute_names)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export_header(names))
    yield _take(buffer).encode()
    async for rows in stream_state(engine, group_id=backup.group_id, seq=backup.seq):
        writer.writerows(export_row(*row, names) for row in rows)
        yield _take(buffer).encode()


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
