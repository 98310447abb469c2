"""Logs: ids and durations on every line, nothing secret or personal in any of them."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import orjson
import pytest
from starlette.types import Message, Receive, Scope, Send
from strawberry import relay

from api.downloads import DOWNLOAD_PATH
from api.logs import (
    HANDLER_NAME,
    ContextFilter,
    JSONFormatter,
    ReadableFormatter,
    RedactFilter,
    bind_job,
    configure_logging,
    logged_path,
    request_id_var,
    request_logging,
)
from api.settings import Settings
from tests.client import GraphQLClient

SECRET_CSV = b"email,first name\nsecret.person@example.com,Ann\n"
VIEWER = "{ viewer { id } }"


@pytest.fixture
def json_logging() -> Iterator[None]:
    """Our logging set up as in production (JSON lines); the root logger restored after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    access = logging.getLogger("uvicorn.access")
    access_disabled = access.disabled
    configure_logging(Settings(env="test", log_json=True))
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
    access.disabled = access_disabled


def node_id(global_id: str) -> int:
    """The database id inside a relay global ID."""
    return int(relay.GlobalID.from_id(global_id).node_id)


def wait_for_record(
    caplog: pytest.LogCaptureFixture, match: Callable[[logging.LogRecord], bool]
) -> logging.LogRecord:
    """The first captured record that matches, waiting for the server thread to write it."""
    deadline = time.monotonic() + 30
    while True:
        found = [r for r in caplog.records if match(r)]
        if found:
            return found[0]
        assert time.monotonic() < deadline, "no such log record"
        time.sleep(0.02)


def access_record(
    caplog: pytest.LogCaptureFixture, *, path: str, status: int | None = None
) -> logging.LogRecord:
    """The access line for `path` (and `status`)."""
    return wait_for_record(
        caplog,
        lambda r: (
            r.name == "listkeeper.access"
            and getattr(r, "path", None) == path
            and status in (None, getattr(r, "status", None))
        ),
    )


def has_request_id(request_id: str) -> Callable[[logging.LogRecord], bool]:
    """A record test: written during the request of this id."""
    return lambda record: getattr(record, "request_id", None) == request_id


def formatted(records: list[logging.LogRecord]) -> list[str]:
    """Every record as both formatters write it."""
    return [f.format(r) for r in records for f in (JSONFormatter(), ReadableFormatter())]


async def idle() -> Message:
    """An ASGI receive for apps that read no body."""
    return {"type": "http.disconnect"}


async def idle_send(message: Message) -> None:
    """An ASGI send that drops what it is given."""


def test_import_logs_carry_ids_and_no_address_or_token(
    client: GraphQLClient,
    json_logging: None,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    account_id = node_id(client.execute(VIEWER)["viewer"]["id"])
    with caplog.at_level(logging.INFO):
        job = client.import_file(SECRET_CSV, groupName="G")
        assert job["status"] == "SUCCEEDED", job
        job_id = node_id(job["id"])
        # The worker logs the claim first (with how it was woken), then the outcome.
        job_line = wait_for_record(
            caplog,
            lambda r: getattr(r, "job_id", None) == job_id and r.getMessage() != "job claimed",
        )
    access = access_record(caplog, path="/graphql", status=200)
    assert access.method == "POST"  # type: ignore[attr-defined]
    assert re.fullmatch(r"[0-9a-f]{32}", access.request_id)  # type: ignore[attr-defined]
    assert access.account_id == account_id  # type: ignore[attr-defined]
    assert job_line.getMessage() == "job succeeded"
    assert isinstance(job_line.duration_ms, int)  # type: ignore[attr-defined]
    written = capsys.readouterr().err.splitlines()
    assert any(f'"job_id":{job_id}' in line for line in written), written
    for line in formatted(caplog.records) + written:
        for secret in ("secret.person", "example.com", str(client.token), "Bearer"):
            assert secret not in line, line


def test_redact_filter_masks_message_and_string_extras() -> None:
    record = logging.makeLogRecord(
        {
            "msg": "sent %s to %s",
            "args": ("lk_Ab-9_zZ", "ann.lee@example.com"),
            "note": "Authorization: Bearer abc.DEF from bob@x.io",
            "count": 3,
        }
    )
    assert RedactFilter().filter(record)
    assert record.getMessage() == "sent lk_*** to ***@***"
    assert record.note == "Authorization: Bearer *** from ***@***"  # type: ignore[attr-defined]
    assert record.count == 3  # type: ignore[attr-defined]


def test_formatters_mask_exceptions_and_non_string_extras() -> None:
    try:
        raise ValueError("duplicate key ann@example.com")
    except ValueError:
        record = logging.makeLogRecord({"msg": "failed", "rows": ["bob@example.com"]})
        record.exc_info = sys.exc_info()
    line = orjson.loads(JSONFormatter().format(record))
    assert line["rows"] == "['***@***']"
    assert "ann@example.com" not in line["exc"]
    assert "***@***" in line["exc"]
    assert "example.com" not in ReadableFormatter().format(record)


def test_json_formatter_writes_one_parsable_object_with_the_context() -> None:
    record = logging.makeLogRecord(
        {"name": "listkeeper.worker", "levelno": logging.INFO, "levelname": "INFO"}
        | {"msg": "job succeeded", "kind": "IMPORT", "duration_ms": 41}
    )
    with bind_job(3, account_id=1):
        assert ContextFilter().filter(record)
    text = JSONFormatter().format(record)
    assert "\n" not in text
    line = orjson.loads(text)
    assert line | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "listkeeper.worker",
        "message": "job succeeded",
        "kind": "IMPORT",
        "duration_ms": 41,
        "account_id": 1,
        "job_id": 3,
    }
    assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)


def test_readable_formatter_writes_fields_after_the_message() -> None:
    record = logging.makeLogRecord(
        {"name": "listkeeper.worker", "levelno": logging.INFO, "levelname": "INFO"}
        | {"msg": "job succeeded", "job_id": 3, "account_id": 1, "note": "two words"}
    )
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d INFO  listkeeper\.worker job succeeded"
        r' job_id=3 account_id=1 note="two words"',
        ReadableFormatter().format(record),
    )


def test_bind_job_ends_with_its_block() -> None:
    with bind_job(5):
        inside = logging.makeLogRecord({})
        ContextFilter().filter(inside)
    after = logging.makeLogRecord({})
    ContextFilter().filter(after)
    assert inside.job_id == 5  # type: ignore[attr-defined]
    assert not hasattr(after, "job_id")


def test_request_id_is_echoed_or_generated(
    client: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = {"query": VIEWER}
    with caplog.at_level(logging.INFO, logger="listkeeper.access"):
        echoed = client.http.post("/graphql", json=body, headers={"X-Request-ID": "abc-123.x_Y"})
        made = [client.http.post("/graphql", json=body) for _ in range(2)]
        refused = client.http.post("/graphql", json=body, headers={"X-Request-ID": "a@b c"})
        ids = [r.headers["x-request-id"] for r in [*made, refused]]
        for request_id in ["abc-123.x_Y", *ids]:
            wait_for_record(caplog, has_request_id(request_id))
    assert echoed.headers["x-request-id"] == "abc-123.x_Y"
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert len(set(ids)) == 3


def test_unauthenticated_request_is_logged_without_account(
    client: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="listkeeper.access"):
        response = client.http.post(
            "/graphql", json={"query": VIEWER}, headers={"Authorization": "Bearer lk_wrong"}
        )
        record = access_record(caplog, path="/graphql", status=401)
    assert response.headers["x-request-id"] == record.request_id  # type: ignore[attr-defined]
    assert not hasattr(record, "account_id")


def test_query_string_and_download_token_are_not_logged(
    client: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="listkeeper.access"):
        got = client.http.get("/graphql", params={"query": VIEWER, "variables": '{"e":"q@x.io"}'})
        download = client.http.get(DOWNLOAD_PATH + "signed.tokenvalue?x=querysecret")
        access_record(caplog, path="/graphql", status=200)
        access_record(caplog, path=DOWNLOAD_PATH + "<redacted>")
    assert got.status_code == 200
    assert download.status_code >= 400
    for line in formatted(caplog.records):
        for secret in ("viewer", "q@x.io", "tokenvalue", "querysecret"):
            assert secret not in line, line


def test_logged_path_redacts_download_tokens_and_caps_length() -> None:
    assert logged_path(DOWNLOAD_PATH + "eyJhIjoxfQ.sig") == "/downloads/backups/<redacted>"
    assert logged_path("/graphql") == "/graphql"
    assert len(logged_path("/" + "a" * 5000)) == 200


def test_failing_request_is_logged_as_500_and_the_error_keeps_its_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    async def call() -> logging.LogRecord:
        scope = {"type": "http", "method": "GET", "path": "/x", "headers": []}
        with pytest.raises(RuntimeError):
            await request_logging(broken)(scope, idle, idle_send)
        # What the server's "Exception in ASGI application" line gets, written next.
        server_line = logging.makeLogRecord({})
        ContextFilter().filter(server_line)
        return server_line

    with caplog.at_level(logging.INFO, logger="listkeeper.access"):
        server_line = asyncio.run(call())
    (access,) = caplog.records
    assert access.status == 500  # type: ignore[attr-defined]
    assert server_line.request_id == access.request_id  # type: ignore[attr-defined]


def test_request_context_ends_with_the_request_and_other_scopes_pass_through(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[Scope] = []
    sent: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

    async def collect(message: Message) -> None:
        sent.append(message)

    async def call() -> str | None:
        logged = request_logging(app)
        await logged({"type": "http", "method": "GET", "path": "/", "headers": []}, idle, collect)
        await logged({"type": "lifespan"}, idle, collect)
        return request_id_var.get()

    with caplog.at_level(logging.INFO, logger="listkeeper.access"):
        assert asyncio.run(call()) is None
    assert [s["type"] for s in seen] == ["http", "lifespan"]
    (access,) = caplog.records
    request_id: str = vars(access)["request_id"]
    assert sent[0]["headers"] == [(b"x-request-id", request_id.encode())]


def test_configure_logging_twice_keeps_one_handler(json_logging: None) -> None:
    configure_logging(Settings(env="test", log_json=False))
    ours = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
    assert len(ours) == 1
    assert isinstance(ours[0].formatter, ReadableFormatter)
    assert logging.getLogger("uvicorn.access").disabled
