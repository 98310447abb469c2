"""Health checks for load balancers and supervisors: `/healthz` and `/readyz`.

Both are plain routes beside /graphql, outside the token guard (which wraps /graphql
alone): a probe carries no token. Neither body holds a secret: only check names, `ok`
flags, a revision id and, on failure, a reason word or an exception's class name (the
message, which may name hosts or users, goes to the log only).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.services import Services
from storage.migrate import alembic_config

log = logging.getLogger("listkeeper")

HEALTHZ_PATH = "/healthz"
READYZ_PATH = "/readyz"
# Each check's limit: a probe must answer well within a load balancer's own timeout
# (commonly 5 s), and a database that takes longer than this for `SELECT 1` is not ready.
CHECK_TIMEOUT_SECONDS = 2.0
PROBE_BYTES = b"listkeeper readiness probe\n"
NO_STORE = {"cache-control": "no-store"}


@dataclass(frozen=True)
class Check:
    """One readiness check's outcome, as the body shows it."""

    ok: bool
    detail: dict[str, str]

    def body(self) -> dict[str, object]:
        """The check in the JSON body: `ok` and its details."""
        return {"ok": self.ok, **self.detail}


async def healthz(request: Request) -> Response:
    """Liveness: the process answers; nothing else is looked at."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def readyz(request: Request) -> Response:
    """Readiness: database, migrations and file store; 200 when all pass, else 503."""
    services: Services = request.app.state.services
    checks = await readiness(services)
    ready = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: check.body() for name, check in checks.items()},
    }
    return JSONResponse(body, status_code=200 if ready else 503, headers=NO_STORE)


async def readiness(services: Services) -> dict[str, Check]:
    """Every readiness check, run side by side, each within CHECK_TIMEOUT_SECONDS."""
    probes = {
        "database": _database(services),
        "migrations": _migrations(services),
        "files": _files(services),
    }
    outcomes = await asyncio.gather(*(_timed(name, probe) for name, probe in probes.items()))
    return dict(zip(probes, outcomes, strict=True))


async def _timed(name: str, probe: Awaitable[Check]) -> Check:
    """`probe`'s outcome, or a failed check when it raises or takes too long."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            return await probe
    except TimeoutError:
        log.warning("readiness check timed out", extra={"check": name})
        return Check(ok=False, detail={"reason": "timeout"})
    except Exception as error:
        log.warning("readiness check failed", extra={"check": name}, exc_info=True)
        return Check(ok=False, detail={"reason": _error_name(error)})


def _error_name(error: BaseException) -> str:
    """The class name of the driver's error (asyncpg's, sqlite3's), else of `error`."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        return type(error.orig).__name__
    return type(error).__name__


async def _database(services: Services) -> Check:
    async with services.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    return Check(ok=True, detail={})


@dataclass(frozen=True)
class Migrations:
    """What this code knows of the migrations: its head and every revision before it."""

    head: str
    known: frozenset[str]


@cache
def code_migrations() -> Migrations:
    """The migrations shipped with this code (read from their files once)."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return Migrations(head, frozenset(rev.revision for rev in script.walk_revisions()))


async def _migrations(services: Services) -> Check:
    """Ready at this code's head, or past it (a newer release migrated: migrations are
    additive, so this code keeps working); not ready before it or unmigrated."""
    async with services.engine.connect() as conn:
        found = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars()
        revisions = set(found.all())
    code = code_migrations()
    detail = {"revision": ",".join(sorted(revisions)), "head": code.head}
    if revisions == {code.head}:
        return Check(ok=True, detail={**detail, "state": "head"})
    if len(revisions) == 1 and not revisions & code.known:
        return Check(ok=True, detail={**detail, "state": "ahead"})
    return Check(ok=False, detail={**detail, "state": "behind" if revisions else "none"})


async def _files(services: Services) -> Check:
    """A small file saved through the file store and deleted again."""
    sent = False

    async def read(_size: int) -> bytes:
        nonlocal sent
        if sent:
            return b""
        sent = True
        return PROBE_BYTES

    key = await services.files.save(read, max_bytes=len(PROBE_BYTES))
    await services.files.delete(key)
    return Check(ok=True, detail={})
