"""staged files: an upload kept to be inspected and imported until it expires

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00

A new table; its ids are global IDs clients keep, so it is AUTOINCREMENT on SQLite
(migration 0002). `ix_staged_file_expires` finds the expired ones for the retention sweep,
`ix_staged_file_account` reads an account's by id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staged_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("upload_key", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("encoding", sa.String(32), nullable=False),
        sa.Column("delimiter", sa.String(4), nullable=False),
        sa.Column("row_estimate", sa.BigInteger(), nullable=False),
        sa.Column("columns", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_staged_file_expires", "staged_file", ["expires_at"])
    op.create_index("ix_staged_file_account", "staged_file", ["account_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_staged_file_account", table_name="staged_file")
    op.drop_index("ix_staged_file_expires", table_name="staged_file")
    op.drop_table("staged_file")
