"""Persisted documents: a client may send a document's hash instead of its text.

The protocol is Apollo's automatic persisted queries: `extensions.persistedQuery.sha256Hash`
(hex, with or without codegen's `sha256:` prefix) and no `query`. A hash the server knows
runs its document; an unknown one gets `PERSISTED_QUERY_NOT_FOUND` (message
"PersistedQueryNotFound"), and the client retries with the text and the hash, which
registers it (checked: the hash must be the text's SHA-256).

The trusted documents, frontend-contract/persisted-documents.json (the web app's operations,
hashed as graphql-codegen does, api/graphql/persisted_manifest.py), are known from the start.
With LISTKEEPER_TRUSTED_DOCUMENTS_ONLY (production) they are the only documents that run:
any other text is refused with `DOCUMENT_NOT_REGISTERED` and nothing is registered.
This applies over HTTP and WebSocket alike: the check is a schema extension.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from api.errors import RequestErrorCode
from api.graphql.persisted_manifest import HASH_PREFIX, MANIFEST

# Documents learnt through the protocol (trusted ones do not count): the oldest is forgotten.
MAX_LEARNT_DOCUMENTS = 1000


def text_hash(query: str) -> str:
    """The hex SHA-256 of a document's text, as clients compute it."""
    return hashlib.sha256(query.encode()).hexdigest()


def read_manifest(path: Path) -> dict[str, str]:
    """A manifest's documents by hex hash (no prefix); empty when the file is absent."""
    if not path.exists():
        return {}
    documents: dict[str, str] = orjson.loads(path.read_bytes())
    return {key.removeprefix(HASH_PREFIX): text for key, text in documents.items()}


class PersistedDocuments:
    """The documents a hash may stand for: the trusted ones, and (unless trusted only) learnt ones."""

    def __init__(self, trusted: Mapping[str, str], *, trusted_only: bool) -> None:
        self.trusted = dict(trusted)
        self.trusted_texts = frozenset(self.trusted.values())
        self.trusted_only = trusted_only
        self.learnt: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def from_file(cls, path: Path | None, *, trusted_only: bool) -> PersistedDocuments:
        """The documents of the manifest at `path` (the contract's when None)."""
        return cls(read_manifest(path or MANIFEST), trusted_only=trusted_only)

    def find(self, sha256: str) -> str | None:
        """The text of the document with this hash, if known."""
        found = self.trusted.get(sha256)
        if found is None and not self.trusted_only:
            found = self.learnt.get(sha256)
        return found

    def admit(self, query: str, sha256: str | None) -> None:
        """Let `query` run (sent with its hash, or not): learn it, or refuse (GraphQLError)."""
        if sha256 is None:
            if self.trusted_only and query not in self.trusted_texts:
                raise _not_registered()
            return
        if self.find(sha256) != query and text_hash(query) != sha256:
            raise GraphQLError(
                "The persisted query's hash is not the SHA-256 of its text.",
                extensions={"code": RequestErrorCode.PERSISTED_QUERY_INVALID.value},
            )
        if sha256 in self.trusted:
            return
        if self.trusted_only:
            raise _not_registered()
        self._learn(sha256, query)

    def _learn(self, sha256: str, query: str) -> None:
        self.learnt[sha256] = query
        self.learnt.move_to_end(sha256)
        while len(self.learnt) > MAX_LEARNT_DOCUMENTS:
            self.learnt.popitem(last=False)


def requested_hash(extensions: Mapping[str, Any] | None) -> str | None:
    """The lower-case hex hash of `extensions.persistedQuery`, if the request has one."""
    persisted = (extensions or {}).get("persistedQuery")
    if not isinstance(persisted, dict):
        return None
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str):
        raise GraphQLError(
            "extensions.persistedQuery.sha256Hash must be a string.",
            extensions={"code": RequestErrorCode.PERSISTED_QUERY_INVALID.value},
        )
    return sha256.removeprefix(HASH_PREFIX).lower()


def _not_registered() -> GraphQLError:
    return GraphQLError(
        "Only registered documents run on this server: send one of the web app's operations"
        " (frontend-contract/persisted-documents.json) or its hash.",
        extensions={"code": RequestErrorCode.DOCUMENT_NOT_REGISTERED.value},
    )


class PersistedQueries(SchemaExtension):
    """Finds the document of a hash-only request; admits (or refuses) every other text."""

    def __init__(self, documents: PersistedDocuments) -> None:
        self.documents = documents

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        sha256 = requested_hash(context.operation_extensions)
        if context.query:
            self.documents.admit(context.query, sha256)
        elif sha256 is not None:
            found = self.documents.find(sha256)
            if found is None:
                # Apollo clients look for this exact message to retry with the text.
                raise GraphQLError(
                    "PersistedQueryNotFound",
                    extensions={"code": RequestErrorCode.PERSISTED_QUERY_NOT_FOUND.value},
                )
            context.query = found
        yield
