"""The tables, described once with SQLModel.

The models describe the schema (and Alembic reads them); bulk rows never travel
through the ORM: the recipient store talks to the driver. The recipient tables
carry no foreign keys: a per-row check would cost the hot path, and the one
write path (`storage.store.write_path`) keeps them consistent.

Reads return the models themselves (`select(Backup)`); writes are Core statements on the
model tables. A model's `id` is typed `int`: every row read has one, and a model built for
an insert is given its id (RETURNING) before anyone reads it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp read back aware, in UTC, from both databases (SQLite gives naive ones)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return value if value is None or value.tzinfo is not None else value.replace(tzinfo=UTC)


UTC_DATETIME = UtcDateTime()
# 64-bit ids where rows are counted in billions; SQLite needs INTEGER for its rowid alias.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Stored emails compare in code point order on both databases (SQLite's BINARY; migration 0012).
EMAIL = sa.String(254).with_variant(sa.String(254, collation="C"), "postgresql")
# An id a client has seen (global IDs, signed links) is never given to another row: SQLite
# reuses the highest rowid after a delete unless the table is AUTOINCREMENT (PostgreSQL's
# sequences never go back).
NEVER_REUSED: dict[str, object] = {"sqlite_autoincrement": True}


class Account(SQLModel, table=True):
    """A customer account: owns groups, tokens, backups and jobs."""

    __table_args__ = (NEVER_REUSED,)
    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    backups_enabled: bool = Field(default=True)
    backup_retention_days: int = Field(default=30)
    created_at: datetime = Field(sa_type=UTC_DATETIME)
    # Settings of the screens (migration 0007): the IANA zone of the backups screen's days,
    # and how often API writes back a group up (minutes since its latest backup).
    time_zone: str = Field(default="UTC", max_length=64, sa_column_kwargs={"server_default": "UTC"})
    api_backup_window_minutes: int = Field(default=60, sa_column_kwargs={"server_default": "60"})


class ApiToken(SQLModel, table=True):
    """A bearer token, stored as its SHA-256 hash."""

    __tablename__ = "api_token"
    __table_args__ = (NEVER_REUSED,)
    id: int = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    name: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    created_at: datetime = Field(sa_type=UTC_DATETIME)
    expires_at: datetime | None = Field(default=None, sa_type=UTC_DATETIME)
    last_used_at: datetime | None = Field(default=None, sa_type=UTC_DATETIME)


class RecipientGroup(SQLModel, table=True):
    """A recipient list. `seq` is the group's change sequence number."""

    __tablename__ = "recipient_group"
    __table_args__ = (
        sa.Index("ix_group_account_live", "account_id", "deleted_at", "id"),
        NEVER_REUSED,
    )
    id: int = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    name: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTC_DATETIME)
    backups_enabled: bool = Field(default=True)
    seq: int = Field(default=0)
    recipient_count: int = Field(default=0)
    attribute_names: str = Field(default="[]")
    deleted_at: datetime | None = Field(default=None, sa_type=UTC_DATETIME)
    deleted_seq: int | None = Field(default=None)


class Recipient(SQLModel, table=True):
    """The current state of a recipient; `version` is the seq of the write that made it."""

    __table_args__ = (
        sa.UniqueConstraint("group_id", "email", name="uq_recipient_group_email"),
        NEVER_REUSED,
    )
    id: int = Field(default=None, primary_key=True, sa_type=BIG_ID)
    group_id: int
    email: str = Field(sa_type=EMAIL)
    first_name: str | None = Field(default=None, max_length=255)
    last_name: str | None = Field(default=None, max_length=255)
    status: str = Field(max_length=16)
    attributes: str | None = Field(default=None)
    created_at: datetime = Field(sa_type=UTC_DATETIME)
    updated_at: datetime = Field(sa_type=UTC_DATETIME)
    version: int


class RecipientVersion(SQLModel, table=True):
    """An earlier state of a recipient, current during seqs [valid_from, valid_to)."""

    __tablename__ = "recipient_version"
    __table_args__ = (sa.Index("ix_version_group_valid", "group_id", "valid_to", "valid_from"),)
    id: int = Field(default=None, primary_key=True, sa_type=BIG_ID)
    recipient_id: int = Field(sa_type=BIG_ID)
    group_id: int
    email: str = Field(sa_type=EMAIL)
    first_name: str | None = Field(default=None, max_length=255)
    last_name: str | None = Field(default=None, max_length=255)
    status: str = Field(max_length=16)
    attributes: str | None = Field(default=None)
    created_at: datetime = Field(sa_type=UTC_DATETIME)
    updated_at: datetime = Field(sa_type=UTC_DATETIME)
    valid_from: int
    valid_to: int


class GroupWrite(SQLModel, table=True):
    """When a write gave a group its seq: maps a moment to the group's state (migration 0008)."""

    __tablename__ = "group_write"
    __table_args__ = (sa.Index("ix_group_write_time", "group_id", "written_at"),)
    group_id: int = Field(
        primary_key=True, sa_type=sa.Integer, sa_column_kwargs={"autoincrement": False}
    )
    seq: int = Field(
        primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    written_at: datetime = Field(sa_type=UTC_DATETIME)
    # Whether the write copied every row it replaced or removed to the history (both backup
    # switches on): a moment before a write that did not cannot be rebuilt.
    history_kept: bool
    # The group's attribute names after the write (JSON list): the header as of a moment.
    attribute_names: str


class AccountChange(SQLModel, table=True):
    """One committed change of an account's shown data (migration 0010, written by triggers on
    account, recipient_group and backup): the account's version is the sum of its weights."""

    __tablename__ = "account_change"
    __table_args__ = (sa.Index("ix_account_change_account", "account_id", "weight"), NEVER_REUSED)
    id: int = Field(default=None, primary_key=True, sa_type=BIG_ID)
    account_id: int
    weight: int = Field(default=1, sa_type=sa.BigInteger, sa_column_kwargs={"server_default": "1"})


class Activity(SQLModel, table=True):
    """An open or a click: never versioned, exported or restored."""

    __table_args__ = (sa.Index("ix_activity_recipient", "recipient_id", "occurred_at"),)
    id: int = Field(default=None, primary_key=True, sa_type=BIG_ID)
    recipient_id: int = Field(sa_type=BIG_ID)
    kind: str = Field(max_length=16)
    occurred_at: datetime = Field(sa_type=UTC_DATETIME)
    detail: str | None = Field(default=None, max_length=2000)


class Backup(SQLModel, table=True):
    """A point in time of a group: its state is every version current at `seq`."""

    __table_args__ = (
        sa.Index("ix_backup_account_created", "account_id", "created_at", "id"),
        sa.Index("ix_backup_group_created", "group_id", "created_at", "id"),
        sa.Index("ix_backup_account_group", "account_id", "group_id", "created_at"),
        sa.Index("ix_backup_group_seq", "group_id", "seq"),
        sa.Index("ix_backup_expires", "expires_at"),
        NEVER_REUSED,
    )
    id: int = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    group_id: int = Field(foreign_key="recipient_group.id")
    group_name: str = Field(max_length=200)
    reason: str = Field(max_length=16)
    seq: int
    recipient_count: int
    attribute_names: str = Field(default="[]")
    created_at: datetime = Field(sa_type=UTC_DATETIME)
    expires_at: datetime = Field(sa_type=UTC_DATETIME)


class Job(SQLModel, table=True):
    """An import or a restore, run by a worker in one transaction."""

    __tablename__ = "job"
    __table_args__ = (
        sa.Index("ix_job_status", "status", "id"),
        sa.Index("ix_job_account", "account_id", "id"),
        sa.Index("ix_job_account_group", "account_id", "group_id", "id"),
        sa.Index("ix_job_backup", "backup_id"),
        NEVER_REUSED,
    )
    id: int = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    kind: str = Field(max_length=16)
    status: str = Field(max_length=16)
    mode: str = Field(max_length=16)
    group_id: int | None = Field(default=None, foreign_key="recipient_group.id")
    new_group_name: str | None = Field(default=None, max_length=200)
    source_backup_id: int | None = Field(default=None)
    backup_id: int | None = Field(default=None)
    upload_key: str | None = Field(default=None, max_length=200)
    field_mapping: str | None = Field(default=None)
    total_rows: int | None = Field(default=None)
    processed_rows: int = Field(default=0)
    added: int = Field(default=0)
    updated: int = Field(default=0)
    unchanged: int = Field(default=0)
    skipped: int = Field(default=0)
    removed: int = Field(default=0)
    rejected: int = Field(default=0)
    error: str | None = Field(default=None)
    created_at: datetime = Field(sa_type=UTC_DATETIME)
    started_at: datetime | None = Field(default=None, sa_type=UTC_DATETIME)
    finished_at: datetime | None = Field(default=None, sa_type=UTC_DATETIME)
    # Set only by versions that leased running jobs; claims clear it (liveness locks now).
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTC_DATETIME)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The history's facts, recorded when the job is queued (null for jobs queued before).
    file_name: str | None = Field(default=None, max_length=255)
    size_bytes: int | None = Field(default=None, sa_type=sa.BigInteger)
    started_by: str | None = Field(default=None, max_length=100)
    # Rows whose status change the suppression guard refused; the file of every reject.
    status_kept: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    rejects_key: str | None = Field(default=None, max_length=200)
    # A restore as of a moment (migration 0008): the group whose state at that moment it
    # restores, instead of a backup.
    source_group_id: int | None = Field(default=None)
    source_as_of: datetime | None = Field(default=None, sa_type=UTC_DATETIME)


class JobRowError(SQLModel, table=True):
    """A rejected row of an import (the first few thousand of a job are kept)."""

    __tablename__ = "job_row_error"
    __table_args__ = (sa.Index("ix_row_error_job", "job_id", "row"),)
    id: int = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", ondelete="CASCADE")
    row: int
    column: str | None = Field(default=None, max_length=200)
    message: str = Field(max_length=500)
    code: str = Field(max_length=32)


class StagedFile(SQLModel, table=True):
    """An upload kept for a while to be inspected and imported, maybe more than once.

    `columns` is JSON text: the detected columns (header, suggested field, sample cells).
    """

    __tablename__ = "staged_file"
    __table_args__ = (
        sa.Index("ix_staged_file_expires", "expires_at"),
        sa.Index("ix_staged_file_account", "account_id", "id"),
        NEVER_REUSED,
    )
    id: int = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    upload_key: str = Field(max_length=200)
    file_name: str | None = Field(default=None, max_length=255)
    size_bytes: int = Field(sa_type=sa.BigInteger)
    encoding: str = Field(max_length=32)
    delimiter: str = Field(max_length=4)
    row_estimate: int = Field(sa_type=sa.BigInteger)
    columns: str = Field(default="[]")
    created_at: datetime = Field(sa_type=UTC_DATETIME)
    expires_at: datetime = Field(sa_type=UTC_DATETIME)
