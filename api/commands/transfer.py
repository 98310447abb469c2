"""`listkeeper import` and `listkeeper export`: CSV files in and out of groups and backups.

Two targets. Remote, with `--server URL` (or LISTKEEPER_SERVER) and a token (`--token` or
LISTKEEPER_TOKEN): the command speaks GraphQL like any other client. Local, otherwise: it opens
the database of the settings, acts for `--account NAME` and runs the import job in this process.
Progress and messages go to stderr (a rich bar on a terminal, plain lines otherwise); stdout
carries only exported data. This module parses the arguments and dispatches to a target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.commands.console import (
    EXIT_BAD_FILE,
    EXIT_CANNOT_WRITE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_REJECTED_ROWS,
    EXIT_TOKEN_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    SHOWN_ROW_ERRORS,
    CliError,
    ImportOutcome,
    ImportRequest,
    Interrupted,
    Output,
    Remote,
    exit_codes_help,
    report_import,
)
from api.settings import Settings
from storage.store.write_path import WriteMode

# --mode add | refresh-and-add | refresh: the write modes of an import (REPLACE is a restore's).
MODES = {
    mode.lower().replace("_", "-"): mode.value
    for mode in WriteMode
    if mode is not WriteMode.REPLACE
}

# Each command's --help lists the codes it can end with (console.EXIT_MEANINGS words them).
TARGET_EXITS = (
    *(EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_FOUND),
    *(EXIT_TOKEN_REFUSED, EXIT_UNREACHABLE, EXIT_INTERRUPTED),
)
IMPORT_EXITS = (*TARGET_EXITS, EXIT_REJECTED_ROWS, EXIT_BAD_FILE, EXIT_CANNOT_WRITE)
EXPORT_EXITS = (*TARGET_EXITS, EXIT_CANNOT_WRITE)

TARGET_HELP = """target:
  Remote when --server (or LISTKEEPER_SERVER) is given, with --token (or LISTKEEPER_TOKEN;
  prefer the variable: command lines are visible to other users). Local otherwise: the
  database of LISTKEEPER_DATABASE_URL / LISTKEEPER_DATA_DIR, for the account --account."""

IMPORT_EPILOG = f"""examples:
  listkeeper import people.csv --group Newsletter --server https://lists.example.com
  listkeeper import people.csv --group Newsletter --mode refresh-and-add --account acme
  listkeeper import export.txt --group Shop --map "E-Mail=email" --map "Kundennr=customerId"
  listkeeper import people.csv --group Newsletter --account acme --rejects rejected.csv

The group is the live group of that name if there is one (its recipients are backed up
first), else a new group of that name; --group-id names an existing group by id instead.
Modes: add (only new addresses, the default), refresh-and-add (update existing, add new),
refresh (update existing only; the group must exist). An import never resubscribes an
unsubscribed recipient: rows saying otherwise are counted as "kept unsubscribed".

The file is checked here first (encoding, header, email column, --map), so a file that cannot
be imported is refused before anything is sent. The summary lists the first
{SHOWN_ROW_ERRORS} rejected rows; --rejects FILE writes every one of them to FILE as CSV: the
file's own columns plus error_row, error_column, error_code and error_message, to fix and
import again.

{TARGET_HELP}

{exit_codes_help(*IMPORT_EXITS)}"""

EXPORT_EPILOG = f"""examples:
  listkeeper export QmFja3VwOjQy -o newsletter.csv --server https://lists.example.com
  listkeeper export 42 -o - --account acme | head

BACKUP_ID is a backup's id as the API shows it (the `id` of a Backup, e.g. from the
`backups` query or an import's summary), or the backup's number. The file is written to
FILE.part and renamed when complete, so FILE is never half-written; an existing FILE is
replaced. The CSV re-imports losslessly.

{TARGET_HELP}

{exit_codes_help(*EXPORT_EXITS)}"""


def register(commands: Any) -> None:
    """Add the `import` and `export` subcommands."""
    _add_import(commands)
    _add_export(commands)


def _add_import(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "import",
        help="import a CSV file into a group (remote or local)",
        description="Import a CSV file of recipients into a group, follow the job and report\n"
        "what was added, updated, skipped and rejected.",
        epilog=IMPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="the CSV file to import")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--group", metavar="NAME", help="the group's name (created if missing)")
    target.add_argument("--group-id", metavar="ID", help="an existing group's id instead")
    parser.add_argument(
        "--mode",
        choices=list(MODES),
        default="add",
        help="how to treat addresses already in the group (default: add)",
    )
    parser.add_argument(
        "--map",
        metavar="COLUMN=FIELD",
        action="append",
        help="map a column to email, firstName, lastName, status or an attribute; an empty FIELD"
        " skips the column; repeat for each column (default: the header's own names)",
    )
    parser.add_argument(
        "--rejects",
        metavar="FILE",
        type=Path,
        help="write every rejected row to FILE (CSV: the file's columns and the error)",
    )
    add_target_options(parser)
    parser.set_defaults(handler=import_command)


def _add_export(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "export",
        help="export a backup as a CSV file (remote or local)",
        description="Write the recipients of a group as they were at a backup to a CSV file.",
        epilog=EXPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("backup_id", metavar="BACKUP_ID", help="the backup's id")
    parser.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the file to write, or - for stdout"
    )
    add_target_options(parser)
    parser.set_defaults(handler=export_command)


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """The options choosing the server or the local database."""
    parser.add_argument("--server", metavar="URL", help="the server's URL (env LISTKEEPER_SERVER)")
    parser.add_argument("--token", help="an API token for --server (env LISTKEEPER_TOKEN)")
    parser.add_argument("--account", metavar="NAME", help="the account, for the local database")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `listkeeper import`; the exit code."""
    out = Output(quiet=args.quiet)
    return guarded(out, lambda: _import(args, settings, out))


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `listkeeper export`; the exit code."""
    out = Output(quiet=args.quiet)
    return guarded(out, lambda: _export(args, settings, out))


def guarded(out: Output, action: Callable[[], int]) -> int:
    """Run a command, turning each failure into one message and its exit code."""
    try:
        return action()
    except Interrupted as error:
        out.error(f"interrupted: {error}")
        return EXIT_INTERRUPTED
    except CliError as error:
        out.error(f"error: {error}")
        return error.code
    except KeyboardInterrupt:
        out.error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of stdout went away (`| head`): stop quietly, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as error:
        out.error(f"error: {error.strerror or error}")
        return EXIT_FAILED
    except Exception as error:  # a bug still gets one line, not a traceback
        first_line = str(error).strip().partition("\n")[0]
        out.error(
            f"error: unexpected failure ({type(error).__name__}: {first_line}); please report it"
        )
        return EXIT_FAILED


def _import(args: argparse.Namespace, settings: Settings, out: Output) -> int:
    from api.commands.file_check import check_import_file

    request = _import_request(args)
    target = target_of(args, settings)
    check_import_file(request.path, request.mapping)
    check_writable(request.rejects)
    outcome: ImportOutcome
    # Imported on use: each target loads only its own stack (httpx, or the database and jobs).
    if isinstance(target, Remote):
        from api.commands.transfer_remote import import_remote

        outcome = import_remote(target, request, out)
    else:
        from api.commands.transfer_local import import_local

        outcome = asyncio.run(import_local(settings, target, request, out))
    code = report_import(out, outcome)
    if request.rejects is not None and code == EXIT_OK:
        out.say(f"No row was rejected: {request.rejects} was not written.")
    return code


def _export(args: argparse.Namespace, settings: Settings, out: Output) -> int:
    target = target_of(args, settings)
    if isinstance(target, Remote):
        from api.commands.transfer_remote import export_remote

        return export_remote(target, args.backup_id, args.output, out)
    from api.commands.transfer_local import export_local

    return asyncio.run(export_local(settings, target, args.backup_id, args.output, out))


def target_of(args: argparse.Namespace, settings: Settings) -> Remote | str:
    """The server to talk to, or the name of the local account to act for."""
    server = args.server or settings.server
    if server is None:
        if not args.account:
            raise CliError("give --account NAME (local database) or --server URL", EXIT_USAGE)
        return str(args.account)
    if args.account:
        message = "--account is for the local database; with --server the token decides"
        raise CliError(message, EXIT_USAGE)
    token = args.token or (settings.token.get_secret_value() if settings.token else None)
    if not token:
        raise CliError("--server needs a token: set LISTKEEPER_TOKEN or give --token", EXIT_USAGE)
    if not server.startswith(("http://", "https://")):
        raise CliError(f"the server URL must start with http:// or https://: {server}", EXIT_USAGE)
    return Remote(server=server, token=token)


def _import_request(args: argparse.Namespace) -> ImportRequest:
    return ImportRequest(
        path=args.file,
        group_name=args.group.strip() if args.group is not None else None,
        group_id=args.group_id,
        mode=MODES[args.mode],
        mapping=[_mapping_pair(item) for item in args.map] if args.map else None,
        rejects=args.rejects,
    )


def check_writable(destination: Path | None) -> None:
    """Refuse before the import a --rejects FILE whose folder is missing or is FILE itself."""
    if destination is None or str(destination) == "-":
        return
    if destination.is_dir():
        raise CliError(f"--rejects {destination} is a directory, not a file", EXIT_CANNOT_WRITE)
    if not destination.resolve().parent.is_dir():
        message = f"cannot write {destination}: its folder does not exist"
        raise CliError(message, EXIT_CANNOT_WRITE)


def _mapping_pair(item: str) -> tuple[str, str]:
    # The last "=" splits: field names never contain one, column titles might.
    column, equals, field = item.rpartition("=")
    if not equals or not column.strip():
        raise CliError(f"--map takes COLUMN=FIELD, not {item!r}", EXIT_USAGE)
    return column.strip(), field.strip()
