"""The fast path of /graphql: a known, valid query answered without strawberry's view.

POST with a JSON body, or GET with the query's parameters (`query` or a persisted hash in
`extensions`, `variables`, `operationName`: what a client sends to let proxies cache).

Most requests are a small query the server has seen before (the web app's operations, sent
as text or as a persisted hash). For those, this path reads the body, parses it with orjson,
finds the document already parsed and validated in the schema's DocumentCache, admits it as
the persisted-documents extension would, runs graphql-core's execution directly with the
same context, executor, and read time limit as the normal path, and answers with orjson.

Everything else goes to the normal path (strawberry's view) unchanged, with the body it has
already read handed on: other methods and content types (multipart uploads, forms),
bodies that are not a JSON object with the usual fields, documents not yet parsed and
validated (the normal path does that once, then caches it), invalid documents, persisted
hashes that are unknown or refused, mutations and subscriptions, and any answer with an
error. A query answered with an error is therefore run a second time by the normal path,
which gives the answer (codes, masking, logging) exactly as it would have; queries have no
effects that a second run would repeat. So the answers of both paths are the same bytes
(tests/api/test_fast_path.py compares them).

The guard (authentication, body limits) and the request log stay in front of both paths.

Answers of the cacheable queries (the backups page) are kept by `response_cache.py` while the
account's version is unchanged (decision 27): a repeat is answered from memory. Those
registered documents are also compiled (`compiled_query.py`, decision 29): their `data` is
built from the page's read without graphql-core's execution, and whatever the compiled plan
does not answer exactly goes to `execute` as above.
"""

from __future__ import annotations

from collections.abc import Mapping
from inspect import isawaitable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
)
from graphql.execution import MiddlewareManager
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.execution import optimized_is_awaitable
from strawberry.schema._graphql_core import execution_context_class_kwargs

from api.graphql.compiled_query import CompiledQuery, compile_query
from api.graphql.context import Context
from api.graphql.loaders import Loaders
from api.graphql.persisted import requested_hash
from api.graphql.response_cache import MAX_BYTES, ResponseCache, cacheable_documents
from api.graphql.schema import ListkeeperSchema
from api.services import Services
from storage.db import read_deadline

JSON_HEADERS = (b"content-type", b"application/json")
# The sub-response strawberry hands get_context: ours never reads it, and the fast path
# would not send what a resolver set on it (none does), so it passes none.
NO_SUB_RESPONSE: Any = None


class Replay:
    """A receive that gives back the body already read, then the connection's own."""

    def __init__(self, body: bytes, receive: Receive) -> None:
        self.pending: Message | None = {"type": "http.request", "body": body, "more_body": False}
        self._receive = receive

    async def __call__(self) -> Message:
        message, self.pending = self.pending, None
        return message if message is not None else await self._receive()


def _json_post(scope: Scope) -> bool:
    if scope["method"] != "POST":
        return False
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value).split(b";", 1)[0].strip().lower() == b"application/json"
    return False


class FastGraphQL:
    """POST /graphql's ASGI app: the fast path when it applies, else `view` (strawberry)."""

    def __init__(self, view: GraphQL[Context, None], *, services: Services) -> None:
        self.view = view
        self.services = services
        schema = view.schema
        assert isinstance(schema, ListkeeperSchema)
        self.core_schema = schema._schema
        self.documents = schema.documents
        self.persisted = schema.persisted
        # What strawberry's Schema.execute passes to graphql-core's execute besides the request.
        self.execute_options: dict[str, Any] = {
            "root_value": None,
            "is_awaitable": optimized_is_awaitable,
            **execution_context_class_kwargs(schema.execution_context_class),
        }
        # The path applies only while no extension hooks into resolvers (none does today).
        self.enabled = not any(e._implements_resolve() for e in schema.get_extensions())
        self.answered = 0  # requests the fast path answered (the tests count them)
        # Compiled plans of the registered cacheable documents, by (text, operation name);
        # None: not compilable. `compiling` switches them (the tests compare both answers).
        self.compiled: dict[tuple[str, str | None], CompiledQuery | None] = {}
        self.compiling = True
        self.compiled_answers = 0  # requests a compiled plan answered
        # Answers of the backups page, kept while the account's version is the same.
        self.responses = ResponseCache(
            services.engine,
            cacheable_documents(self.persisted.trusted),
            entries=services.settings.response_cache_entries,
            max_bytes=MAX_BYTES,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.enabled and scope["type"] == "http" and scope["method"] == "GET":
            await self._get(scope, receive, send)
            return
        if not (self.enabled and scope["type"] == "http" and _json_post(scope)):
            await self.view(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":  # gone before its body ended
                await self.view(scope, _replayed(body, message, receive), send)
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        replay = Replay(body, receive)
        answer = await self._answer(scope, body, replay)
        if answer is None:
            await self.view(scope, replay, send)
            return
        await self._send(answer, send)

    async def _get(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A query sent as GET parameters (a persisted hash, cacheable by proxies): the fast
        path when it applies, else the view (GraphiQL's page too: it has no parameters)."""
        data = _get_parameters(scope)
        answer = await self._answer_data(scope, data, receive) if data is not None else None
        if answer is None:
            await self.view(scope, receive, send)
            return
        await self._send(answer, send)

    async def _send(self, answer: bytes, send: Send) -> None:
        self.answered += 1
        headers = [(b"content-length", str(len(answer)).encode()), JSON_HEADERS]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    async def _answer(self, scope: Scope, body: bytes, receive: Receive) -> bytes | None:
        """The response body of a request the fast path answers; None: the normal path's."""
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(data, dict):
            return None
        return await self._answer_data(scope, data, receive)

    async def _answer_data(
        self, scope: Scope, data: dict[str, Any], receive: Receive
    ) -> bytes | None:
        """The answer of a request's fields (a JSON body's, or GET's parameters); None: the
        normal path's."""
        query = self._document_text(data)
        if query is None:
            return None
        document = self.documents.valid(query)
        variables = data.get("variables")
        operation_name = data.get("operationName")
        if (
            document is None
            or not isinstance(variables, dict | None)
            or not isinstance(operation_name, str | None)
            or not _is_query(document, operation_name)
        ):
            return None
        account_id = scope.get("state", {}).get("account_id", 0)
        key = self.responses.key(
            account_id=account_id, query=query, operation_name=operation_name, variables=variables
        )
        version = 0
        if key is not None:
            try:
                with read_deadline(self.services.settings.query_time_limit_seconds):
                    version = await self.responses.version(account_id)
            except Exception:
                return None
            kept = self.responses.get(key, version)
            if kept is not None:
                return kept
        context = await self.view.get_context(Request(scope, receive), NO_SUB_RESPONSE)
        if key is not None:
            # The account as the database has it now, not as the account cache kept it
            # (another process's write shows there only after LISTKEEPER_TOKEN_CACHE_SECONDS):
            # the answer is kept with a version read before this read.
            context.loaders = Loaders.for_request(self.services.engine, account_id)
        answer = await self._compiled_answer(query, document, data, context)
        if answer is not None:
            if key is not None:
                self.responses.put(key, version, answer)
            return answer
        try:
            with read_deadline(self.services.settings.query_time_limit_seconds):
                result = execute(
                    self.core_schema,
                    document,
                    middleware=MiddlewareManager(),
                    variable_values=variables,
                    operation_name=operation_name,
                    context_value=context,
                    **self.execute_options,
                    operation_extensions=data.get("extensions"),
                )
                if isawaitable(result):
                    result = await result
        except Exception:
            return None
        if not isinstance(result, ExecutionResult) or result.errors:
            return None
        answer = orjson.dumps({"data": result.data})
        if key is not None:
            self.responses.put(key, version, answer)
        return answer

    async def _compiled_answer(
        self, query: str, document: DocumentNode, data: dict[str, Any], context: Context
    ) -> bytes | None:
        """The answer of the document's compiled plan; None: graphql-core's execution answers
        (with the same context: its loaders hold what the plan read, as execution reads it)."""
        operation_name = data.get("operationName")
        compiled = self._compiled_plan(query, document, operation_name) if self.compiling else None
        if compiled is None:
            return None
        try:
            with read_deadline(self.services.settings.query_time_limit_seconds):
                answer = orjson.dumps({"data": await compiled.data(context, data.get("variables"))})
        except Exception:
            return None
        self.compiled_answers += 1
        return answer

    def _compiled_plan(
        self, query: str, document: DocumentNode, operation_name: str | None
    ) -> CompiledQuery | None:
        """The compiled plan of a registered cacheable document's operation, else None."""
        if query not in self.responses.documents:
            return None
        key = (query, operation_name)
        if key not in self.compiled:
            self.compiled[key] = compile_query(self.core_schema, document, operation_name)
        return self.compiled[key]

    def _document_text(self, data: Mapping[str, Any]) -> str | None:
        """The text the request runs, admitted as PersistedQueries admits it; else None."""
        query, extensions = data.get("query"), data.get("extensions")
        if not isinstance(query, str | None) or not isinstance(extensions, dict | None):
            return None
        try:
            sha256 = requested_hash(extensions)
            if query:
                self.persisted.admit(query, sha256)
                return query
        except GraphQLError:
            return None
        if sha256 is None:
            return None
        found: str | None = self.persisted.find(sha256)
        return found


def _get_parameters(scope: Scope) -> dict[str, Any] | None:
    """GET's `query`, `operationName`, `variables` and `extensions` (the last two JSON), as
    strawberry reads them; None when there are none, a name repeats or the JSON is not."""
    pairs = parse_qsl(bytes(scope["query_string"]).decode("latin-1"), keep_blank_values=True)
    fields = dict(pairs)
    if len(fields) != len(pairs) or not ({"query", "extensions"} & fields.keys()):
        return None
    data: dict[str, Any] = dict(fields)
    try:
        for name in ("variables", "extensions"):
            if name in data:
                data[name] = orjson.loads(data[name])
    except orjson.JSONDecodeError:
        return None
    return data


def _is_query(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation the request names (or the only one) is a query."""
    operation = get_operation_ast(document, operation_name)
    return operation is not None and operation.operation is OperationType.QUERY


def _replayed(body: bytes, message: Message, receive: Receive) -> Receive:
    """A receive that gives the body read so far, then `message`, then the connection's."""
    pending: list[Message] = [message, {"type": "http.request", "body": body, "more_body": True}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay
