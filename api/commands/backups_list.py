"""`listkeeper backups`: list the backups (newest first), to find the one to export."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from typing import Any

from api.commands.console import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Output,
    Remote,
    exit_codes_help,
)
from api.commands.transfer import (
    TARGET_EXITS,
    TARGET_HELP,
    add_target_options,
    guarded,
    target_of,
)
from api.settings import Settings

EPILOG = f"""examples:
  listkeeper backups --server https://lists.example.com
  listkeeper backups --group Newsletter --account acme --limit 5

Prints one backup a line, newest first, tab-separated: id, number, group, reason, created,
expires, recipients. Give the id (or, locally, the number) to `listkeeper export`.

{TARGET_HELP}

{exit_codes_help(*TARGET_EXITS)}"""

QUERY = """query Backups($groupId: ID, $first: Int, $after: String) {
  backups(groupId: $groupId, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id groupName reason createdAt expiresAt recipientCount } } } }"""


@dataclass(frozen=True)
class Listed:
    """One backup as the listing shows it."""

    id: str
    number: int
    group_name: str
    reason: str
    created_at: str
    expires_at: str
    recipient_count: int

    def line(self) -> str:
        """The tab-separated line."""
        cells = (self.id, self.number, self.group_name, self.reason, self.created_at)
        return "\t".join(str(c) for c in (*cells, self.expires_at, self.recipient_count))


def register(commands: Any) -> None:
    """Add the `backups` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "backups",
        help="list backups, newest first (remote or local)",
        description="List the backups of the account, or of one live group, newest first.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--group", metavar="NAME", help="only the backups of this live group")
    parser.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    add_target_options(parser)
    parser.set_defaults(handler=backups_command)


def backups_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `listkeeper backups`; the exit code."""
    out = Output(quiet=args.quiet)
    return guarded(out, lambda: _list(args, settings))


def _list(args: argparse.Namespace, settings: Settings) -> int:
    if args.limit < 1:
        raise CliError("--limit must be at least 1", EXIT_USAGE)
    target = target_of(args, settings)
    if isinstance(target, Remote):
        listed = _remote(target, args.group, args.limit)
    else:
        listed = asyncio.run(_local(settings, target, args.group, args.limit))
    for backup in listed:
        print(backup.line())
    return EXIT_OK


def _remote(remote: Remote, group: str | None, limit: int) -> list[Listed]:
    from api.commands.transfer_remote import RemoteApi, groups_named
    from api.global_ids import decode_id

    with RemoteApi(remote) as api:
        group_id = _only_group(groups_named(api, group), group) if group else None
        found: list[Listed] = []
        after = None
        while len(found) < limit:
            variables = {"groupId": group_id, "first": min(100, limit - len(found)), "after": after}
            page = api.execute(QUERY, variables)["backups"]
            for edge in page["edges"]:
                node = edge["node"]
                number = decode_id(node["id"], "Backup", field=["id"])
                found.append(
                    Listed(
                        node["id"],
                        number,
                        node["groupName"],
                        node["reason"],
                        node["createdAt"],
                        node["expiresAt"],
                        node["recipientCount"],
                    )
                )
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    return found[:limit]


async def _local(settings: Settings, account: str, group: str | None, limit: int) -> list[Listed]:
    from api.commands.database import local_services
    from api.commands.transfer_local import account_id_named
    from api.global_ids import encode_id
    from storage.db import read_transaction
    from storage.reads import live_groups_named
    from storage.store.backup_reads import backups_page

    async with local_services(settings) as services:
        account_id = await account_id_named(services.engine, account)
        async with read_transaction(services.engine) as conn:
            group_id = None
            if group:
                named = await live_groups_named(conn, account_id=account_id, name=group)
                group_id = int(_only_group([str(g.id) for g in named], group))
            rows, _ = await backups_page(
                conn, account_id=account_id, group_id=group_id, first=limit, before=None
            )
    return [
        Listed(
            encode_id("Backup", r.id),
            r.id,
            r.group_name,
            r.reason,
            r.created_at.isoformat(),
            r.expires_at.isoformat(),
            r.recipient_count,
        )
        for r in rows[:limit]
    ]


def _only_group(found: list[str], name: str) -> str:
    if not found:
        raise CliError(f"no live group named {name!r}", EXIT_NOT_FOUND)
    if len(found) > 1:
        raise CliError(f"{len(found)} live groups are named {name!r}: {', '.join(found)}")
    return found[0]
