"""`listkeeper retention`: one retention sweep from the command line, with a summary."""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.commands.console import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    Output,
    exit_codes_help,
)
from api.settings import Settings

if TYPE_CHECKING:
    from api.retention import SweepReport

EXITS = (EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_INTERRUPTED)

DESCRIPTION = """Run one retention sweep now and print what it deleted.

A sweep deletes the backups whose expiry has passed (each account keeps backups
30 days unless configured otherwise), then the old recipient versions that no
remaining backup needs, then the deleted groups that no backup references any
more (recipients, versions, activities and the group itself). Backups that a
queued or running restore reads are kept until the restore has finished.

The server runs the same sweep in the background every hour
(LISTKEEPER_RETENTION_INTERVAL_SECONDS); running it by hand is safe at any
time, also while servers run: a second sweep finds nothing left to delete."""

EPILOG = f"""examples:
  listkeeper retention --dry-run
  listkeeper retention
  listkeeper retention --dry-run --as-of 2026-03-01T00:00:00Z

The database is the one of LISTKEEPER_DATABASE_URL (or the SQLite file in
LISTKEEPER_DATA_DIR); migrations are applied first. Items that fail are listed and logged,
and the next sweep tries them again (exit code 1).

{exit_codes_help(*EXITS)}"""


def register(commands: Any) -> None:
    """Add the `retention` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "retention",
        help="delete expired backups and the data no backup needs any more",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="delete nothing; print what a sweep would delete",
    )
    parser.add_argument(
        "--as-of",
        type=parse_as_of,
        default=None,
        metavar="ISO-DATETIME",
        help="sweep as if it were this time (ISO 8601, e.g. 2026-03-01T12:00:00+01:00;"
        " without an offset it is UTC); default: now",
    )
    parser.set_defaults(handler=handler)


def parse_as_of(value: str) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime (naive means UTC)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 date-time: {value!r} (e.g. 2026-03-01T12:00:00Z)"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def handler(args: argparse.Namespace, settings: Settings) -> int:
    """Run the sweep on the configured database and print its summary."""
    from api.commands.transfer import guarded
    from api.logs import configure_logging

    configure_logging(settings)
    # The summary tells what happened; the log carries only problems (not migration chatter).
    logging.getLogger().setLevel(logging.WARNING)
    as_of: datetime = args.as_of or datetime.now(UTC)
    return guarded(Output(quiet=False), lambda: _run(settings, as_of, args.dry_run))


def _run(settings: Settings, as_of: datetime, dry_run: bool) -> int:
    report = asyncio.run(_sweep(settings, as_of=as_of, dry_run=dry_run))
    print(summary(report))
    return EXIT_FAILED if report.failures else EXIT_OK


async def _sweep(settings: Settings, *, as_of: datetime, dry_run: bool) -> SweepReport:
    # Imported here: `listkeeper --help` and the other commands need not load the server.
    from api.commands.database import local_services
    from api.retention import sweep

    async with local_services(settings) as services:
        return await sweep(
            engine=services.engine, as_of=as_of, dry_run=dry_run, files=services.files
        )


def summary(report: SweepReport) -> str:
    """The report as a few readable lines."""
    delete, purge = ("Would delete", "Would purge") if report.dry_run else ("Deleted", "Purged")
    dry = " (dry run: nothing was deleted)" if report.dry_run else ""
    lines = [
        f"Retention sweep as of {report.as_of.isoformat()}{dry}",
        f"{delete} {_listed(report.deleted_backup_ids, 'expired backup')}",
    ]
    if report.kept_backup_ids:
        lines.append(
            f"Kept {_listed(report.kept_backup_ids, 'expired backup', ' that a restore reads')}"
        )
    lines += [
        f"{purge} {_listed(report.purged_group_ids, 'deleted group')}",
        f"{purge} {_count(report.history_rows_purged, 'recipient version')} that no backup needs",
        f"{purge} {_count(report.recipient_rows_purged, 'recipient')} and"
        f" {_count(report.activity_rows_purged, 'activity', 'activities')} of deleted groups",
    ]
    if report.failures:
        lines.append(
            f"Failed (see the log; retried at the next sweep): {', '.join(report.failures)}"
        )
    return "\n".join(lines)


def _listed(ids: list[int], singular: str, note: str = "", shown: int = 50) -> str:
    """ "3 expired backups: 4, 5, 9" (the first `shown` ids)."""
    text = _count(len(ids), singular) + note
    if not ids:
        return text
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return text + ": " + ", ".join(str(i) for i in ids[:shown]) + more


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
