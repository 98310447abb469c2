"""Import and export on the local database: the use-cases called directly, the job run here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiofiles
from sqlalchemy.ext.asyncio import AsyncEngine

from api.commands.console import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    SHOWN_ROW_ERRORS,
    CliError,
    ExportFile,
    ImportOutcome,
    ImportRequest,
    Interrupted,
    Meter,
    Output,
    RowProblem,
    choose_group,
    copy_into,
    estimate_rows,
    refusal_exit_code,
    rejects_sink,
)
from api.commands.database import local_services
from api.errors import NotFound, UserFacingError
from api.global_ids import decode_id, encode_id
from api.imports import UploadSource, start_import
from api.rejects import kept_rejects_key
from api.runtime import job_worker
from api.services import Services
from api.settings import Settings
from api.worker import Worker
from storage.db import read_transaction, write_transaction
from storage.jobs import JobRow, fail, job_by_id, row_errors
from storage.reads import account_id_by_name, groups_by_id, live_groups_named
from storage.store.backup_reads import BackupRow, backups_by_id
from storage.store.exports import export_backup_csv

POLL_SECONDS = 0.3


async def account_id_named(engine: AsyncEngine, name: str) -> int:
    """The id of the account called `name`, or CliError."""
    async with read_transaction(engine) as conn:
        found = await account_id_by_name(conn, name=name)
    if found is None:
        raise CliError(
            f"no account named {name!r} in this database"
            " (`listkeeper create-token --account NAME` creates one)",
            EXIT_NOT_FOUND,
        )
    return found


def local_id(reference: str, type_name: str) -> int | None:
    """The database id in a global ID of `type_name` or a plain number; None if neither."""
    if reference.strip().isdigit():
        return int(reference)
    try:
        return decode_id(reference.strip(), type_name, field=["id"])
    except NotFound:
        return None


async def import_local(
    settings: Settings, account: str, request: ImportRequest, out: Output
) -> ImportOutcome:
    """Queue the import, run the job in this process while showing progress; its outcome."""
    async with local_services(settings) as services:
        account_id = await account_id_named(services.engine, account)
        group_id = await _target_group(services.engine, account_id, request, out)
        job_id = await _start(services, account_id, group_id, request)
        try:
            job = await _run(services, job_id, estimate_rows(request.path), out)
            outcome = await _outcome(services.engine, job)
            written = await _write_rejects(services, job, request.rejects, out)
        except asyncio.CancelledError:
            # Ctrl-C once the job had ended (`_run` tells of one in its course): the message
            # is read from the job, never assumed.
            raise Interrupted(await _settle_interrupted(services, job_id)) from None
        return replace(outcome, rejects_file=written)


async def _write_rejects(
    services: Services, job: JobRow, destination: Path | None, out: Output
) -> str | None:
    """Copy the job's file of rejected rows to --rejects FILE; the name written, if any."""
    if destination is None or job.status != "SUCCEEDED" or not job.rejected:
        return None
    key = await kept_rejects_key(engine=services.engine, account_id=job.account_id, job_id=job.id)
    if key is None:
        raise CliError(f"job {job.id} kept no file of its rejected rows")
    try:
        async with services.files.local_copy(key) as path:
            with rejects_sink(out, destination, job.rejected) as sink:
                await asyncio.to_thread(copy_into, path, sink)
    except FileNotFoundError:
        raise CliError(f"job {job.id} kept no file of its rejected rows") from None
    return sink.name


async def _target_group(
    engine: AsyncEngine, account_id: int, request: ImportRequest, out: Output
) -> int | None:
    """The id of the group to import into, or None for a new group of the requested name."""
    if request.group_id is not None:
        wanted = local_id(request.group_id, "Group")
        async with read_transaction(engine) as conn:
            found = await groups_by_id(conn, account_id=account_id, ids=[wanted] if wanted else [])
        if wanted is None or wanted not in found:
            raise CliError(f"no group with id {request.group_id}", EXIT_NOT_FOUND)
        out.say(f"Importing {request.path} into group {found[wanted].name!r} ({_gid(wanted)}).")
        return wanted
    if request.group_name is None:
        raise CliError("give the group: --group NAME or --group-id ID", EXIT_USAGE)
    async with read_transaction(engine) as conn:
        rows = await live_groups_named(conn, account_id=account_id, name=request.group_name)
    named = {_gid(row.id): row.id for row in rows}
    chosen = choose_group(request, list(named), out)
    return named[chosen] if chosen is not None else None


def _gid(group_id: int) -> str:
    return encode_id("Group", group_id)


async def _start(
    services: Services, account_id: int, group_id: int | None, request: ImportRequest
) -> int:
    async with aiofiles.open(request.path, "rb") as file:
        try:
            return await start_import(
                engine=services.engine,
                files=services.files,
                account_id=account_id,
                upload=UploadSource(filename=request.path.name, read=file.read),
                group_id=group_id,
                group_name=request.group_name if group_id is None else None,
                mode=request.mode,
                field_mapping=request.mapping,
                max_bytes=services.settings.max_upload_bytes,
                now=services.clock.now(),
            )
        except UserFacingError as error:
            message = f"the import was refused: {error.message} ({error.code.value})"
            raise CliError(message, refusal_exit_code(error.code, error.field)) from None


async def _run(services: Services, job_id: int, estimate: int | None, out: Output) -> JobRow:
    """Work the queue in this process until the job has finished, showing its progress."""
    engine = services.engine
    work = asyncio.create_task(_work(job_worker(services), engine, job_id))
    try:
        with out.meter("Importing", unit="rows", total=estimate) as meter:
            return await _watch(engine, job_id, work, meter, estimate)
    except asyncio.CancelledError:
        await _stop(work)
        # Raised in place of the cancellation, so asyncio.run hands it on as it is.
        raise Interrupted(await _settle_interrupted(services, job_id)) from None
    finally:
        await _stop(work)


async def _work(worker: Worker, engine: AsyncEngine, job_id: int) -> None:
    # The worker takes the oldest queued job: older ones run first, in this process too.
    while not (await _job(engine, job_id)).finished:
        if not await worker.run_next():
            await asyncio.sleep(POLL_SECONDS)  # a server's worker has it: wait for it


async def _watch(
    engine: AsyncEngine,
    job_id: int,
    work: asyncio.Task[None],
    meter: Meter,
    estimate: int | None,
) -> JobRow:
    while True:
        job = await _job(engine, job_id)
        meter.update(
            job.processed_rows, max(job.processed_rows, job.total_rows or estimate or 0) or None
        )
        if job.finished:
            return job
        if work.done():
            work.result()  # the worker's own failure, if it had one
        await asyncio.sleep(POLL_SECONDS)


async def _stop(work: asyncio.Task[None]) -> None:
    if not work.done():
        work.cancel()
    await asyncio.gather(work, return_exceptions=True)


async def _job(engine: AsyncEngine, job_id: int) -> JobRow:
    async with read_transaction(engine) as conn:
        job = await job_by_id(conn, job_id=job_id)
    if job is None:
        raise CliError(f"job {job_id} is gone from the database")
    return job


async def _settle_interrupted(services: Services, job_id: int) -> str:
    """After Ctrl-C, the job's task stopped: fail the job if it had not ended (its commit may
    have come just before the interrupt), and say what became of the import."""
    async with write_transaction(services.engine) as conn:
        job = await job_by_id(conn, job_id=job_id)
        if job is not None and not job.finished:
            # Otherwise a server would requeue the job, whose upload is gone, at its next start.
            await fail(
                conn,
                job_id=job_id,
                attempt=job.attempts,
                now=services.clock.now(),
                error="Interrupted.",
            )
            return "the import was stopped and rolled back; nothing was changed"
    if job is not None and job.status == "SUCCEEDED":
        return (
            f"the import had already finished: its changes are kept (job {job_id};"
            f" {job.added} added, {job.updated} updated)"
        )
    return "the import had already ended without changing anything"


async def _outcome(engine: AsyncEngine, job: JobRow) -> ImportOutcome:
    async with read_transaction(engine) as conn:
        errors = await row_errors(conn, job_id=job.id, first=SHOWN_ROW_ERRORS)
        groups = await groups_by_id(
            conn,
            account_id=job.account_id,
            ids=[job.group_id] if job.group_id else [],
            include_deleted=True,
        )
    group = groups.get(job.group_id) if job.group_id is not None else None
    return ImportOutcome(
        status=job.status,
        group=f"group {group.name!r} ({_gid(group.id)})" if group else "the group",
        added=job.added,
        updated=job.updated,
        unchanged=job.unchanged,
        skipped=job.skipped,
        rejected=job.rejected,
        status_kept=job.status_kept,
        row_errors=[RowProblem(e.row, e.column, e.code, e.message) for e in errors],
        backup_id=f"{encode_id('Backup', job.backup_id)} (number {job.backup_id})"
        if job.backup_id is not None
        else None,
        error=job.error,
    )


async def export_local(
    settings: Settings, account: str, backup_ref: str, destination: str, out: Output
) -> int:
    """Write the backup's CSV to `destination`; the exit code."""
    async with local_services(settings) as services:
        engine = services.engine
        account_id = await account_id_named(engine, account)
        backup = await _backup(engine, account_id, backup_ref)
        rows = backup.recipient_count
        with (
            out.meter("Exporting", unit="rows", total=rows) as meter,
            ExportFile(destination, meter, rows) as sink,
        ):
            # Closed at once when the write fails (a full disk, `| head`), not at garbage
            # collection, when its database thread would find the loop gone.
            chunks = export_backup_csv(engine, backup)
            try:
                async for chunk in chunks:
                    sink.write(chunk)
            finally:
                await _close(chunks)
    out.say(
        f"Wrote {rows:,} recipients of {backup.group_name!r} (backup {backup.id}) to {sink.name}."
    )
    return EXIT_OK


async def _close(chunks: AsyncIterator[bytes]) -> None:
    close = getattr(chunks, "aclose", None)
    if close is not None:
        await close()


async def _backup(engine: AsyncEngine, account_id: int, backup_ref: str) -> BackupRow:
    wanted = local_id(backup_ref, "Backup")
    async with read_transaction(engine) as conn:
        found = await backups_by_id(conn, account_id=account_id, ids=[wanted] if wanted else [])
    if wanted is None or wanted not in found:
        message = f"no backup with id {backup_ref} for this account (it may have expired)"
        raise CliError(message, EXIT_NOT_FOUND)
    return found[wanted]
