"""`listkeeper migrate`: bring the database to this release's newest revision, and say so."""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from api.commands.console import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    Output,
    exit_codes_help,
)
from api.settings import Settings

EXITS = (EXIT_OK, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_INTERRUPTED)

DESCRIPTION = """Apply this release's database migrations (Alembic, `upgrade head`) and print the
revision before and after.

Every process also migrates as it starts; run this once, alone, before rolling out a
release with a new migration (docs/deploy.md, "Migrating"). On PostgreSQL the migration
runs under an advisory lock, so processes starting at once migrate one after the other."""

EPILOG = f"""examples:
  listkeeper migrate
  LISTKEEPER_DATABASE_URL=postgresql://... listkeeper migrate

{exit_codes_help(*EXITS)}"""


def register(commands: Any) -> None:
    """Add the `migrate` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "migrate",
        help="apply the database migrations and print the revision",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)


def handler(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate the configured database and print what changed."""
    from api.commands.transfer import guarded
    from api.logs import configure_logging

    configure_logging(settings)
    logging.getLogger().setLevel(logging.WARNING)  # the line printed says what happened
    return guarded(Output(quiet=False), lambda: _run(settings))


def _run(settings: Settings) -> int:
    before, after = asyncio.run(_migrate(settings))
    print(said(before, after))
    return EXIT_OK


async def _migrate(settings: Settings) -> tuple[str | None, str | None]:
    from sqlalchemy.exc import DBAPIError

    from api.commands.console import CliError
    from api.commands.database import local_services, reason
    from storage.migrate import upgrade

    async with local_services(settings, migrate=False) as services:
        try:
            return await upgrade(services.engine)
        except (OSError, DBAPIError) as error:
            raise CliError(f"cannot open the database: {reason(error)}", EXIT_UNREACHABLE) from None


def said(before: str | None, after: str | None) -> str:
    """The line the command prints."""
    if before == after:
        return f"The database is at revision {after}, this release's newest: nothing to do."
    return f"Migrated the database from revision {before or '(empty)'} to {after}."
