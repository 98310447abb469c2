"""The crash harness's oracle: what each group and backup must hold, and the files it imports.

The rules are the ones the write path documents (storage/store/merge.py, storage/store/write_path.py): empty
cells keep old values, attributes merge by name, an unsubscribed or bounced recipient stays so
unless the file suppresses it too, the last row of a duplicated address wins, REPLACE makes the
group the source's rows. Data is plain ASCII on purpose: the harness tests crash safety, not the
CSV codec.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field

STATUSES = ("ACTIVE", "INACTIVE", "UNSUBSCRIBED", "BOUNCED")
SUPPRESSED = frozenset(("UNSUBSCRIBED", "BOUNCED"))
ATTRIBUTE_NAMES = ("city", "plan", "score", "team")
FIRST_NAMES = ("Ann", "Bob", "Cleo", "Dan", "Eve", "Finn", "Gus")
LAST_NAMES = ("Lee", "Kim", "Smith", "Jones", "Brown")
IMPORT_MODES = ("ADD", "REFRESH_AND_ADD", "REFRESH")

Attributes = tuple[tuple[str, str], ...]  # sorted by name, values never empty


@dataclass(frozen=True)
class Recipient:
    """A recipient as stored: what a backup's CSV shows of it."""

    first_name: str | None
    last_name: str | None
    status: str
    attributes: Attributes


@dataclass(frozen=True)
class FileRow:
    """One data row of an import file; None (or a missing attribute) is an empty cell."""

    email: str
    first_name: str | None
    last_name: str | None
    status: str | None
    attributes: Attributes


State = dict[str, Recipient]  # by email


@dataclass(frozen=True)
class ImportFile:
    """A generated CSV file and the rows it holds."""

    content: bytes
    rows: tuple[FileRow, ...]


@dataclass
class ExpectedBackup:
    """A backup the oracle knows: its group and the state it must export."""

    group_id: int
    state: State
    reason: str


@dataclass
class Oracle:
    """What the database must hold: live groups' states and every backup's state."""

    groups: dict[int, State] = field(default_factory=dict)
    backups: dict[int, ExpectedBackup] = field(default_factory=dict)
    names_made: int = 0

    def new_group_name(self) -> str:
        """A fresh plain group name."""
        self.names_made += 1
        return f"group {self.names_made}"


def email_at(n: int) -> str:
    """The n-th address of the pool."""
    return f"r{n:05d}@example.com"


def generate_file(rng: random.Random, *, pool: int, rows: int) -> ImportFile:
    """A CSV file of `rows` rows over a random subset of the columns, some cells empty."""
    optional = ["firstName", "lastName", "status", *ATTRIBUTE_NAMES]
    columns = ["email", *rng.sample(optional, rng.randint(0, len(optional)))]
    rng.shuffle(columns)
    start, step = rng.randrange(pool), rng.choice((1, 1, 2, 3, 7))
    # Wrapping around the pool repeats addresses: the file's last row of an address wins.
    made = [_file_row(rng, email_at((start + i * step) % pool), columns) for i in range(rows)]
    return ImportFile(content=_csv_bytes(columns, made), rows=tuple(made))


def _file_row(rng: random.Random, email: str, columns: list[str]) -> FileRow:
    def cell(values: tuple[str, ...]) -> str | None:
        return None if rng.random() < 0.15 else rng.choice(values)

    first = cell(FIRST_NAMES) if "firstName" in columns else None
    last = cell(LAST_NAMES) if "lastName" in columns else None
    status = cell(STATUSES[:2] * 4 + STATUSES) if "status" in columns else None
    attributes = tuple(
        (name, value)
        for name in sorted(ATTRIBUTE_NAMES)
        if name in columns and (value := cell(tuple(f"{name}{k}" for k in range(4))))
    )
    return FileRow(email, first, last, status, attributes)


def _csv_bytes(columns: list[str], rows: list[FileRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        values = {
            "email": row.email,
            "firstName": row.first_name or "",
            "lastName": row.last_name or "",
            "status": row.status or "",
            **dict(row.attributes),
        }
        writer.writerow([values.get(column, "") for column in columns])
    return buffer.getvalue().encode()


def apply_import(state: State, rows: tuple[FileRow, ...], mode: str) -> State:
    """The group after importing `rows` in `mode` (ADD, REFRESH_AND_ADD, REFRESH)."""
    staged = {row.email: row for row in rows}  # the last row of an address wins
    after = dict(state)
    for email, row in staged.items():
        current = state.get(email)
        if current is None and mode != "REFRESH":
            after[email] = Recipient(
                row.first_name, row.last_name, row.status or "ACTIVE", row.attributes
            )
        elif current is not None and mode != "ADD":
            after[email] = _merged(current, row)
    return after


def apply_restore(state: State, source: State, strategy: str) -> State:
    """The group after restoring a backup of `source` with `strategy` (REPLACE or merge)."""
    if strategy == "REPLACE":
        after: State = {}
        for email, row in source.items():
            current = state.get(email)
            status = row.status if current is None else _status(current.status, row.status)
            after[email] = Recipient(row.first_name, row.last_name, status, row.attributes)
        return after
    rows = tuple(
        FileRow(email, r.first_name, r.last_name, r.status, r.attributes)
        for email, r in source.items()
    )
    return apply_import(state, rows, "REFRESH_AND_ADD")


def _merged(current: Recipient, row: FileRow) -> Recipient:
    """Empty cells keep old values; attributes merge by name."""
    attributes = dict(current.attributes) | dict(row.attributes)
    return Recipient(
        row.first_name if row.first_name is not None else current.first_name,
        row.last_name if row.last_name is not None else current.last_name,
        _status(current.status, row.status),
        tuple(sorted(attributes.items())),
    )


def _status(current: str, staged: str | None) -> str:
    """An unsubscribed or bounced recipient is only ever moved to another such status."""
    if staged is None or (current in SUPPRESSED and staged not in SUPPRESSED):
        return current
    return staged


def parse_export(content: bytes) -> State:
    """A backup's CSV download read back as a state."""
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    header = next(reader)
    names = header[4:]
    state: State = {}
    for cells in reader:
        attributes = tuple(sorted((n, v) for n, v in zip(names, cells[4:], strict=True) if v))
        state[cells[0]] = Recipient(cells[1] or None, cells[2] or None, cells[3], attributes)
    return state


def describe_difference(expected: State, actual: State, limit: int = 3) -> str:
    """A short account of how two states differ, for a violation's detail."""
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    changed = sorted(e for e in expected.keys() & actual.keys() if expected[e] != actual[e])
    parts = [f"expected {len(expected)} rows, found {len(actual)}"]
    if missing:
        parts.append(f"missing {len(missing)} (e.g. {missing[:limit]})")
    if extra:
        parts.append(f"unexpected {len(extra)} (e.g. {extra[:limit]})")
    for email in changed[:limit]:
        parts.append(f"{email}: expected {expected[email]}, found {actual[email]}")
    if len(changed) > limit:
        parts.append(f"{len(changed)} rows differ in all")
    return "; ".join(parts)
