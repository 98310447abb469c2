"""Check the file of `listkeeper import` before anything is sent, and say how to fix it.

The check is the import's own (`storage.codec.open_import`, as the server runs it on every
upload), run here first so a file that can never be imported fails at once, with one message,
before an upload or a job; a missing email column or a --map naming an unknown column gets a
`--map` to try, built from the file's own header and first values.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Sequence
from pathlib import Path

from api.commands.console import EXIT_BAD_FILE, CliError
from api.staged_files import Inspection, inspect_file, suggested_fields
from storage import codec

# A value "looks like an address" when it has an @ with text on both sides and no space.
_ADDRESS_SHARE = 0.5


def check_import_file(path: Path, mapping: Sequence[tuple[str, str]] | None) -> None:
    """Raise CliError (EXIT_BAD_FILE) unless an import of `path` with `mapping` can start."""
    if not path.exists():
        raise CliError(f"no such file: {path}", EXIT_BAD_FILE)
    if not path.is_file():
        raise CliError(f"{path} is not a file (a directory?)", EXIT_BAD_FILE)
    try:
        codec.open_import(path, mapping).close()
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror or error}", EXIT_BAD_FILE) from None
    except codec.CsvFileError as error:
        raise _explained(path, mapping, error) from None


def _explained(
    path: Path, mapping: Sequence[tuple[str, str]] | None, error: codec.CsvFileError
) -> CliError:
    """The codec's refusal, with a --map to try when the columns are the problem."""
    try:
        found = inspect_file(path, path.stat().st_size, [])
    except (codec.CsvFileError, OSError):
        found = None  # not even a header: the codec's own message says why
    if found is None:
        return CliError(f"{path} cannot be imported: {error.message}", EXIT_BAD_FILE)
    header = [column.header for column in found.columns]
    unknown = [(c, f) for c, f in mapping or [] if c.strip() not in header]
    if unknown:
        return CliError(_unknown_column(path, found, unknown[0]), EXIT_BAD_FILE)
    if not _has_email(header, mapping):
        return CliError(_no_email_column(path, found, mapping), EXIT_BAD_FILE)
    return CliError(f"{path} cannot be imported: {error.message}", EXIT_BAD_FILE)


def _has_email(header: Sequence[str], mapping: Sequence[tuple[str, str]] | None) -> bool:
    if mapping is not None:
        return any(field.strip() == "email" for _, field in mapping)
    return "email" in suggested_fields(header, [])


def _no_email_column(
    path: Path, found: Inspection, mapping: Sequence[tuple[str, str]] | None
) -> str:
    what = "no --map names the email column" if mapping else "it has no email column"
    column = _address_column(found)
    example = map_option(column if column is not None else "COLUMN", "email")
    why = f" ({column!r} holds addresses)" if column is not None else ""
    more = " besides your other --map options" if mapping else ""
    return (
        f"{path} cannot be imported: {what}; its columns are {_listed(found)}.\n"
        f"  Say which column holds the addresses with --map, e.g. {example}{why}{more}."
    )


def _unknown_column(path: Path, found: Inspection, pair: tuple[str, str]) -> str:
    column, field = pair[0].strip(), pair[1].strip()
    header = [c.header for c in found.columns if c.header]
    close = difflib.get_close_matches(column, header, n=1, cutoff=0.5)
    guess = close[0] if close else _address_column(found) if field == "email" else None
    example = map_option(guess if guess is not None else "COLUMN", field)
    return (
        f"{path} cannot be imported: {map_option(column, field)} names a column the file does"
        f" not have; its columns are {_listed(found)}.\n"
        f"  Use the column's name as the header spells it, e.g. {example}."
    )


def _address_column(found: Inspection) -> str | None:
    """The column whose first values mostly look like email addresses, if one does."""
    best, best_share = None, 0.0
    for column in found.columns:
        values = [v for v in column.samples if v]
        share = sum(_looks_like_address(v) for v in values) / len(values) if values else 0.0
        if column.header and share >= _ADDRESS_SHARE and share > best_share:
            best, best_share = column.header, share
    return best


def _looks_like_address(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at and local and domain) and " " not in value


def _listed(found: Inspection) -> str:
    return ", ".join(repr(c.header) for c in found.columns if c.header) or "none"


def map_option(column: str, field: str) -> str:
    """`--map "COLUMN=FIELD"` as a shell takes it (single quotes when double would expand)."""
    pair = f"{column}={field}"
    if any(char in pair for char in '"$`\\!'):
        return f"--map {shlex.quote(pair)}"
    return f'--map "{pair}"'
