"""One address, one recipient: Unicode spellings of an address are stored, matched and erased as one."""

from __future__ import annotations

import unicodedata

import pytest

from tests.client import GraphQLClient
from tests.support.backups import backups, download, read_csv
from tests.support.documents import ERASE

NFC = unicodedata.normalize("NFC", "rené@x.io")
NFD = unicodedata.normalize("NFD", "rené@x.io")
UNICODE_DOMAIN = "user@bücher.de"
PUNYCODE_DOMAIN = "user@xn--bcher-kva.de"
# Each pair: two spellings of one address, and its canonical form.
TWINS = {
    "nfc and nfd": (NFC, NFD, NFC),
    "unicode and punycode domain": (UNICODE_DOMAIN, PUNYCODE_DOMAIN, UNICODE_DOMAIN),
    "punycode upper case and unicode": ("User@XN--BCHER-KVA.de", "USER@Bücher.DE", UNICODE_DOMAIN),
}


def csv_file(*lines: str) -> bytes:
    """A UTF-8 upload with the header `email,first name`."""
    return ("email,first name\n" + "".join(line + "\n" for line in lines)).encode()


def test_spellings_differ_as_text() -> None:
    assert NFC != NFD
    assert NFC.lower() != NFD.lower()


@pytest.mark.parametrize("kind", TWINS)
def test_twins_in_one_file_count_once(client: GraphQLClient, kind: str) -> None:
    first, second, canonical = TWINS[kind]
    job = client.import_file(csv_file(f"{first},Ann", f"{second},Anna"), groupName=kind)
    assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", 1, 0), job
    assert job["group"]["recipientCount"] == 1
    people = client.recipients(job["group"]["id"])
    assert [(p["email"], p["firstName"]) for p in people] == [(canonical, "Anna")]


@pytest.mark.parametrize("kind", TWINS)
def test_second_import_with_the_other_spelling_updates(client: GraphQLClient, kind: str) -> None:
    first, second, canonical = TWINS[kind]
    group = client.import_file(csv_file(f"{first},Ann"), groupName=kind)["group"]["id"]
    job = client.import_file(csv_file(f"{second},Anna"), groupId=group, mode="REFRESH_AND_ADD")
    assert (job["added"], job["updated"]) == (0, 1), job
    assert job["group"]["recipientCount"] == 1
    people = client.recipients(group)
    assert [(p["email"], p["firstName"]) for p in people] == [(canonical, "Anna")]


@pytest.mark.parametrize(
    ("stored", "erased"),
    [(NFC, NFD), (NFD, NFC), (UNICODE_DOMAIN, PUNYCODE_DOMAIN), (PUNYCODE_DOMAIN, UNICODE_DOMAIN)],
)
def test_erasure_with_either_spelling_removes_every_twin(
    client: GraphQLClient, stored: str, erased: str
) -> None:
    one = client.import_file(csv_file(f"{stored},Ann", "b@x.io,Bob"), groupName="one")
    one_id = one["group"]["id"]
    client.import_file(csv_file(f"{erased},Anna"), groupId=one_id, mode="REFRESH_AND_ADD")
    two = client.import_file(csv_file(f"{erased.upper()},Ann"), groupName="two")["group"]["id"]
    client.import_file(csv_file("c@x.io,Cid"), groupId=two, mode="ADD")
    before = {b["id"]: b["recipientCount"] for b in backups(client)}
    assert sorted(before.values()) == [1, 2]

    result = client.execute(ERASE, {"input": {"email": f" {erased} "}})["eraseRecipient"]

    assert (result["erasedRecipients"], result["erasedVersions"]) == (2, 1)
    assert (result["backupsChanged"], result["userErrors"]) == (2, [])
    assert [p["email"] for p in client.recipients(one_id)] == ["b@x.io"]
    assert [p["email"] for p in client.recipients(two)] == ["c@x.io"]
    for backup in backups(client):
        rows = read_csv(download(backup["downloadUrl"]))
        assert [row[0] for row in rows[1:]] == (
            ["b@x.io"] if backup["group"]["id"] == one_id else []
        )
        assert len(rows) - 1 == backup["recipientCount"] == before[backup["id"]] - 1


@pytest.mark.parametrize(
    "address", ["user@xn--zz.de", "user@bücher.xn--zz.de", "user@a\u200db.de", "user@\u0661.com"]
)
def test_invalid_idna_is_an_invalid_email(client: GraphQLClient, address: str) -> None:
    job = client.import_file(csv_file(f"{address},Ann", "ok@x.io,Bob"), groupName="idna")
    assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", 1, 1), job
    assert [(e["row"], e["code"]) for e in job["rowErrors"]] == [(2, "INVALID_EMAIL")]
    erased = client.execute(ERASE, {"input": {"email": address}})["eraseRecipient"]
    assert (erased["erasedRecipients"], erased["userErrors"]) == (0, [])
