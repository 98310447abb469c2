"""Answers of the cacheable queries, kept while the account's version stays the same.

A query is cacheable when its document is one of the registered documents (the frontend
contract's manifest) whose operation is in `CACHEABLE_OPERATIONS`, sent as that exact text
or as its hash. Its answer is kept by (account, document hash, operation name, variables as
canonical JSON) with the account's version (`storage.account_changes`) read BEFORE the query
ran: a change that commits while it runs makes a newer version, so the kept answer is served
up to the next change and never past it. Database triggers bump the version on any write to
what the page shows, through any process, so invalidation needs no code in the write paths.

Only answers without errors are kept (the fast path answers no other). Bounded by entries
(LISTKEEPER_RESPONSE_CACHE_ENTRIES, 0: off) and by `MAX_BYTES`, least recently used first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import OperationDefinitionNode, parse
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.account_changes import account_version
from storage.db import read_transaction

# Operations whose answer depends only on the account's rows in account, recipient_group,
# backup (the triggers' tables) and on immutable facts (a backup's job: id, kind, fileName
# are set when the job is queued and its backup_id with the backup, in one transaction).
CACHEABLE_OPERATIONS = frozenset({"BackupsPage"})
MAX_BYTES = 32 * 1024 * 1024

Key = tuple[int, str, str | None, bytes]


def cacheable_documents(trusted: Mapping[str, str]) -> dict[str, str]:
    """Registered texts (by hash) whose operations include a cacheable one: text -> hash."""
    found: dict[str, str] = {}
    for sha256, text in trusted.items():
        names = {
            d.name.value
            for d in parse(text).definitions
            if isinstance(d, OperationDefinitionNode) and d.name is not None
        }
        if names & CACHEABLE_OPERATIONS:
            found[text] = sha256
    return found


@dataclass(frozen=True)
class Kept:
    """An answer and the account version read before it was made."""

    version: int
    body: bytes


class ResponseCache:
    """Kept answers of one process, least recently used forgotten first."""

    def __init__(
        self, engine: AsyncEngine, documents: Mapping[str, str], *, entries: int, max_bytes: int
    ) -> None:
        self.engine = engine
        self.documents = dict(documents)
        self.entries, self.max_bytes = entries, max_bytes
        self.kept: OrderedDict[Key, Kept] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0  # cacheable requests run (the tests count them)

    def key(
        self,
        *,
        account_id: int,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> Key | None:
        """The request's key, or None when it is not cacheable (or the cache is off)."""
        if self.entries == 0 or account_id <= 0:
            return None
        sha256 = self.documents.get(query)
        if sha256 is None:
            return None
        try:
            canonical = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return None
        return (account_id, sha256, operation_name, canonical)

    async def version(self, account_id: int) -> int:
        """The account's version now (one indexed read)."""
        async with read_transaction(self.engine) as conn:
            return await account_version(conn, account_id=account_id)

    def get(self, key: Key, version: int) -> bytes | None:
        """The answer kept for `key` at exactly `version`, else None."""
        kept = self.kept.get(key)
        if kept is None or kept.version != version:
            self.misses += 1
            return None
        self.kept.move_to_end(key)
        self.hits += 1
        return kept.body

    def put(self, key: Key, version: int, body: bytes) -> None:
        """Keep `body`, made from data at least as new as `version`."""
        if len(body) > self.max_bytes:
            return
        old = self.kept.get(key)
        if old is not None:
            if old.version > version:  # a request that started later kept a newer one
                return
            self.bytes -= len(old.body)
            del self.kept[key]
        self.kept[key] = Kept(version, body)
        self.bytes += len(body)
        while len(self.kept) > self.entries or self.bytes > self.max_bytes:
            _, gone = self.kept.popitem(last=False)
            self.bytes -= len(gone.body)
