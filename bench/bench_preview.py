"""previewImport of a --rows file into a --rows group, beside the import of the same file.

The group is made by importing the file; the same file is then staged (as stageFile does),
previewed (`api.previews.preview_import` with a first page of changes and of row errors, as
the mutation asks it) and imported into the group (REFRESH_AND_ADD), in the same run: every
row matches and is compared, the most work a preview of that file can do. Peak RSS is the
process's VmRSS sampled during the preview (the server's work runs in this process).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from api.imports import UploadSource
from api.previews import ChangePage, PreviewRequest, RowErrorPage, preview_import
from api.staged_files import stage_file
from bench.common import (
    CLOCK,
    Result,
    RssSampler,
    arguments,
    chosen_backends,
    fresh_database,
    log,
    migrated_engine,
    new_account,
    print_table,
    status_mb,
    timed_import,
    traced,
    write_changes_csv,
    write_recipients_csv,
)
from storage.files import FileStore, FolderStore
from storage.store.write_path import WriteMode

TIME_TARGET_S = 10.0
MEMORY_TARGET_MB = 300.0


async def staged_id(engine: AsyncEngine, files: FileStore, account_id: int, source: Path) -> int:
    """Stage `source` as stageFile does; the staged file's id."""
    with source.open("rb") as handle:

        async def read(size: int) -> bytes:
            return handle.read(size)

        return await stage_file(
            engine=engine,
            files=files,
            account_id=account_id,
            upload=UploadSource(filename=source.name, read=read),
            max_bytes=1 << 40,
            now=CLOCK.now(),
            keep_for=timedelta(hours=1),
        )


async def bench_backend(
    backend: str, folder: Path, files_in: PreviewFiles, rows: int, trace: bool
) -> list[Result]:
    """Import the group, then preview and import the file into it."""
    async with fresh_database(backend, folder) as database, migrated_engine(database) as engine:
        files = FolderStore(folder / f"files-{backend}")
        account_id, _ = await new_account(engine, "bench")
        _, first = await timed_import(
            engine, files, account_id=account_id, source=files_in.group, group_name="big"
        )
        assert first.group_id is not None
        request = PreviewRequest(
            account_id=account_id,
            staged_file_id=await staged_id(engine, files, account_id, files_in.previewed),
            group_id=first.group_id,
            group_name=None,
            mode=WriteMode.REFRESH_AND_ADD,
            field_mapping=None,
            change_pages=[ChangePage(None, None, 20)],
            row_error_pages=[RowErrorPage(None, 20)],
        )
        idle = status_mb("VmRSS")
        with RssSampler(os.getpid()) as memory, traced(engine, trace, "the preview"):
            start = time.perf_counter()
            preview = await preview_import(
                engine=engine, files=files, request=request, now=CLOCK.now()
            )
            preview_s = time.perf_counter() - start
        with traced(engine, trace, "the import of the same file"):
            import_s, job = await timed_import(
                engine,
                files,
                account_id=account_id,
                source=files_in.previewed,
                mode="REFRESH_AND_ADD",
                group_id=first.group_id,
            )
    outcome = preview.counts.outcome
    counted = (outcome.added, outcome.updated, outcome.unchanged, outcome.status_kept)
    if counted != (job.added, job.updated, job.unchanged, job.status_kept):
        raise RuntimeError(f"preview {counted} differs from the import {job}")
    label = f"previewImport of {files_in.label} into a {rows:,}-row group"
    return [
        Result(
            label,
            backend,
            preview_s * 1000,
            "ms",
            TIME_TARGET_S * 1000,
            higher_is_better=False,
            floor=f"import of the same file {import_s:.1f} s; {outcome.updated:,} updated,"
            f" {outcome.unchanged:,} unchanged",
        ),
        Result(
            f"peak RSS during that preview (this process, {idle:.0f} MB before)",
            backend,
            memory.peak_mb,
            "MB",
            MEMORY_TARGET_MB,
            higher_is_better=False,
        ),
    ]


@dataclass(frozen=True)
class PreviewFiles:
    """The file that makes the group, and the file previewed then imported into it."""

    group: Path
    previewed: Path
    label: str


def write_files(folder: Path, rows: int, updates: int) -> PreviewFiles:
    """The group's file; without `updates` it is also the previewed one (nothing changes)."""
    group = folder / "recipients.csv"
    write_recipients_csv(group, rows)
    log(f"file: {rows:,} rows, {group.stat().st_size / 1e6:.1f} MB")
    if not updates:
        return PreviewFiles(group, group, f"{rows:,} rows (the same file)")
    changed = folder / "changed.csv"
    write_changes_csv(changed, group_rows=rows, batch=1, updates=updates, new=0)
    return PreviewFiles(group, changed, f"{updates:,} rows with changed names")


async def run_all(rows: int, backends: tuple[str, ...], trace: bool, updates: int) -> list[Result]:
    """Write the files once, then bench each backend."""
    with tempfile.TemporaryDirectory(prefix="listkeeper-bench-") as name:
        folder = Path(name)
        files_in = write_files(folder, rows, updates)
        results: list[Result] = []
        for backend in backends:
            results += await bench_backend(backend, folder, files_in, rows, trace)
        return results


def main() -> None:
    """Run the benchmark and print its table."""
    parser = arguments("previewImport against the import of the same file")
    parser.add_argument(
        "--trace", action="store_true", help="log the slowest SQL statements of both"
    )
    parser.add_argument(
        "--updates",
        type=int,
        default=0,
        help="preview a file of this many of the group's rows with changed names instead",
    )
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M")
    results = asyncio.run(
        run_all(args.rows, chosen_backends(args.backend), args.trace, args.updates)
    )
    print_table(f"bench_preview --rows {args.rows} ({started})", results)


if __name__ == "__main__":
    main()
