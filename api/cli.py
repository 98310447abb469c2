"""The `listkeeper` command: serve, and the subcommands in `api.commands`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from api.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from api.commands import backups_list, migrate, retention, tokens, transfer, worker
    from api.commands.console import EXIT_OK, EXIT_USAGE, exit_codes_help

    parser = argparse.ArgumentParser(
        prog="listkeeper",
        description="GraphQL backend for email-recipient lists with automatic backups."
        " Settings come from LISTKEEPER_* environment variables (see README).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve_cmd = commands.add_parser(
        "serve",
        help="start the server (SQLite and ./data unless configured)",
        description="Start the HTTP server: the web app at /, GraphQL at /graphql, GraphiQL in a browser there."
        " Migrations are applied on start.",
        epilog="It runs until SIGINT (Ctrl-C) or SIGTERM, then ends with 0.\n\n"
        + exit_codes_help(EXIT_OK, EXIT_USAGE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve_cmd.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default 8000)"
    )
    serve_cmd.set_defaults(handler=_serve)
    tokens.register(commands)
    retention.register(commands)
    transfer.register(commands)
    backups_list.register(commands)
    worker.register(commands)
    migrate.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line."""
    from api.commands.console import EXIT_INTERRUPTED, EXIT_USAGE, settings_problem

    try:
        args = build_parser().parse_args(argv)
        handler: Handler = args.handler
        try:
            settings = Settings()
        except ValueError as error:  # pydantic's ValidationError: a LISTKEEPER_* variable
            print(f"error: {settings_problem(error)}", file=sys.stderr)
            return EXIT_USAGE
        return handler(args, settings)
    except KeyboardInterrupt:  # before a command's own handling (or in one that has none)
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_asgi_app

    print(serve_banner(settings, host=args.host, port=args.port), file=sys.stderr, flush=True)
    uvicorn.run(
        create_asgi_app(settings), host=args.host, port=args.port, log_config=None, access_log=False
    )
    return 0


def serve_banner(settings: Settings, *, host: str, port: int) -> str:
    """Where the API answers and how to get a token, for the one who just started it."""
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    ide = " (GraphiQL opens there in a browser)" if settings.graphiql else ""
    return (
        f"listkeeper: the web app at {base}/ (paste an API token into it)\n"
        f"listkeeper: GraphQL API at {base}/graphql{ide}\n"
        "listkeeper: get an API token with `listkeeper create-token --account NAME`"
        " and send it as `Authorization: Bearer <token>`"
    )


if __name__ == "__main__":
    sys.exit(main())
