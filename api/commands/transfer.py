"""`listkeeper import` and `listkeeper export`: CSV files in and out of groups and backups.

Two targets. Remote, with `--server URL` (or LISTKEEPER_SERVER) and a token (`--token` or
LISTKEEPER_TOKEN): the command speaks GraphQL like any other client. Local, otherwise: it opens
the database of the settings, acts for `--account NAME` and runs the import job in this process.
Progress and messages go to stderr (a rich bar on a terminal, plain lines otherwise); stdout
carries only exported data.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.settings import Settings

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn, TaskID

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REJECTED_ROWS = 3
EXIT_INTERRUPTED = 130
SHOWN_ROW_ERRORS = 10
PLAIN_EVERY_SECONDS = 10.0
MODES = {"add": "ADD", "refresh-and-add": "REFRESH_AND_ADD", "refresh": "REFRESH"}

EXIT_CODES = """exit codes:
  0  done (an import with no rejected rows)
  1  failed: the job failed, the server refused the request, an unknown id, a network error
  2  wrong usage (options missing or contradicting each other)
  3  the import succeeded but rejected some rows (they are listed)
  130  interrupted"""

TARGET_HELP = """target:
  Remote when --server (or LISTKEEPER_SERVER) is given, with --token (or LISTKEEPER_TOKEN;
  prefer the variable: command lines are visible to other users). Local otherwise: the
  database of LISTKEEPER_DATABASE_URL / LISTKEEPER_DATA_DIR, for the account --account."""

IMPORT_EPILOG = f"""examples:
  listkeeper import people.csv --group Newsletter --server https://lists.example.com
  listkeeper import people.csv --group Newsletter --mode refresh-and-add --account acme
  listkeeper import export.txt --group Shop --map "E-Mail=email" --map "Kundennr=customerId"

The group is the live group of that name if there is one (its recipients are backed up
first), else a new group of that name; --group-id names an existing group by id instead.
Modes: add (only new addresses, the default), refresh-and-add (update existing, add new),
refresh (update existing only; the group must exist).

{TARGET_HELP}

{EXIT_CODES}"""

EXPORT_EPILOG = f"""examples:
  listkeeper export QmFja3VwOjQy -o newsletter.csv --server https://lists.example.com
  listkeeper export 42 -o - --account acme | head

BACKUP_ID is a backup's id as the API shows it (the `id` of a Backup, e.g. from the
`backups` query or an import's summary), or the backup's number. The file is written to
FILE.part and renamed when complete, so FILE is never half-written; an existing FILE is
replaced. The CSV re-imports losslessly.

{TARGET_HELP}

{EXIT_CODES}"""


class ClientSettings(BaseSettings):
    """Where the command line connects (client side only; the server never reads these)."""

    model_config = SettingsConfigDict(env_prefix="LISTKEEPER_", env_file=".env", extra="ignore")

    server: str | None = None
    token: SecretStr | None = None


@dataclass(frozen=True)
class Remote:
    """A running server and the API token to use there."""

    server: str
    token: str


@dataclass(frozen=True)
class ImportRequest:
    """What `listkeeper import` was asked to do."""

    path: Path
    group_name: str | None
    group_id: str | None
    mode: str
    mapping: list[tuple[str, str]] | None


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
    _add_target_options(parser)
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
    _add_target_options(parser)
    parser.set_defaults(handler=export_command)


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", metavar="URL", help="the server's URL (env LISTKEEPER_SERVER)")
    parser.add_argument("--token", help="an API token for --server (env LISTKEEPER_TOKEN)")
    parser.add_argument("--account", metavar="NAME", help="the account, for the local database")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def import_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `listkeeper import`; the exit code."""
    out = Output(quiet=args.quiet)
    return _guarded(out, lambda: _import(args, settings, out))


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `listkeeper export`; the exit code."""
    out = Output(quiet=args.quiet)
    return _guarded(out, lambda: _export(args, settings, out))


def _guarded(out: Output, action: Callable[[], int]) -> int:
    try:
        return action()
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
        out.error(f"error: {error}")
        return EXIT_FAILED


def _import(args: argparse.Namespace, settings: Settings, out: Output) -> int:
    request = _import_request(args)
    target = _target(args)
    outcome: ImportOutcome
    if isinstance(target, Remote):
        from api.commands.transfer_remote import import_remote

        outcome = import_remote(target, request, out)
    else:
        from api.commands.transfer_local import import_local

        outcome = asyncio.run(import_local(settings, target, request, out))
    return report_import(out, outcome)


def _export(args: argparse.Namespace, settings: Settings, out: Output) -> int:
    target = _target(args)
    if isinstance(target, Remote):
        from api.commands.transfer_remote import export_remote

        return export_remote(target, args.backup_id, args.output, out)
    from api.commands.transfer_local import export_local

    return asyncio.run(export_local(settings, target, args.backup_id, args.output, out))


def _target(args: argparse.Namespace) -> Remote | str:
    """The server to talk to, or the name of the local account to act for."""
    client = ClientSettings()
    server = args.server or client.server
    if server is None:
        if not args.account:
            raise CliError("give --account NAME (local database) or --server URL", EXIT_USAGE)
        return str(args.account)
    if args.account:
        message = "--account is for the local database; with --server the token decides"
        raise CliError(message, EXIT_USAGE)
    token = args.token or (client.token.get_secret_value() if client.token else None)
    if not token:
        raise CliError("--server needs a token: set LISTKEEPER_TOKEN or give --token", EXIT_USAGE)
    if not server.startswith(("http://", "https://")):
        raise CliError(f"the server URL must start with http:// or https://: {server}", EXIT_USAGE)
    return Remote(server=server, token=token)


def _import_request(args: argparse.Namespace) -> ImportRequest:
    path: Path = args.file
    if not path.is_file():
        raise CliError(f"no such file: {path}", EXIT_FAILED)
    return ImportRequest(
        path=path,
        group_name=args.group.strip() if args.group is not None else None,
        group_id=args.group_id,
        mode=MODES[args.mode],
        mapping=[_mapping_pair(item) for item in args.map] if args.map else None,
    )


def _mapping_pair(item: str) -> tuple[str, str]:
    # The last "=" splits: field names never contain one, column titles might.
    column, equals, field = item.rpartition("=")
    if not equals or not column.strip():
        raise CliError(f"--map takes COLUMN=FIELD, not {item!r}", EXIT_USAGE)
    return column.strip(), field.strip()


def choose_group(request: ImportRequest, found: list[str], out: Output) -> str | None:
    """The group id among the live groups of the name (None: a new group), or CliError."""
    name = request.group_name
    if len(found) > 1:
        ids = ", ".join(found)
        raise CliError(f"{len(found)} groups are named {name!r} ({ids}): use --group-id")
    if found:
        out.say(f"Importing {request.path} into the existing group {name!r} ({found[0]}).")
        return found[0]
    if request.mode == "REFRESH":
        raise CliError(f"no group named {name!r}: --mode refresh only updates existing recipients")
    out.say(f"Importing {request.path} into a new group {name!r}.")
    return None


class CliError(Exception):
    """A failure told to the operator in one line; `code` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


class Meter(Protocol):
    """Shows how far one step has come."""

    def update(self, done: int, total: int | None = None) -> None:
        """`done` units are through, of `total` (None keeps the total known so far)."""


class _NullMeter:
    def update(self, done: int, total: int | None = None) -> None:
        pass


class _RichMeter:
    def __init__(self, progress: Progress, task: TaskID) -> None:
        self.progress = progress
        self.task = task

    def update(self, done: int, total: int | None = None) -> None:
        self.progress.update(self.task, completed=done, total=total)


class _PlainMeter:
    """A line at every tenth of the way, or every few seconds when the total is unknown."""

    def __init__(
        self, label: str, unit: str, total: int | None, write: Callable[[str], None]
    ) -> None:
        self.label, self.unit, self.total, self.write = label, unit, total, write
        self.next_percent = 10
        self.last_line = time.monotonic()

    def update(self, done: int, total: int | None = None) -> None:
        self.total = total if total is not None else self.total
        if self.total:
            percent = min(done, self.total) * 100 // self.total
            if percent >= self.next_percent:
                self.next_percent = percent // 10 * 10 + 10
                self.write(f"{self.label}: {percent}% ({done:,} of {self.total:,} {self.unit})")
        elif time.monotonic() - self.last_line >= PLAIN_EVERY_SECONDS:
            self.last_line = time.monotonic()
            self.write(f"{self.label}: {done:,} {self.unit}")


class Output:
    """Messages and progress on stderr: rich on a terminal, plain lines otherwise."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.console: Console | None = None
        if sys.stderr.isatty():
            from rich.console import Console

            self.console = Console(stderr=True, highlight=False)

    def say(self, text: str) -> None:
        """An informational line (none with --quiet)."""
        if not self.quiet:
            self._write(text)

    def error(self, text: str) -> None:
        """An error line, always shown."""
        self._write(text)

    def _write(self, text: str) -> None:
        if self.console is not None:
            self.console.print(text, markup=False, soft_wrap=True)
        else:
            print(text, file=sys.stderr, flush=True)

    @contextmanager
    def meter(self, label: str, *, unit: str, total: int | None = None) -> Iterator[Meter]:
        """A progress display for one step; a rich bar disappears when the step ends."""
        if self.quiet:
            yield _NullMeter()
        elif self.console is None:
            yield _PlainMeter(label, unit, total, self._write)
        else:
            from rich.progress import Progress

            with Progress(*_columns(unit), console=self.console, transient=True) as progress:
                yield _RichMeter(progress, progress.add_task(label, total=total))


def _columns(unit: str) -> list[ProgressColumn]:
    from rich import progress as p

    if unit == "bytes":
        counter: list[ProgressColumn] = [p.DownloadColumn(), p.TransferSpeedColumn()]
    else:
        counter = [p.MofNCompleteColumn(), p.TextColumn(unit)]
    return [p.TextColumn("{task.description}"), p.BarColumn(), *counter, p.TimeElapsedColumn()]


@dataclass(frozen=True)
class RowProblem:
    """A rejected row as the job reports it."""

    row: int
    column: str | None
    code: str
    message: str


@dataclass(frozen=True)
class ImportOutcome:
    """A finished import job, told the same way for both targets."""

    status: str
    group: str
    added: int
    updated: int
    unchanged: int
    skipped: int
    rejected: int
    row_errors: list[RowProblem]
    backup_id: str | None
    error: str | None


def report_import(out: Output, outcome: ImportOutcome) -> int:
    """Print the summary of a finished import; its exit code."""
    if outcome.status != "SUCCEEDED":
        reason = outcome.error or "no reason given"
        out.error(f"error: the import failed, nothing was changed: {reason}")
        return EXIT_FAILED
    out.say(
        f"Imported into {outcome.group}: {outcome.added:,} added, {outcome.updated:,} updated,"
        f" {outcome.unchanged:,} unchanged, {outcome.skipped:,} skipped,"
        f" {outcome.rejected:,} rejected."
    )
    if outcome.backup_id is not None:
        out.say(f"Backup made before the import: {outcome.backup_id}")
    if not outcome.rejected:
        return EXIT_OK
    rows = "1 row was" if outcome.rejected == 1 else f"{outcome.rejected:,} rows were"
    out.error(f"{rows} rejected:")
    shown = outcome.row_errors[:SHOWN_ROW_ERRORS]
    for problem in shown:
        column = f", column {problem.column!r}" if problem.column else ""
        out.error(f"  row {problem.row}{column}: {problem.code}: {problem.message}")
    more = outcome.rejected - len({problem.row for problem in shown})
    if more > 0:
        out.error(f"  ... and {more:,} more")
    return EXIT_REJECTED_ROWS


def estimate_rows(path: Path) -> int | None:
    """About how many data rows the file has (line ends less the header); None if unsure."""
    lines, last = 0, b""
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            lines, last = lines + chunk.count(b"\n"), chunk[-1:]
    if last not in (b"", b"\n"):
        lines += 1
    return lines - 1 if lines > 1 else None


class ExportFile:
    """An export's destination: FILE.part renamed to FILE once complete, or stdout for "-"."""

    def __init__(self, destination: str, meter: Meter, rows: int) -> None:
        self.destination = destination
        self.part = None if destination == "-" else Path(destination + ".part")
        self.meter = meter
        self.rows = rows
        self.lines = 0
        self.stream: BinaryIO = sys.stdout.buffer

    def __enter__(self) -> ExportFile:
        if self.part is not None:
            try:
                self.stream = self.part.open("wb")
            except OSError as error:
                raise CliError(f"cannot write {self.part}: {error.strerror}") from None
        return self

    def write(self, chunk: bytes) -> None:
        """Write the next bytes of the CSV."""
        self.stream.write(chunk)
        # Rows counted by line ends: a value with a line break counts twice, so the bar is capped.
        self.lines += chunk.count(b"\n")
        self.meter.update(min(max(self.lines - 1, 0), self.rows))

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.part is None:
            self.stream.flush()
            return
        self.stream.close()
        if kind is None:
            self.part.replace(self.destination)
        else:
            self.part.unlink(missing_ok=True)

    @property
    def name(self) -> str:
        """How to name the destination in messages."""
        return "stdout" if self.part is None else self.destination
