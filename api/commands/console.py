"""What both transfer targets share: the request, exit codes and errors, output and files.

Messages and progress go to stderr (a rich bar on a terminal, plain lines otherwise); the
import's report is told the same way for both targets; an export lands in FILE.part first.
"""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn, TaskID

# One code per kind of failure, the same in every command (README's table is this one).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REJECTED_ROWS = 3
EXIT_BAD_FILE = 4
EXIT_NOT_FOUND = 5
EXIT_TOKEN_REFUSED = 6
EXIT_UNREACHABLE = 7
EXIT_CANNOT_WRITE = 8
EXIT_INTERRUPTED = 130
EXIT_MEANINGS = {
    EXIT_OK: "done",
    EXIT_FAILED: "failed (the message says why): an import job failed or was cancelled (nothing"
    " was changed), a request was refused for a reason not listed here, a retention item failed",
    EXIT_USAGE: "wrong usage: options missing or contradicting each other, or a LISTKEEPER_*"
    " setting that is not valid",
    EXIT_REJECTED_ROWS: "the import succeeded but rejected some rows (the first are listed;"
    " --rejects FILE writes them all)",
    EXIT_BAD_FILE: "the file cannot be imported: missing, unreadable, not CSV, too large, no"
    " email column, or a --map naming a column the file lacks (nothing was changed)",
    EXIT_NOT_FOUND: "not found: no such account, group, backup or token (another account's"
    " are not found either)",
    EXIT_TOKEN_REFUSED: "the server refused the token (wrong, revoked or expired)",
    EXIT_UNREACHABLE: "the server or the database cannot be reached, or the connection broke",
    EXIT_CANNOT_WRITE: "a file cannot be written (the export or --rejects file: no permission,"
    " disk full); no half-written file is left",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}
SHOWN_ROW_ERRORS = 10


def exit_codes_help(*codes: int) -> str:
    """The `exit codes:` block of a command's --help: the codes it can end with."""
    lines = [
        textwrap.fill(
            EXIT_MEANINGS[code], width=88, initial_indent=f"  {code:<5}", subsequent_indent=" " * 7
        )
        for code in sorted(codes)
    ]
    return "exit codes:\n" + "\n".join(lines)


PLAIN_EVERY_SECONDS = 10.0


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
    rejects: Path | None = None


class CliError(Exception):
    """A failure told to the operator in one message; `code` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


class Interrupted(CliError):
    """Ctrl-C, with what became of the work (told as `interrupted: ...`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_INTERRUPTED)


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
    status_kept: int = 0
    # Where every rejected row was written (--rejects), if it was.
    rejects_file: str | None = None


def report_import(out: Output, outcome: ImportOutcome) -> int:
    """Print the summary of a finished import; its exit code."""
    if outcome.status == "CANCELLED":
        raise CliError("the import was cancelled, nothing was changed")
    if outcome.status != "SUCCEEDED":
        reason = outcome.error or "no reason given"
        raise CliError(f"the import failed, nothing was changed: {reason}")
    kept = f", kept unsubscribed: {outcome.status_kept:,}" if outcome.status_kept else ""
    out.say(
        f"Imported into {outcome.group}: {outcome.added:,} added, {outcome.updated:,} updated,"
        f" {outcome.unchanged:,} unchanged, {outcome.skipped:,} skipped,"
        f" {outcome.rejected:,} rejected{kept}."
    )
    if outcome.backup_id is not None:
        out.say(f"Backup made before the import: {outcome.backup_id}")
    if not outcome.rejected:
        return EXIT_OK
    _report_rejected(out, outcome)
    return EXIT_REJECTED_ROWS


def _report_rejected(out: Output, outcome: ImportOutcome) -> None:
    rows = "1 row was" if outcome.rejected == 1 else f"{outcome.rejected:,} rows were"
    out.error(f"{rows} rejected:")
    shown = outcome.row_errors[:SHOWN_ROW_ERRORS]
    for problem in shown:
        column = f", column {problem.column!r}" if problem.column else ""
        out.error(f"  row {problem.row}{column}: {problem.code}: {problem.message}")
    more = outcome.rejected - len({problem.row for problem in shown})
    if outcome.rejects_file is not None:
        every = "The rejected row is" if outcome.rejected == 1 else "All rejected rows are"
        out.error(f"{every} in {outcome.rejects_file}: fix them there and import it again.")
    elif more > 0:
        out.error(f"  ... and {more:,} more: --rejects FILE writes every rejected row to FILE")


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
    """An export's destination: FILE.part renamed to FILE once complete, or stdout for "-".

    A write that fails (no permission, disk full) is a CliError(EXIT_CANNOT_WRITE), and the
    part file is removed: FILE is either complete or untouched.
    """

    def __init__(self, destination: str, meter: Meter, rows: int) -> None:
        self.destination = destination
        self.part = None if destination == "-" else Path(destination + ".part")
        self.meter = meter
        self.rows = rows
        self.lines = 0
        self.stream: BinaryIO = sys.stdout.buffer

    def __enter__(self) -> ExportFile:
        if self.part is not None:
            with self._writing():
                self.stream = self.part.open("wb")
        return self

    def write(self, chunk: bytes) -> None:
        """Write the next bytes of the CSV."""
        with self._writing():
            self.stream.write(chunk)
        # Rows counted by line ends: a value with a line break counts twice, so the bar is capped.
        self.lines += chunk.count(b"\n")
        self.meter.update(min(max(self.lines - 1, 0), self.rows))

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.part is None:
            with self._writing():
                self.stream.flush()
            return
        try:
            if kind is not None:
                with suppress(OSError):  # the failure on its way out says what went wrong
                    self.stream.close()
                return
            with self._writing():
                self.stream.close()  # flushes: a full disk may show only now
                self.part.replace(self.destination)
        finally:
            self.part.unlink(missing_ok=True)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            yield
        except BrokenPipeError:
            raise  # the reader of stdout left: the command stops quietly
        except OSError as error:
            reason = error.strerror or str(error)
            raise CliError(f"cannot write {self.name}: {reason}", EXIT_CANNOT_WRITE) from None

    @property
    def name(self) -> str:
        """How to name the destination in messages."""
        return "stdout" if self.part is None else self.destination


@contextmanager
def rejects_sink(out: Output, destination: Path, rejected: int) -> Iterator[ExportFile]:
    """The --rejects FILE being written; a failure to write it says the import itself is done."""
    try:
        with (
            out.meter("Writing rejected rows", unit="rows", total=rejected) as meter,
            ExportFile(str(destination), meter, rejected) as sink,
        ):
            yield sink
    except CliError as error:
        if error.code != EXIT_CANNOT_WRITE:
            raise
        done = f"the import is done ({rejected:,} rejected), but {error}"
        raise CliError(done, EXIT_CANNOT_WRITE) from None


def copy_into(path: Path, sink: ExportFile) -> None:
    """Stream the file at `path` into `sink`."""
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            sink.write(chunk)


def choose_group(request: ImportRequest, found: list[str], out: Output) -> str | None:
    """The group id among the live groups of the name (None: a new group), or CliError."""
    name = request.group_name
    if len(found) > 1:
        ids = ", ".join(found)
        message = f"{len(found)} groups are named {name!r} ({ids}): use --group-id"
        raise CliError(message, EXIT_USAGE)
    if found:
        out.say(f"Importing {request.path} into the existing group {name!r} ({found[0]}).")
        return found[0]
    if request.mode == "REFRESH":
        message = f"no group named {name!r}: --mode refresh only updates existing recipients"
        raise CliError(message, EXIT_NOT_FOUND)
    out.say(f"Importing {request.path} into a new group {name!r}.")
    return None


def settings_problem(error: ValueError) -> str:
    """A settings failure (pydantic's ValidationError) named by its LISTKEEPER_* variables."""
    problems = getattr(error, "errors", None)
    if not callable(problems):
        return f"a setting is not valid: {error}"
    parts = []
    for problem in problems():
        names = [f"LISTKEEPER_{str(part).upper()}" for part in problem.get("loc", ())]
        secret = any("TOKEN" in name or "SECRET" in name for name in names)
        shown = names and "input" in problem and not secret
        value = f" (got {problem['input']!r})" if shown else ""
        where = f"{', '.join(names)}: " if names else ""
        message = str(problem.get("msg", "not valid")).removeprefix("Value error, ")
        parts.append(f"{where}{message}{value}")
    return "a setting is not valid: " + "; ".join(parts)


def refusal_exit_code(code: str, field: list[str] | None) -> int:
    """The exit code of a refused request (a user error's code and field)."""
    if code == "NOT_FOUND":
        return EXIT_NOT_FOUND
    if code in ("UNSUPPORTED_FILE", "FILE_TOO_LARGE"):
        return EXIT_BAD_FILE
    if field and field[-1] in ("file", "fieldMapping"):
        return EXIT_BAD_FILE
    return EXIT_FAILED
