"""account change log: a per-account version that only grows, kept by triggers

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 12:40:00

`account_change` gets a row `(account_id, 1)` after every INSERT, UPDATE or DELETE of a row
of `account`, `recipient_group` or `backup` (the tables whose data the backups page shows),
written by triggers so that no write path (the API, workers, the CLI, raw driver writes, SQL
typed by hand) can forget it. An account's version is the sum of its weights
(`storage.account_changes`): every committed change adds to it whatever the commit order,
and the retention sweep's compaction folds old rows into one of the same weight. A row per
change, never an UPDATE of one counter row: concurrent writers of one account wait on nothing.

No foreign key on `account_id`: an account's own DELETE writes a row naming it, and a per-row
key check would cost every write. A later migration that rebuilds one of the three tables on
SQLite (`batch_alter_table` with a copy) drops its triggers: it must create them again
(`create_triggers`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each watched table and the column naming its account.
WATCHED = {"account": "id", "recipient_group": "account_id", "backup": "account_id"}
OPERATIONS = ("insert", "update", "delete")


def _sqlite_trigger(table: str, column: str, operation: str) -> str:
    row = "OLD" if operation == "delete" else "NEW"
    body = f"INSERT INTO account_change (account_id, weight) VALUES ({row}.{column}, 1);"
    if operation == "update":  # a row moved to another account changes both
        body += (
            f" INSERT INTO account_change (account_id, weight) SELECT OLD.{column}, 1"
            f" WHERE OLD.{column} IS NOT NEW.{column};"
        )
    return (
        f"CREATE TRIGGER IF NOT EXISTS account_change_{table}_{operation}"
        f" AFTER {operation.upper()} ON {table} FOR EACH ROW BEGIN {body} END"
    )


def _postgresql_function(table: str, column: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION account_change_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO account_change (account_id, weight) VALUES (OLD.{column}, 1);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{column} IS DISTINCT FROM OLD.{column}) THEN
    INSERT INTO account_change (account_id, weight) VALUES (NEW.{column}, 1);
  END IF;
  RETURN NULL;
END $$"""


def create_triggers() -> None:
    """The triggers on every watched table (again after a table was rebuilt)."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, column in WATCHED.items():
        if postgresql:
            op.execute(_postgresql_function(table, column))
            op.execute(f"DROP TRIGGER IF EXISTS account_change ON {table}")
            op.execute(
                f"CREATE TRIGGER account_change AFTER INSERT OR UPDATE OR DELETE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION account_change_{table}()"
            )
        else:
            for operation in OPERATIONS:
                op.execute(_sqlite_trigger(table, column, operation))


def upgrade() -> None:
    op.create_table(
        "account_change",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.BigInteger(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    # (account_id, weight): the version is a sum read from the index alone.
    op.create_index("ix_account_change_account", "account_change", ["account_id", "weight"])
    create_triggers()


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS account_change ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS account_change_{table}()")
        else:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS account_change_{table}_{operation}")
    op.drop_index("ix_account_change_account", table_name="account_change")
    op.drop_table("account_change")
