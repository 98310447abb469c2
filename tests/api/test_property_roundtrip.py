"""Property-based round trips: file -> import -> backup -> download -> re-import and -> restore.

Hypothesis generates small tables with attribute names and values from wide alphabets and
addresses in several Unicode and IDN spellings; each example goes through the live server into
groups of its own and is compared field by field with what the file held (`tests.csv_oracle`).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from storage.codec.errors import CsvFileError
from storage.codec.header import map_columns
from tests.client import GraphQLClient
from tests.csv_oracle import (
    DEFAULT_STATUS,
    OWN_EXPORT_HEADER,
    Person,
    cell_value,
    check_canonical_email,
    csv_bytes,
    escape,
    expected_people,
    is_own_export,
    people,
    unescape,
)
from tests.support.backups import restore

# Live server, several requests an example: a few dozen examples a backend, no deadline, and no
# example database in the work tree.
ROUND_TRIP = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PIECES = (
    *("=", "+", "-", "@", "'", "''", "'=", "\t", "\r", "\n", "\r\n", '"', '""', ",", ";", "|"),
    *(" ", "\u00a0", "\u2028", "\u2029", "\u3000", "\u200b", "\u200f", "\ufeff", "\x85"),
    *("\u0301", "e\u0301", "Zoë", "ß", "İ", "שלום", "مرحبا", "😀", "👩\u200d👩\u200d👧", "🇫🇷"),
    *("a.b", "x[0]", '"q"', "0", "$", "$.x", "\\", "{}", "%s", "#", "null", "<b>", "é"),
)
ANY_CHARACTER = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
TEXT = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(ANY_CHARACTER, max_size=3)), max_size=6
).map("".join)

LOCAL_WORDS = ("ann", "Bob", "o'neil", "x+tag", "-lead", "=eq", "+plus", "'quote", "rené")
UNICODE_LOCAL_WORDS = ("RENÉ", "zoë", "ñandú", "αβγ", "Ünïcödé", "ŝi", "chloé.ÅSA")
DOMAINS = (
    ("x.io", "x.io"),
    ("bücher.de", "xn--bcher-kva.de"),
    ("例え.jp", "xn--r8jz45g.jp"),
    ("ελληνικά.gr", "xn--hxargifdar.gr"),
    ("домен.рф", "xn--d1acufc.xn--p1ai"),
)
FORMS: tuple[Literal["NFC", "NFD"], ...] = ("NFC", "NFD")
STATUS_WORDS = ("", "active", "ACTIVE", "Inactive", "unsubscribed", "BOUNCED")


@dataclass(frozen=True)
class Address:
    """One generated address: how the file spells it, and what it is."""

    spelling: str
    local: str
    domains: tuple[str, str]


@st.composite
def addresses(draw: st.DrawFn, suffix: str) -> Address:
    """An address in one of its spellings: NFC or NFD, any case, Unicode or punycode domain."""
    local = draw(st.sampled_from(LOCAL_WORDS + UNICODE_LOCAL_WORDS)) + suffix
    domains = draw(st.sampled_from(DOMAINS))
    return Address(draw(spellings(local, domains)), local, domains)


@st.composite
def spellings(draw: st.DrawFn, local: str, domains: tuple[str, str]) -> str:
    """One way to write `local`@`domains` that means the same address."""
    form = draw(st.sampled_from(FORMS))
    domain = draw(st.sampled_from(domains))
    text = unicodedata.normalize(form, f"{local}@{domain}")
    text = text.upper() if draw(st.booleans()) else text
    pad = draw(st.sampled_from(("", " ", "\u00a0")))
    return pad + text + pad


@dataclass(frozen=True)
class Table:
    """A generated file: its records (header first) and its addresses, row by row."""

    records: list[list[str]]
    addresses: list[Address]


def attribute_names_accepted(header: list[str]) -> bool:
    """Whether the import maps every generated attribute column to an attribute of that name."""
    own = is_own_export(header)
    names = tuple(cell_value(name, own) for name in header)
    if any(not name for name in names) or len(set(names)) != len(names):
        return False
    try:
        columns = map_columns(names, None)
    except CsvFileError:
        return False
    return [target for _, target in columns] == list(names)


@st.composite
def tables(draw: st.DrawFn) -> Table:
    """A header (the fields, maybe `status`, 1-4 generated attribute names) and 1-4 rows."""
    fields = list(OWN_EXPORT_HEADER if draw(st.booleans()) else OWN_EXPORT_HEADER[:3])
    names = draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))
    header = fields + names
    assume(attribute_names_accepted(header))
    count = draw(st.integers(min_value=1, max_value=4))
    found = [draw(addresses(str(index))) for index in range(count)]
    rows = []
    for address in found:
        row = [address.spelling, draw(TEXT), draw(TEXT)]
        if "status" in fields:
            row.append(draw(st.sampled_from(STATUS_WORDS)))
        rows.append(row + [draw(TEXT) for _ in names])
    return Table([header, *rows], found)


def expected_of(table: Table) -> dict[str, Person]:
    """The recipients the table's file stands for, after checking each address's stored form."""
    for address in table.addresses:
        check_canonical_email([address.spelling], address.local, address.domains)
    return expected_people(table.records)


def fresh_name(label: str) -> str:
    """A group name no other example uses."""
    return f"{label} {uuid.uuid4().hex[:12]}"


def download_url(client: GraphQLClient, backup_id: str) -> str:
    """A backup's signed download URL."""
    query = "query($id: ID!) { node(id: $id) { ... on Backup { downloadUrl } } }"
    url: str = client.execute(query, {"id": backup_id})["node"]["downloadUrl"]
    return url


def check_export(content: bytes, expected: dict[str, Person]) -> None:
    """The downloaded CSV holds exactly the expected recipients, every cell escaped."""
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert tuple(header[:4]) == OWN_EXPORT_HEADER, header
    names = [unescape(cell) for cell in header[4:]]
    assert [escape(name) for name in names] == header[4:], header
    used = {name for one in expected.values() for name in one.attributes}
    assert used <= set(names), f"attributes missing from the export header: {used - set(names)}"
    assert all(len(row) == len(header) for row in rows), rows
    by_email = {row[0]: row for row in rows}
    assert len(by_email) == len(rows) == len(expected), rows
    for email, one in expected.items():
        cells = [email, one.first_name or "", one.last_name or ""]
        wanted = [*map(escape, cells), one.status]
        wanted += [escape(one.attributes.get(name, "")) for name in names]
        assert by_email.get(escape(email)) == wanted, (by_email.get(escape(email)), wanted)


def import_new_group(client: GraphQLClient, content: bytes, label: str) -> dict[str, Any]:
    """Import `content` into a new group; the finished job, which must have taken every row."""
    job = client.import_file(content, groupName=fresh_name(label))
    assert (job["status"], job["error"], job["rejected"]) == ("SUCCEEDED", None, 0), job
    return job


@ROUND_TRIP
@given(table=tables())
def test_import_backup_download_reimport_restore_keep_every_field(
    client: GraphQLClient, table: Table
) -> None:
    expected = expected_of(table)
    job = import_new_group(client, csv_bytes(table.records), "property")
    assert job["added"] == len(expected), job
    group = job["group"]["id"]
    assert people(client.recipients(group)) == expected, "the import"

    # A second import backs up the first state.
    second = client.import_file(b"email\r\nsecond-import@x.io\r\n", groupId=group)
    backup = second["backup"]["id"]
    exported = httpx.get(download_url(client, backup))
    assert exported.status_code == 200, exported.text
    check_export(exported.content, expected)

    again = import_new_group(client, exported.content, "re-import")
    assert people(client.recipients(again["group"]["id"])) == expected, "the re-import"

    restored = restore(client, backupId=backup, groupName=fresh_name("restored"))
    assert (restored["status"], restored["error"]) == ("SUCCEEDED", None), restored
    assert people(client.recipients(restored["group"]["id"])) == expected, "the restore"


@st.composite
def twins(draw: st.DrawFn) -> tuple[str, tuple[str, str], list[str]]:
    """A Unicode local part, a domain with an IDN, and three spellings of that one address."""
    local = draw(st.sampled_from(UNICODE_LOCAL_WORDS))
    domains = draw(st.sampled_from(DOMAINS[1:]))
    found = [draw(spellings(local, domains)) for _ in range(3)]
    # At least two spellings differ in their bytes, or the example proves nothing.
    assume(len({spelling.strip() for spelling in found}) > 1)
    return local, domains, found


@ROUND_TRIP
@given(twin=twins())
def test_spellings_of_one_address_are_one_recipient(
    client: GraphQLClient, twin: tuple[str, tuple[str, str], list[str]]
) -> None:
    local, domains, (first, second, third) = twin
    stored = check_canonical_email([first, second, third], local, domains)
    content = csv_bytes([["email", "firstName"], [first, "First"], [second, "Second"]])
    job = import_new_group(client, content, "twins")
    assert (job["added"], job["group"]["recipientCount"]) == (1, 1), job
    group = job["group"]["id"]
    twin_person = Person(stored, "Second", None, DEFAULT_STATUS)
    assert people(client.recipients(group)) == {stored: twin_person}

    update = csv_bytes([["email", "lastName"], [third, "Third"]])
    job = client.import_file(update, groupId=group, mode="REFRESH_AND_ADD")
    assert (job["added"], job["updated"], job["rejected"]) == (0, 1, 0), job
    updated = Person(stored, "Second", "Third", DEFAULT_STATUS)
    assert people(client.recipients(group)) == {stored: updated}
