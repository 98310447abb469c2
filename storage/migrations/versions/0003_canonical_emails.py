"""addresses in their canonical form (NFC, lower-case, Unicode domain); twins merged

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 07:00:00

Rows stored before were only trimmed and lower-cased, so `rené` in NFC and in NFD, or
`bücher.de` and `xn--bcher-kva.de`, could be two recipients of one group. Every email of
`recipient` and `recipient_version` is rewritten with `storage.addresses.normalise_email`;
only non-ASCII or `xn--` addresses can change. Two current rows of a group that become one
address lose nothing: the most recently updated stays current, the other moves to the
history, visible to every backup taken before (valid until the group's seq + 1, which the
group then takes), so those backups still hold both rows.
"""

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from storage.addresses import normalise_email

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1_000
HISTORY_COLUMNS = (
    "recipient_id, group_id, email, first_name, last_name, status, attributes,"
    " created_at, updated_at, valid_from, valid_to"
)


def upgrade() -> None:
    bind = op.get_bind()
    for row_id, group_id, email in _candidates(bind, "recipient"):
        canonical = normalise_email(email)
        if canonical != email:
            _rewrite_current(bind, row_id, group_id, canonical)
    for row_id, _, email in _candidates(bind, "recipient_version"):
        canonical = normalise_email(email)
        if canonical != email:
            bind.execute(
                sa.text("UPDATE recipient_version SET email = :e WHERE id = :i"),
                {"e": canonical, "i": row_id},
            )


def _candidates(bind: Connection, table: str) -> Iterator[tuple[int, int, str]]:
    """(id, group_id, email) of the rows whose email may not be canonical, batch by batch."""
    if bind.dialect.name == "sqlite":
        non_ascii = "length(CAST(email AS BLOB)) <> length(email)"
    else:
        non_ascii = "octet_length(email) <> char_length(email)"
    query = sa.text(
        f"SELECT id, group_id, email FROM {table} WHERE id > :after"
        f" AND ({non_ascii} OR email LIKE '%xn--%') ORDER BY id LIMIT {BATCH}"
    )
    after = 0
    while batch := bind.execute(query, {"after": after}).all():
        rows = [(int(r.id), int(r.group_id), str(r.email)) for r in batch]
        yield from rows
        after = rows[-1][0]


def _rewrite_current(bind: Connection, row_id: int, group_id: int, canonical: str) -> None:
    """Give the row its canonical email; a twin already holding it is merged first (when
    the row itself is retired, the update finds nothing)."""
    twin = bind.execute(
        sa.text("SELECT id FROM recipient WHERE group_id = :g AND email = :e"),
        {"g": group_id, "e": canonical},
    ).scalar()
    if twin is not None:
        _retire_older_twin(bind, group_id, canonical, row_id, int(twin))
    bind.execute(
        sa.text("UPDATE recipient SET email = :e WHERE id = :i"), {"e": canonical, "i": row_id}
    )


def _retire_older_twin(bind: Connection, group_id: int, canonical: str, a: int, b: int) -> None:
    """Move the less recently updated of rows `a` and `b` (ties: the higher version, then
    id, stays) to the history with its activities given to the other, and count the group
    one recipient less."""
    newer, older = bind.execute(
        sa.text(
            "SELECT id FROM recipient WHERE id IN (:a, :b)"
            " ORDER BY updated_at DESC, version DESC, id DESC"
        ),
        {"a": a, "b": b},
    ).scalars()
    seq = int(
        bind.execute(
            sa.text("SELECT seq FROM recipient_group WHERE id = :g"), {"g": group_id}
        ).scalar_one()
    )
    bind.execute(
        sa.text(
            f"INSERT INTO recipient_version ({HISTORY_COLUMNS}) SELECT id, group_id, :e,"
            " first_name, last_name, status, attributes, created_at, updated_at, version, :to"
            " FROM recipient WHERE id = :i"
        ),
        {"e": canonical, "to": seq + 1, "i": older},
    )
    # Opens and clicks of the retired row belong to the same person: keep them.
    bind.execute(
        sa.text("UPDATE activity SET recipient_id = :n WHERE recipient_id = :o"),
        {"n": newer, "o": older},
    )
    bind.execute(sa.text("DELETE FROM recipient WHERE id = :i"), {"i": older})
    bind.execute(
        sa.text(
            "UPDATE recipient_group SET seq = seq + 1, recipient_count = recipient_count - 1"
            " WHERE id = :g"
        ),
        {"g": group_id},
    )


def downgrade() -> None:
    # The spellings merged are not kept; the canonical form is valid for the old code too.
    pass
