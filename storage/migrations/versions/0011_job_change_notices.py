"""job change notices: PostgreSQL tells every instance when a job's progress or status moves

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 22:30:00

A trigger on `job` sends `pg_notify('listkeeper_job_changes', <job id>)` after an UPDATE that
changes what a client follows (status, processed and rejected rows, the total), so that a
subscription served by one instance hears at once of progress a worker on another host wrote
(`storage.job_notify`, `api.runtime.running_loops`). A trigger, not a call in each write
path: claims, progress, finishing, failing, cancelling and taking over all update the row,
and none can forget it. PostgreSQL delivers a notice only when its transaction commits, and
folds identical ones of one transaction into one. SQLite has no notices: nothing to create
(a process there serves its own jobs' subscriptions from memory).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "listkeeper_job_changes"  # storage.job_notify.CHANGES_CHANNEL
FOLLOWED = ("status", "processed_rows", "rejected", "total_rows")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION listkeeper_job_changed() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN"
        f" PERFORM pg_notify('{CHANNEL}', NEW.id::text); RETURN NULL; END $$"
    )
    moved = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in FOLLOWED)
    op.execute(
        f"CREATE TRIGGER job_changed AFTER UPDATE ON job FOR EACH ROW WHEN ({moved})"
        " EXECUTE FUNCTION listkeeper_job_changed()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS job_changed ON job")
    op.execute("DROP FUNCTION IF EXISTS listkeeper_job_changed()")
