"""A UTF-8 upload with a bad byte keeps its UTF-8 and reports the bad row, on both databases."""

from __future__ import annotations

from tests.client import GraphQLClient


def test_one_bad_byte_in_row_2_garbles_nothing_else(client: GraphQLClient) -> None:
    content = b"email,first name\nrene@x.io,Ren\xe9\n" + "zoe@x.io,Zoë\nmax@x.io,Müller\n".encode()
    job = client.import_file(content, groupName="one bad byte")
    assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", 2, 1), job
    assert [(e["row"], e["column"], e["code"]) for e in job["rowErrors"]] == [
        (2, "first name", "UNDECODABLE_BYTES")
    ]
    people = client.recipients(job["group"]["id"])
    assert [(p["email"], p["firstName"]) for p in people] == [
        ("max@x.io", "Müller"),
        ("zoe@x.io", "Zoë"),
    ]
