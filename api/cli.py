"""The `listkeeper` command: serve, create-token, and the subcommands in `api.commands`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

from api.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from api.commands import backups_list, retention, transfer, worker

    parser = argparse.ArgumentParser(
        prog="listkeeper",
        description="GraphQL backend for email-recipient lists with automatic backups."
        " Settings come from LISTKEEPER_* environment variables (see README).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve_cmd = commands.add_parser(
        "serve",
        help="start the server (SQLite and ./data unless configured)",
        description="Start the HTTP server: GraphQL at /graphql, GraphiQL in a browser there."
        " Migrations are applied on start.",
    )
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve_cmd.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default 8000)"
    )
    serve_cmd.set_defaults(handler=_serve)
    token = commands.add_parser(
        "create-token",
        help="create an account if needed and print a new API token",
        description="Create the account if it does not exist and print one new API token, alone,"
        " on stdout. Use it as 'Authorization: Bearer <token>'.",
    )
    token.add_argument("--account", required=True, help="the account's name")
    token.set_defaults(handler=_create_token)
    retention.register(commands)
    transfer.register(commands)
    backups_list.register(commands)
    worker.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args, Settings())


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_asgi_app

    uvicorn.run(
        create_asgi_app(settings), host=args.host, port=args.port, log_config=None, access_log=False
    )
    return 0


def _create_token(args: argparse.Namespace, settings: Settings) -> int:
    print(asyncio.run(_new_token(settings, args.account)))
    return 0


async def _new_token(settings: Settings, account: str) -> str:
    from api.auth import create_token
    from api.clock import SystemClock
    from storage.db import create_engine
    from storage.migrate import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.db_url)
    try:
        await upgrade(engine)
        return await create_token(engine=engine, account_name=account, now=SystemClock().now())
    finally:
        await engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
