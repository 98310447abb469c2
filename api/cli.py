"""The `listkeeper` command: serve, create-token, retention, import, export."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from api.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="listkeeper",
        description="GraphQL backend for email-recipient lists with automatic backups.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="start the server (SQLite and ./data unless configured)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    token = commands.add_parser("create-token", help="create an account if needed and print a new API token")
    token.add_argument("--account", required=True, help="the account's name")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line."""
    args = build_parser().parse_args(argv)
    settings = Settings()
    if args.command == "serve":
        return serve(settings, host=args.host, port=args.port)
    if args.command == "create-token":
        print(asyncio.run(_create_token(settings, args.account)))
        return 0
    return 2


def serve(settings: Settings, *, host: str, port: int) -> int:
    """Start uvicorn with the app (migrations run on start)."""
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    return 0


async def _create_token(settings: Settings, account: str) -> str:
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
