"""The C hot path (`storage/codec/_fastrow.c`) against the Python code it stands in for.

For any record, `fast_row_parser`'s function either gives exactly what `row_parser`'s gives, or
None (the Python code then decides). It must also take the records an import is made of (clean
ASCII rows), or the import silently loses its speed; and its email check must be the pattern's.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from storage.codec import rows as rows_module
from storage.codec.header import CsvLayout, layout_of, map_columns
from storage.codec.rows import _EMAIL_PATTERN, RowOutcome, StagedRow, fast_row_parser, row_parser
from tests.storage.csv_files import read_all, write_text

FIELDS = ("email", "firstName", "lastName", "status")
# What a cell is made of: the characters every rule of the hot path looks at.
CELL_CHARS = (
    string.ascii_letters
    + string.digits
    + "@.-_+'\"\\/!#$%&*=?^`{|}~ ,;:"
    + "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x01\x08\x7f\x00"
    + "éüß\u00a0\u2003\u200b\u2028\x85\U0001f600\ud800"
)
EMAIL_CHARS = string.ascii_lowercase + "0123-._+'@x" + "AZ"


def layout(header: tuple[str, ...], *, escaped: bool = False) -> CsvLayout:
    columns = map_columns(header, [(name, name) for name in header])
    return replace(layout_of("utf-8", ",", header, columns), is_export=escaped)


def parsers(
    header: tuple[str, ...], *, escaped: bool = False
) -> tuple[Callable[[int, list[str]], StagedRow | None], Callable[[int, list[str]], RowOutcome]]:
    shape = layout(header, escaped=escaped)
    fast = fast_row_parser(shape)
    assert fast is not None, "the C hot path is not built (pip install -e . builds it)"
    return fast, row_parser(shape)


@st.composite
def headers(draw: st.DrawFn) -> tuple[str, ...]:
    """The email column, some of the other fields and attributes, in any order."""
    fields = ["email", *draw(st.lists(st.sampled_from(FIELDS[1:]), unique=True))]
    names = draw(
        st.lists(
            st.text(alphabet=string.ascii_letters + 'é_"\\ -ü', min_size=1, max_size=8).filter(
                lambda name: name.strip() == name and name not in FIELDS
            ),
            unique_by=lambda name: name.casefold(),
            max_size=4,
        )
    )
    return tuple(draw(st.permutations([*fields, *names])))


def emails() -> st.SearchStrategy[str]:
    words = st.text(alphabet=EMAIL_CHARS, min_size=0, max_size=12)
    local = st.text(alphabet=string.ascii_lowercase + "0._+'-A", min_size=1, max_size=10)
    label = st.text(alphabet=string.ascii_lowercase + "09-", min_size=1, max_size=8)
    tld = st.sampled_from(["com", "de", "c0m", "co.uk", "123", "x-y", "-a", "xn--p1ai", ""])
    padding = st.sampled_from(["", "", " ", "\t", "\x1f"])
    built = st.builds(
        lambda p, a, d, t, q: f"{p}{a}@{d}.{t}{q}", padding, local, label, tld, padding
    )
    return st.one_of(built, built, built, words, st.text(alphabet=CELL_CHARS, max_size=20))


def cell() -> st.SearchStrategy[str]:
    clean = st.text(alphabet=string.ascii_letters + string.digits + " '\"\\,", max_size=12)
    statuses = st.sampled_from(["active", " Unsubscribed ", "BOUNCE", "nope", "Désabonné", ""])
    return st.one_of(
        clean,
        clean,
        clean,
        st.text(alphabet=CELL_CHARS, max_size=12),
        st.text(alphabet=string.ascii_letters + " \t", max_size=300),
        statuses,
        st.sampled_from(["'=1", "'-a", "'x", "a'", "=1", ""]),
    )


@st.composite
def records(draw: st.DrawFn) -> tuple[tuple[str, ...], bool, list[str]]:
    header = draw(headers())
    escaped = draw(st.booleans())
    statuses = st.sampled_from(["", "", "active", " Unsubscribed ", "BOUNCE", "Désabonné", "no"])
    strategy = {"email": emails(), "status": st.one_of(statuses, cell())}
    cells = [draw(strategy.get(name, cell())) for name in header]
    width = draw(st.sampled_from([len(header)] * 6 + [len(header) - 1, len(header) + 1]))
    cells = [*cells, ""][: max(width, 0)]
    return header, escaped, cells


@given(records())
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example((("email", "firstName", "note"), False, [" Ann@X.com ", " Ann ", 'a"b\\c\x01\x1f\x7f\t']))
@example((("email", "status"), False, ["a@x.com", "Désabonné"]))
# Escaped, the value outgrows the 8 KB buffer on the stack (each control takes 6 bytes).
@example((("email", "note", "ü"), False, ["a@x.com", "\x01" * 2000, "é\\" * 900]))
@example((("email", "n\u00e9"), True, ["a@x.com", "'=1"]))
def test_the_c_path_gives_what_the_python_code_gives(
    record: tuple[tuple[str, ...], bool, list[str]],
) -> None:
    header, escaped, cells = record
    fast, parse = parsers(header, escaped=escaped)
    taken = fast(7, list(cells))
    if taken is not None:
        assert taken == parse(7, list(cells))


@given(st.text(alphabet=EMAIL_CHARS + " \t", max_size=70))
@settings(max_examples=1500, deadline=None)
@example("a@b.co")
@example("a.b@c.d")
@example("a..b@c.de")
@example("a@b.123")
@example("a@b.12a")
@example("a@1.2")
@example("x" * 64 + "@x.com")
@example("x" * 65 + "@x.com")
@example("a@" + "b" * 63 + ".com")
@example("a@" + "b" * 64 + ".com")
@example("a@b-.com")
@example("a@-b.com")
@example("a@b.com.")
@example("a@xn--p1ai.com")
def test_the_c_email_check_is_the_pattern(email: str) -> None:
    """On ASCII addresses without `xn--` (those go to `canonical_email`), the C path takes an
    address exactly when the pattern matches it, stripped and lower-cased."""
    fast, parse = parsers(("email",))
    canonical = email.strip().lower()
    assume("xn--" not in canonical and len(canonical) <= 254)
    taken = fast(2, [email])
    assert (taken is not None) == (_EMAIL_PATTERN.fullmatch(canonical) is not None)
    if taken is not None:
        assert taken == parse(2, [email]) == (2, canonical, None, None, None, None)


def test_clean_rows_take_the_c_path() -> None:
    """The rows an import is made of: every one taken by the C path, as the Python code gives it."""
    header = ("email", "firstName", "lastName", "city", "plan", "score", "status")
    fast, parse = parsers(header)
    cells = [
        ["user1@example1.com", "Ann", "Lee", "Berlin", "pro", "1", ""],
        [" O'Brien+news@Mail.Example.co.uk ", " Seán", "Müller\u00a0", "Köln", "", "0", "Active"],
        ["a_b-c.d@ex-ample.com", "", "", 'say "hi"', "a\\b", "\U0001f600", "Désabonné"],
        ["x@y.de", "N" * 255, "", "q" * 3000, "", "", "hard bounce"],
    ]
    for number, record in enumerate(cells, start=2):
        taken = fast(number, list(record))
        assert taken is not None, record
        assert taken == parse(number, list(record))
    assert fast(9, ["user1@example1.com", "Ann", "Lee", "Berlin", "pro", "1", ""]) == (
        9,
        "user1@example1.com",
        "Ann",
        "Lee",
        None,
        '{"city":"Berlin","plan":"pro","score":"1"}',
    )


def test_records_the_c_path_leaves_to_the_python_code() -> None:
    fast, _ = parsers(("email", "firstName", "status", "note"))
    left = [
        ["zoë@bücher.ch", "", "", ""],  # a Unicode address: canonical_email's
        ["a@x.com", "", "", "bad \udcff byte"],  # an undecodable byte
        ["a@xn--bcher-kva.ch", "", "", ""],  # punycode: canonical_email's
        ["plain", "", "", ""],  # invalid: the slow path says why
        ["a@x.com", "N" * 256, "", ""],  # over a limit
        ["a@x.com", "", "maybe", ""],  # an unknown status word
        ["a@x.com", "", "", "a\x00b"],  # NUL
        ["a@x.com", "", "", "n" * 4000],  # the row over the attribute limit
        ["a@x.com", "", ""],  # short: padded by the Python code
        ["", "", "", ""],  # blank
    ]
    for record in left:
        assert fast(2, record) is None, record


def test_an_import_reads_the_same_rows_with_and_without_the_c_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [f"user{n}@example{n % 7}.com,First{n},Last,,{n % 3}" for n in range(3000)]
    lines += [" Ann@X.com , Ann ,,active,", "bad,,,,", "zoë@bücher.ch,Zoë,,,Köln", "a@x.com,,"]
    text = "email,firstName,lastName,status,score\n" + "\n".join(lines) + "\n"
    with_c = read_all(write_text(tmp_path, text))
    monkeypatch.setattr(rows_module, "_fastrow", None)
    assert fast_row_parser(layout(("email",))) is None
    without_c = read_all(write_text(tmp_path, text))
    assert with_c == without_c
    assert with_c[1], "the file has rows"
