"""Row checks on real files: statuses, emails, limits, every error code, fast and slow paths."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from storage.codec import normalise_email
from tests.storage.csv_files import SAMPLE, codes, read_all, write_bytes, write_text


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("ACTIVE", "ACTIVE"),
        ("active", "ACTIVE"),
        ("Aktiv", "ACTIVE"),
        ("subscribed", "ACTIVE"),
        ("inactif", "INACTIVE"),
        ("Unsubscribed", "UNSUBSCRIBED"),
        ("Désabonné", "UNSUBSCRIBED"),
        ("desabonne", "UNSUBSCRIBED"),
        ("Opted Out", "UNSUBSCRIBED"),
        ("abgemeldet", "UNSUBSCRIBED"),
        ("Hard Bounce", "BOUNCED"),
        ("bounce", "BOUNCED"),
        ("", None),
    ],
)
def test_status_words(tmp_path: Path, word: str, status: str | None) -> None:
    _, rows, _ = read_all(write_text(tmp_path, f"email,status\na@x.com,{word}\n"))
    assert rows == [(2, "a@x.com", None, None, status, None)]


@pytest.mark.parametrize(
    ("email", "valid"),
    [
        ("o'brien+news@mail.example.co.uk", True),
        ("a_b-c.d@ex-ample.com", True),
        ("a@xn--bcher-kva.ch", "a@bücher.ch"),  # stored in the canonical (Unicode) form
        ("zoë@bücher.ch", True),
        ("plain", False),
        ("a@b", False),
        ("a..b@x.com", False),
        (".a@x.com", False),
        ("a@-x.com", False),
        ("a@x_y.com", False),
        ("a@x.123", False),
        ("a b@x.com", False),
        ("x" * 65 + "@x.com", False),
        ("zoë@bücher", False),
    ],
)
def test_email_validation(tmp_path: Path, email: str, valid: bool | str) -> None:
    _, rows, errors = read_all(write_text(tmp_path, f"email\n{email}\n"))
    stored = valid if isinstance(valid, str) else email
    assert [row[1] for row in rows] == ([stored] if valid else [])
    assert codes(errors) == ([] if valid else [(2, "email", "INVALID_EMAIL")])


def test_every_row_error_code(tmp_path: Path) -> None:
    text = (
        "email,firstName,lastName,status,city\n"
        "not-an-email,Ann,,,\n"  # 2
        ",Bob,Lee,,\n"  # 3
        f"c@x.com,{'n' * 256},,,\n"  # 4
        f"d@x.com,,,,{'v' * 4001}\n"  # 5
        "e@x.com,,,sleeping,\n"  # 6
        "f@x.com,Ann,Lee,,Rome,extra\n"  # 7
        f"{'g' * 250}@x.com,,,,\n"  # 8
        "ok@x.com,,,,\n"  # 9
    )
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert [row[:2] for row in rows] == [(9, "ok@x.com")]
    assert codes(errors) == [
        (2, "email", "INVALID_EMAIL"),
        (3, "email", "MISSING_EMAIL"),
        (4, "firstName", "FIELD_TOO_LONG"),
        (5, "city", "FIELD_TOO_LONG"),
        (6, "status", "INVALID_STATUS"),
        (7, None, "TOO_MANY_COLUMNS"),
        (8, "email", "FIELD_TOO_LONG"),
    ]
    assert all(error.message for error in errors)


def test_one_error_per_problem_and_the_row_is_rejected(tmp_path: Path) -> None:
    text = f"email,firstName,status,city\nnope,{'n' * 300},zzz,{'c' * 5000}\n"
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert rows == []
    assert codes(errors) == [
        (2, "email", "INVALID_EMAIL"),
        (2, "firstName", "FIELD_TOO_LONG"),
        (2, "status", "INVALID_STATUS"),
        (2, "city", "FIELD_TOO_LONG"),
    ]


def test_values_at_the_length_limits_are_accepted(tmp_path: Path) -> None:
    email = "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 63 + ".com"
    assert len(email) == 254
    text = f"email,firstName,note\n{email},{'n' * 255},{'v' * 4000}\n"
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert errors == []
    assert rows == [(2, email, "n" * 255, None, None, orjson.dumps({"note": "v" * 4000}).decode())]


def test_nul_character_past_the_sample_is_a_row_error(tmp_path: Path) -> None:
    filler = "".join(f"u{n}@x.com,A\n" for n in range(7_000))
    text = "email,firstName\n" + filler + "nul@x.com,A\x00B\n"
    assert len(text) > SAMPLE
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert len(rows) == 7_000
    assert codes(errors) == [(7_002, "firstName", "INVALID_CHARACTER")]


def test_cells_in_unmapped_columns_are_not_checked(tmp_path: Path) -> None:
    data = b"email;Vorname;Fax\r\na@x.de;J\xf6rg;\x81\r\n"
    mapping = [("email", "email"), ("Vorname", "firstName")]
    _, rows, errors = read_all(write_bytes(tmp_path, data), mapping)
    assert rows == [(2, "a@x.de", "Jörg", None, None, None)]
    assert errors == []


@pytest.mark.parametrize(
    "row",
    [
        "A@X.com,'=Ann,,active,short",
        " o'brien@x.com ,O'Brien,'-Lee,Désabonné,",
        "zoë@bücher.ch,Zoë,,,Köln",
        f"a@x.com,Ann,Lee,,{'n' * 3000}",
        f'a@x.com,Ann,Lee,,"{"ü, " * 1330}"',
    ],
)
def test_fast_and_careful_paths_agree(tmp_path: Path, row: str) -> None:
    # Trailing empty cells beyond the header send the same record down the careful path.
    text = f"email,firstName,lastName,status,note\n{row}\n{row},,\n"
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert errors == []
    assert rows[0][1:] == rows[1][1:]


def test_normalise_email() -> None:
    assert normalise_email("  Ann.Lee@Example.COM\t") == "ann.lee@example.com"
