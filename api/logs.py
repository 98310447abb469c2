"""Structured logs: one JSON object a line in production, readable lines in development.

Every line carries the request id, account id and job id of the work that wrote it (from
context variables), and passes through a redaction net: email addresses, API tokens and
bearer values are masked whatever logger wrote them. Headers, bodies and query strings are
never logged.
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.downloads import DOWNLOAD_PATH, REJECTS_PATH
from api.settings import Settings

HANDLER_NAME = "listkeeper"
REQUEST_ID_HEADER = b"x-request-id"
REDACTED_PATH = DOWNLOAD_PATH + "<redacted>"
MAX_PATH_CHARS = 200

access_log = logging.getLogger("listkeeper.access")
# Request ids: uuid4 per request cost a urandom call each (1.6% of a small operation's CPU).
_PROCESS_ID = secrets.token_hex(8)
_REQUEST_COUNT = itertools.count(1)

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
account_id_var: ContextVar[int | None] = ContextVar("account_id", default=None)
job_id_var: ContextVar[int | None] = ContextVar("job_id", default=None)

EMAIL = re.compile(r"[^\s@\"'<>(),;:\[\]\\]+@[^\s@\"'<>(),;:\[\]\\]*")
API_TOKEN = re.compile(r"\blk_[A-Za-z0-9_-]+")
BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+")
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# Attributes every LogRecord has: anything else on a record came from `extra` or our filters.
# uvicorn's `color_message` is the same text with ANSI colours: noise in a log file.
RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


def redact(text: str) -> str:
    """`text` with email addresses, API tokens and bearer values masked."""
    text = BEARER.sub(r"\1 ***", text)
    text = API_TOKEN.sub("lk_***", text)
    return EMAIL.sub("***@***", text)


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a record carries beyond the standard ones (extras, context)."""
    return {k: v for k, v in vars(record).items() if k not in RECORD_FIELDS}


@contextmanager
def bind_job(job_id: int, *, account_id: int | None = None) -> Iterator[None]:
    """Tag every log line written inside the block with `job_id` (and `account_id`)."""
    job_token = job_id_var.set(job_id)
    account_token = account_id_var.set(account_id) if account_id is not None else None
    try:
        yield
    finally:
        if account_token is not None:
            account_id_var.reset(account_token)
        job_id_var.reset(job_token)


def bind_account(account_id: int) -> None:
    """Tag the rest of the current request's log lines with `account_id`."""
    account_id_var.set(account_id)


class ContextFilter(logging.Filter):
    """Adds the current request id, account id and job id to each record that lacks them."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in (
            ("request_id", request_id_var),
            ("account_id", account_id_var),
            ("job_id", job_id_var),
        ):
            value = var.get()
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        return True


class RedactFilter(logging.Filter):
    """Masks addresses and tokens in the final message and in string extra fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg = redact(record.getMessage())
            record.args = None
        except Exception:
            # A bad format call: leave it for the handler's error report, never raise into
            # the caller. The formatter redacts whatever it then manages to render.
            pass
        for name, value in extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, name, redact(value))
        return True


def _plain(value: Any) -> Any:
    # JSON scalars stay as they are; anything else becomes redacted text, since its str()
    # was never seen by the filter.
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else str(value))


class JSONFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, context and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name, value in extra_fields(record).items():
            line.setdefault(name, _plain(value))
        if record.exc_info:
            line["exc"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            line["stack"] = redact(self.formatStack(record.stack_info))
        return orjson.dumps(line).decode()


class ReadableFormatter(logging.Formatter):
    """`12:00:00 INFO  listkeeper.worker job succeeded job_id=3 duration_ms=41`."""

    def format(self, record: logging.LogRecord) -> str:
        clock = time.strftime("%H:%M:%S", time.localtime(record.created))
        fields = "".join(f" {k}={_readable(v)}" for k, v in extra_fields(record).items())
        text = f"{clock} {record.levelname:<5} {record.name} {record.getMessage()}{fields}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            text += "\n" + self.formatStack(record.stack_info)
        return redact(text)


def _readable(value: Any) -> str:
    text = str(value)
    return text if text and not any(c.isspace() or c == '"' for c in text) else _quoted(text)


def _quoted(text: str) -> str:
    return orjson.dumps(text).decode()


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is at the time of each line."""

    # Looked up per line so a handler made before pytest (or anything else) swaps stderr never
    # writes to a stream that has since been closed.
    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass

    def handleError(self, record: logging.LogRecord) -> None:
        """Report a line that could not be written without printing its arguments."""
        # logging's own report prints the message and its arguments raw, past the redaction.
        where = f"{record.pathname}:{record.lineno}"
        sys.stderr.write(f"logging error: a line from {where} could not be formatted\n")


def build_handler(*, json_lines: bool) -> logging.Handler:
    """Our stderr handler: context, then redaction, then the chosen format."""
    handler = StderrHandler()
    handler.set_name(HANDLER_NAME)
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactFilter())
    handler.setFormatter(JSONFormatter() if json_lines else ReadableFormatter())
    return handler


def configure_logging(settings: Settings) -> None:
    """Set up the root logger for `settings` (again: replaces our handler, adds none)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    root.addHandler(build_handler(json_lines=settings.json_logs))
    root.setLevel(logging.INFO)
    # Our access line replaces uvicorn's, which would also log the query string.
    logging.getLogger("uvicorn.access").disabled = True


def logged_path(path: str) -> str:
    """The request path as logged: download tokens redacted, length capped."""
    if path.startswith(DOWNLOAD_PATH):
        return REDACTED_PATH
    if path.startswith(REJECTS_PATH):
        return REJECTS_PATH + "<redacted>"
    return path[:MAX_PATH_CHARS]


def new_request_id() -> str:
    """32 hex digits, unique: this process's random half, then a count (no system call)."""
    return f"{_PROCESS_ID}{next(_REQUEST_COUNT):016x}"


def incoming_request_id(scope: Scope) -> str | None:
    """The client's `X-Request-ID` if it is a short plain token, else None."""
    for name, value in scope.get("headers", []):
        if name.lower() == REQUEST_ID_HEADER:
            text = value.decode("latin-1")
            return text if SANE_REQUEST_ID.fullmatch(text) else None
    return None


def _with_request_id(message: Message, request_id: str) -> Message:
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER]
    return {**message, "headers": [*headers, (REQUEST_ID_HEADER, request_id.encode())]}


class RequestLogging:
    """Gives each HTTP request an id (echoed in `X-Request-ID`) and logs one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or new_request_id()
        tokens = (request_id_var.set(request_id), account_id_var.set(None))
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = _with_request_id(message, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._log_access(scope, status, started)
        # Reset only on success: on an error the server's traceback line, written next in this
        # same context, then still carries the request id.
        request_id_var.reset(tokens[0])
        account_id_var.reset(tokens[1])

    def _log_access(self, scope: Scope, status: int, started: float) -> None:
        account_id = scope.get("state", {}).get("account_id") or account_id_var.get()
        fields: dict[str, Any] = {
            "method": scope["method"],
            "path": logged_path(scope["path"]),
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000),
            "request_id": request_id_var.get(),
        }
        if account_id:
            fields["account_id"] = account_id
        access_log.info("request", extra=fields)


def request_logging(app: ASGIApp) -> ASGIApp:
    """Wrap the app so that every request is logged once with its id and duration."""
    return RequestLogging(app)
