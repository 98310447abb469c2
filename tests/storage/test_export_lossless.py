"""The export codec is lossless: what export writes, import reads back exactly; other files verbatim.

The rule (README, "Spreadsheet-safe exports"): an export prefixes `'` to every cell starting with
`= + - @ TAB CR '`; an import removes it only from a file whose header is an export's.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.codec import (
    MAX_ATTRIBUTE_NAME_LENGTH,
    RECIPIENT_FIELDS,
    STATUSES,
    export_header,
    export_row,
    neutralise_cell,
    restore_cell,
)
from storage.codec.export import export_text
from tests.storage.csv_files import read_all, write_text

# Characters that have tripped CSV writers, readers, sniffers and spreadsheets.
SPECIALS = (
    "'", "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", '"', ",", ";", "|", " ", "\\", ".", "$",
    "[0]", ";'", "';", "\x0b", "\x1f", "\x85", "\u00a0", "\u2028", "\u200f", "\u0301", "\u05d0", "😀", "é",
)  # fmt: skip

wide_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8", exclude_characters="\x00"),  # all but surrogates and NUL
        st.sampled_from(SPECIALS),
    ),
    max_size=12,
).map("".join)
# What the import stores: stripped, never empty (an empty cell is no value).
stored_text = wide_text.map(str.strip).filter(bool)
attribute_name = stored_text.filter(
    lambda name: len(name) <= MAX_ATTRIBUTE_NAME_LENGTH and name not in RECIPIENT_FIELDS
)


@st.composite
def backups(
    draw: st.DrawFn,
) -> tuple[list[str], list[tuple[str, str | None, str | None, str, str | None]]]:
    """Attribute names and recipients as a backup holds them (attributes as sorted JSON)."""
    names = draw(st.lists(attribute_name, unique=True, max_size=4))
    prefixes = st.sampled_from(["", "-", "=", "+", "'", "''", "'=", "a.b"])
    recipients = []
    for number in range(draw(st.integers(min_value=1, max_value=4))):
        email = f"{draw(prefixes)}r{number}@x.io"
        values = {name: draw(stored_text) for name in names if draw(st.booleans())}
        attributes = orjson.dumps(values, option=orjson.OPT_SORT_KEYS).decode() if values else None
        first, last = draw(st.none() | stored_text), draw(st.none() | stored_text)
        recipients.append((email, first, last, draw(st.sampled_from(STATUSES)), attributes))
    return names, recipients


@given(st.text())
def test_restore_undoes_neutralise_for_every_string(value: str) -> None:
    assert restore_cell(neutralise_cell(value)) == value


@settings(max_examples=300, deadline=None)
@given(backups())
def test_an_export_imports_back_exactly(
    backup: tuple[list[str], list[tuple[str, str | None, str | None, str, str | None]]],
) -> None:
    names, recipients = backup
    text = export_text([export_header(names)] + [export_row(*r, names) for r in recipients])
    with tempfile.TemporaryDirectory() as folder:
        layout, rows, errors = read_all(write_text(Path(folder), text))
    assert errors == []
    assert layout.is_export
    assert layout.attribute_names == tuple(sorted(names))
    assert [row[1:] for row in rows] == recipients


@given(stored_text)
def test_a_foreign_file_is_stored_verbatim(value: str) -> None:
    text = export_text([["E-Mail", "note"], ["a@x.io", value]])
    with tempfile.TemporaryDirectory() as folder:
        layout, rows, errors = read_all(write_text(Path(folder), text))
    assert (errors, layout.is_export) == ([], False)
    assert rows[0][5] == orjson.dumps({"note": value}).decode()


@pytest.mark.parametrize("value", ["''two", "'=already", "'+1", "'-", "'@x", "'\tx"])
def test_apostrophes_in_files_of_other_tools_are_kept(tmp_path: Path, value: str) -> None:
    header = "email,first name,'=name,note"  # not an export's header
    layout, rows, errors = read_all(write_text(tmp_path, f"{header}\na@x.io,{value},x,{value}\n"))
    assert (errors, layout.is_export) == ([], False)
    assert layout.attribute_names == ("'=name", "note")
    assert rows[0][2] == value
    assert orjson.loads(rows[0][5] or "{}") == {"'=name": "x", "note": value}


def test_an_export_header_marks_escaped_cells(tmp_path: Path) -> None:
    text = "email,firstName,lastName,status,'=name,note\n'-a@x.io,''two,'=x,ACTIVE,'@y,'''z\n"
    layout, rows, errors = read_all(write_text(tmp_path, text))
    assert (errors, layout.is_export) == ([], True)
    assert layout.attribute_names == ("=name", "note")
    assert rows == [(2, "-a@x.io", "'two", "=x", "ACTIVE", '{"=name":"@y","note":"\'\'z"}')]


def test_attributes_named_like_fields_stay_attributes_in_an_export(tmp_path: Path) -> None:
    # A client's fieldMapping may name attributes `First Name` or `E-Mail`: an export keeps them.
    names = ["E-Mail", "First Name", "STATUS"]
    row = export_row(
        "a@x.io", "Ann", None, "ACTIVE", orjson.dumps(dict.fromkeys(names, "v")).decode(), names
    )
    layout, rows, errors = read_all(write_text(tmp_path, export_text([export_header(names), row])))
    assert errors == []
    assert layout.attribute_names == tuple(sorted(names))
    assert rows[0][1:] == (
        "a@x.io",
        "Ann",
        None,
        "ACTIVE",
        orjson.dumps(dict.fromkeys(sorted(names), "v")).decode(),
    )


def test_an_export_is_read_with_commas_whatever_its_values_hold(tmp_path: Path) -> None:
    # `;'b';` on every line makes csv.Sniffer pick `;`, which the header holds too.
    names = ["a;b"]
    rows = [export_row(f"r{n}@x.io", "a;'b';c", None, "ACTIVE", None, names) for n in range(20)]
    _, read, errors = read_all(write_text(tmp_path, export_text([export_header(names), *rows])))
    assert errors == []
    assert [row[1:3] for row in read] == [(f"r{n}@x.io", "a;'b';c") for n in range(20)]


@pytest.mark.parametrize(
    ("cells", "line"),
    [
        (["a\rb", "c"], '"a\rb",c\n'),
        (["a\r\nb", "c\nd"], '"a\r\nb","c\nd"\n'),
        (['q"', "x,y", "s;t", "=1", ""], '"q""","x,y",s;t,=1,\n'),
        (["\r"], '"\r"\n'),
    ],
)
def test_export_text_quotes_every_cell_that_needs_it(cells: list[str], line: str) -> None:
    assert export_text([cells]) == line


@pytest.mark.parametrize(
    "header", ["email,firstName,lastName,status,note", "email,first,last,status,note"]
)
def test_fast_and_careful_paths_apply_the_same_rule(tmp_path: Path, header: str) -> None:
    # Trailing empty cells beyond the header send the second record down the careful path.
    row = "'-a@x.io,''two,'=x,ACTIVE,'@y"
    layout, rows, errors = read_all(write_text(tmp_path, f"{header}\n{row}\n{row},,\n"))
    assert errors == []
    assert rows[0][1:] == rows[1][1:]
    assert rows[0][2] == ("'two" if layout.is_export else "''two")
