"""The local database of a command, opened with one clear message when it cannot be.

Opening (connecting, migrating) is where a wrong LISTKEEPER_DATABASE_URL or an unreachable
server shows; those become a CliError here, so a command never shows a driver's traceback.
Failures inside the block are the command's own and pass through untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from api.commands.console import EXIT_UNREACHABLE, EXIT_USAGE, CliError
from api.services import Services, open_services
from api.settings import Settings


@asynccontextmanager
async def local_services(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Services]:
    """`open_services(settings)`, its failures to open told as a CliError."""
    async with AsyncExitStack() as stack:
        try:
            services = await stack.enter_async_context(open_services(settings, migrate=migrate))
        except (ArgumentError, NoSuchModuleError, ValueError) as error:
            message = f"LISTKEEPER_DATABASE_URL is not a database URL this can use: {error}"
            raise CliError(message, EXIT_USAGE) from None
        except (OSError, DBAPIError) as error:
            raise CliError(f"cannot open the database: {reason(error)}", EXIT_UNREACHABLE) from None
        yield services


def reason(error: BaseException) -> str:
    """A driver's failure to connect, as one line."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        return str(error.orig).strip().splitlines()[0]
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error).strip().splitlines()[0]
