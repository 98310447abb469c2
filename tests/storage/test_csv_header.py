"""Header mapping on real files: aliases, attribute columns, explicit mappings, refusals."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.storage.csv_files import read_all, refused, write_bytes, write_text


@pytest.mark.parametrize(
    "header",
    [
        ("Email", "First Name", "Last Name", "Status"),
        ("E-Mail", "Vorname", "Nachname", "Status"),
        ("e_mail", "first_name", "last.name", "STATE"),
        ("E-Mail-Adresse", "VORNAME", "nachname", "status"),
        ("Courriel", "Prénom", "Nom", "Statut"),
        ("Adresse e-mail", "prenom", "Nom de famille", "statut"),
        ("correo electrónico", "Nombre", "Apellido", "Estado"),
        ("EMAIL ADDRESS", "Given Name", "Surname", "State"),
        ("mail", "firstname", "family name", "status"),
    ],
)
def test_header_aliases(tmp_path: Path, header: tuple[str, ...]) -> None:
    text = ";".join(header) + "\na@x.com;Ann;Lee;active\n"
    layout, rows, _ = read_all(write_text(tmp_path, text))
    assert [target for _, target in layout.columns] == ["email", "firstName", "lastName", "status"]
    assert layout.attribute_names == ()
    assert rows == [(2, "a@x.com", "Ann", "Lee", "ACTIVE", None)]


def test_other_headers_become_attributes_and_empty_headers_are_ignored(tmp_path: Path) -> None:
    text = "Plan , email,,Customer ID,Notes\npro,a@x.com,ignored,42,\nfree,b@x.com,,,\n"
    layout, rows, _ = read_all(write_text(tmp_path, text))
    assert layout.columns == ((0, "Plan"), (1, "email"), (3, "Customer ID"), (4, "Notes"))
    assert layout.attribute_names == ("Customer ID", "Notes", "Plan")
    assert rows == [
        (2, "a@x.com", None, None, None, '{"Customer ID":"42","Plan":"pro"}'),
        (3, "b@x.com", None, None, None, '{"Plan":"free"}'),
    ]


def test_no_email_column_lists_the_headers(tmp_path: Path) -> None:
    error = refused(write_text(tmp_path, "name,phone\nAnn,123\n"))
    assert (error.code, error.field) == ("INVALID_INPUT", "file")
    assert "'name', 'phone'" in error.message


@pytest.mark.parametrize("header", ["email,city,city", "Email,E-Mail,city"])
def test_duplicate_columns_are_refused(tmp_path: Path, header: str) -> None:
    error = refused(write_text(tmp_path, header + "\na@x.com,b,c\n"))
    assert (error.code, error.field) == ("INVALID_INPUT", "file")


def test_too_long_attribute_name_is_refused(tmp_path: Path) -> None:
    error = refused(write_text(tmp_path, "email," + "x" * 101 + "\na@x.com,1\n"))
    assert (error.code, error.field) == ("INVALID_INPUT", "file")


def test_explicit_mapping(tmp_path: Path) -> None:
    text = "Mail,Given,Family,Plan,Junk,Customer Number\na@x.com,Ann,Lee,pro,zzz,7\n"
    mapping = [("Mail", "email"), ("Given", "firstName"), ("Plan", "tier"), ("Junk", "")]
    mapping.append(("Customer Number", "customerId"))
    layout, rows, _ = read_all(write_text(tmp_path, text), mapping)
    assert layout.columns == ((0, "email"), (1, "firstName"), (3, "tier"), (5, "customerId"))
    assert (layout.has_first_name, layout.has_last_name) == (True, False)
    assert layout.attribute_names == ("customerId", "tier")
    assert rows == [(2, "a@x.com", "Ann", None, None, '{"customerId":"7","tier":"pro"}')]


@pytest.mark.parametrize(
    "mapping",
    [
        [("Mail", "email"), ("Phone", "phone")],  # no such column
        [("Mail", "email"), ("Given", "firstName"), ("Family", "firstName")],  # same field twice
        [("Mail", "email"), ("Given", "tag"), ("Family", "tag")],  # same attribute twice
        [("Given", "firstName")],  # no email
        [("Mail", "email"), ("Mail", "tag")],  # same column twice
        [("Mail", "email"), ("Given", "y" * 101)],  # attribute name too long
    ],
)
def test_explicit_mapping_errors(tmp_path: Path, mapping: list[tuple[str, str]]) -> None:
    error = refused(write_text(tmp_path, "Mail,Given,Family\na@x.com,Ann,Lee\n"), mapping)
    assert (error.code, error.field) == ("INVALID_INPUT", "fieldMapping")


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b"\n\r\n\n", b",,,\n;;\n"])
def test_empty_files_have_no_header(tmp_path: Path, data: bytes) -> None:
    error = refused(write_bytes(tmp_path, data))
    assert (error.code, error.field) == ("INVALID_INPUT", "file")
