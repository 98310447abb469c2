"""`listkeeper create-token`, `tokens` and `revoke-token`: an account's API tokens, locally.

These work on the database of LISTKEEPER_DATABASE_URL (or the SQLite file in the data
folder), migrated first: they are how an operator hands out the first token of an account.
A client manages its own account's tokens through GraphQL (createToken, revokeToken).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from datetime import datetime, timedelta
from typing import Any

from api.commands.console import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CliError,
    Output,
    exit_codes_help,
)
from api.commands.retention import parse_as_of
from api.commands.transfer import guarded
from api.settings import Settings

DURATION = re.compile(r"([1-9][0-9]{0,4})([mhdw])")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
COLUMNS = ("id", "name", "created", "expires", "last used")
# The codes these commands can end with (console.EXIT_MEANINGS words them).
EXITS = (EXIT_OK, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_UNREACHABLE, EXIT_INTERRUPTED)

CREATE_EPILOG = f"""examples:
  TOKEN=$(listkeeper create-token --account acme)
  listkeeper create-token --account acme --name "nightly export" --expires-in 90d
  listkeeper create-token --account acme --name ci --expires-at 2027-01-01T00:00:00Z

The token is printed alone on stdout and never again: only its hash is stored.

{exit_codes_help(*EXITS, EXIT_FAILED)}"""

LIST_EPILOG = f"""Prints one token a line, oldest first, tab-separated (a table on a terminal): id,
name, created, expires, last used ("never" when there is none). Last use is recorded at
most once a minute. The tokens themselves are never shown: they are not stored.

{exit_codes_help(*EXITS)}"""

REVOKE_EPILOG = f"""example:
  listkeeper revoke-token --account acme 3

The id is the first column of `listkeeper tokens` (or the token's GraphQL id). The next
request with the token gets 401.

{exit_codes_help(*EXITS)}"""


def register(commands: Any) -> None:
    """Add the `create-token`, `tokens` and `revoke-token` subcommands."""
    create = _parser(commands, "create-token", CREATE_EPILOG)
    create.description = (
        "Create the account if it does not exist and print one new API token, alone, on"
        " stdout. Use it as 'Authorization: Bearer <token>'."
    )
    create.add_argument("--name", help="what the token is for (1 to 100 characters)")
    expiry = create.add_mutually_exclusive_group()
    expiry.add_argument(
        "--expires-in",
        type=parse_duration,
        metavar="DURATION",
        help="expire after this long: a number and m, h, d or w (e.g. 30d); default: never",
    )
    expiry.add_argument(
        "--expires-at",
        type=parse_as_of,
        metavar="ISO-DATETIME",
        help="expire at this time (ISO 8601; without an offset it is UTC)",
    )
    create.set_defaults(handler=create_token_command)
    listing = _parser(commands, "tokens", LIST_EPILOG)
    listing.set_defaults(handler=tokens_command)
    revoke = _parser(commands, "revoke-token", REVOKE_EPILOG)
    revoke.add_argument("id", metavar="ID", help="the token's id, as `listkeeper tokens` shows it")
    revoke.set_defaults(handler=revoke_token_command)


def _parser(commands: Any, name: str, epilog: str) -> argparse.ArgumentParser:
    helps = {
        "create-token": "create an account if needed and print a new API token",
        "tokens": "list an account's API tokens (never the tokens themselves)",
        "revoke-token": "revoke an API token: refused from the next request on",
    }
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=helps[name],
        description=helps[name][0].upper() + helps[name][1:] + ".",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--account", required=True, metavar="NAME", help="the account's name")
    return parser


def parse_duration(value: str) -> timedelta:
    """`30d`, `12h`, `90m`, `2w` as a timedelta."""
    found = DURATION.fullmatch(value.strip())
    if found is None:
        raise argparse.ArgumentTypeError(
            f"not a duration: {value!r} (a number and m, h, d or w, e.g. 30d)"
        )
    return timedelta(**{UNITS[found[2]]: int(found[1])})


def create_token_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `listkeeper create-token`; the exit code."""
    return guarded(Output(quiet=False), lambda: _create(args, settings))


def tokens_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `listkeeper tokens`; the exit code."""
    return guarded(Output(quiet=False), lambda: _list(args, settings))


def revoke_token_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `listkeeper revoke-token`; the exit code."""
    return guarded(Output(quiet=False), lambda: _revoke(args, settings))


def _create(args: argparse.Namespace, settings: Settings) -> int:
    print(asyncio.run(_new_token(settings, args)))
    return EXIT_OK


async def _new_token(settings: Settings, args: argparse.Namespace) -> str:
    from api.auth import create_token
    from api.commands.database import local_services
    from api.errors import UserFacingError

    async with local_services(settings) as services:
        now = services.clock.now()
        expires_at: datetime | None = args.expires_at
        if args.expires_in is not None:
            expires_at = now + args.expires_in
        try:
            return await create_token(
                engine=services.engine,
                account_name=args.account,
                now=now,
                name=args.name,
                expires_at=expires_at,
            )
        except UserFacingError as error:
            raise CliError(error.message, EXIT_USAGE if error.field else EXIT_FAILED) from None


def _list(args: argparse.Namespace, settings: Settings) -> int:
    rows = asyncio.run(_token_rows(settings, args.account))
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(*COLUMNS)
        for row in rows:
            table.add_row(*row)
        Console(highlight=False).print(table)
    else:
        for row in rows:
            print("\t".join(row))
    return EXIT_OK


async def _token_rows(settings: Settings, account: str) -> list[tuple[str, ...]]:
    from api.auth import list_tokens
    from api.commands.database import local_services
    from api.commands.transfer_local import account_id_named

    async with local_services(settings) as services:
        account_id = await account_id_named(services.engine, account)
        tokens = await list_tokens(engine=services.engine, account_id=account_id)
    return [
        (str(t.id), t.name, _when(t.created_at), _when(t.expires_at), _when(t.last_used_at))
        for t in tokens
    ]


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else "never"


def _revoke(args: argparse.Namespace, settings: Settings) -> int:
    from api.commands.transfer_local import local_id

    token_id = local_id(args.id, "ApiToken")
    if token_id is None:
        raise CliError(f"not a token id: {args.id!r} (see `listkeeper tokens`)", EXIT_USAGE)
    asyncio.run(_revoke_local(settings, args.account, token_id))
    Output(quiet=False).say(f"revoked token {token_id} of {args.account!r}")
    return EXIT_OK


async def _revoke_local(settings: Settings, account: str, token_id: int) -> None:
    from api.auth import revoke_token
    from api.commands.database import local_services
    from api.commands.transfer_local import account_id_named
    from api.errors import NotFound

    async with local_services(settings) as services:
        account_id = await account_id_named(services.engine, account)
        try:
            await revoke_token(engine=services.engine, account_id=account_id, token_id=token_id)
        except NotFound:
            raise CliError(f"account {account!r} has no token {token_id}", EXIT_NOT_FOUND) from None
