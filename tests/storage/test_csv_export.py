"""Formula neutralisation, export rows, and an export that re-imports losslessly."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import orjson
import pytest

from storage.codec import export_header, export_row, neutralise_cell, restore_cell
from tests.storage.csv_files import read_all, write_text

TRICKY_ALPHABET = ("'", "=", "+", "-", "@", "\t", "\r", "a", " ", "é")


def tricky_values() -> list[str]:
    return [
        "".join(chars) for n in range(4) for chars in itertools.product(TRICKY_ALPHABET, repeat=n)
    ]


def test_restore_undoes_neutralise_for_every_tricky_value() -> None:
    for value in tricky_values():
        assert restore_cell(neutralise_cell(value)) == value, repr(value)


@pytest.mark.parametrize(
    ("value", "neutralised"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+49 30 123", "'+49 30 123"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'quoted", "''quoted"),
        ("O'Brien", "O'Brien"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_neutralise_cell(value: str, neutralised: str) -> None:
    assert neutralise_cell(value) == neutralised


@pytest.mark.parametrize(
    ("value", "restored"), [("'=1", "=1"), ("''x", "'x"), ("'x", "'x"), ("'", "'")]
)
def test_restore_cell_only_removes_an_escape(value: str, restored: str) -> None:
    assert restore_cell(value) == restored


def test_export_row_expands_attributes_and_neutralises() -> None:
    attributes = orjson.dumps({"city": "=cmd()", "score": 3, "zip": "-100"}).decode()
    names = ["city", "missing", "score", "zip"]
    assert export_header(names) == ["email", "firstName", "lastName", "status", *names]
    assert export_header(["=evil"])[-1] == "'=evil"
    assert export_row("a@x.com", None, "+Lee", "ACTIVE", attributes, names) == [
        "a@x.com", "", "'+Lee", "ACTIVE", "'=cmd()", "", "3", "'-100",
    ]  # fmt: skip
    assert export_row("-a@x.com", "Ann", None, "BOUNCED", None, ["city"]) == [
        "'-a@x.com", "Ann", "", "BOUNCED", "",
    ]  # fmt: skip


def test_export_then_import_is_lossless(tmp_path: Path) -> None:
    names = ["=formula", "city", "note"]
    recipients: list[tuple[str, str | None, str | None, str, str | None]] = [
        ("-dash@x.com", "=Ann", "'Lee", "ACTIVE", '{"=formula":"@x","city":"+1","note":"\'=y"}'),
        ("o'brien@x.com", "O'Brien", None, "BOUNCED", '{"note":"line\\nbreak, comma \\"q\\""}'),
        ("plain@x.com", None, "-", "UNSUBSCRIBED", None),
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(export_header(names))
    for recipient in recipients:
        writer.writerow(export_row(*recipient, names))
    _, rows, errors = read_all(write_text(tmp_path, buffer.getvalue()))
    assert errors == []
    assert [row[1:] for row in rows] == recipients
