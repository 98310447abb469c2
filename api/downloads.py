"""Signed, short-lived download URLs for backup exports, and the route that streams them.

Refusals are JSON like the API's (`{"errors": [{"message", "extensions": {"code"}}]}`):
403 DOWNLOAD_LINK_INVALID for a link we did not sign (or for another account),
410 DOWNLOAD_LINK_EXPIRED for one of ours past its time (read downloadUrl again),
404 NOT_FOUND for a backup purged or deleted since.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from storage.db import read_transaction
from storage.store.backup_reads import BackupRow, backup_by_id
from storage.store.exports import export_backup_csv

SALT = "listkeeper.backup-download"
DOWNLOAD_PATH = "/downloads/backups/"


def download_token(*, secret: str, account_id: int, backup_id: int, expires_at: datetime) -> str:
    """A token naming the account, the backup and the expiry, with an HMAC over all three."""
    serializer = URLSafeSerializer(secret, salt=SALT)
    return str(serializer.dumps([account_id, backup_id, int(expires_at.timestamp())]))


def download_path(*, secret: str, account_id: int, backup_id: int, now: datetime, ttl: int) -> str:
    """The path of a signed URL valid for `ttl` seconds from `now`."""
    token = download_token(
        secret=secret,
        account_id=account_id,
        backup_id=backup_id,
        expires_at=now + timedelta(seconds=ttl),
    )
    return DOWNLOAD_PATH + token


class LinkExpired(Exception):
    """A link we signed, past its expiry."""

    def __init__(self, expired_at: datetime) -> None:
        super().__init__(expired_at)
        self.expired_at = expired_at


def read_token(*, secret: str, token: str, now: datetime) -> tuple[int, int] | None:
    """(account_id, backup_id) of a valid, unexpired token; None when we did not sign it.

    Raises LinkExpired for a token we signed whose time is up.
    """
    try:
        payload = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    if not (
        isinstance(payload, list) and len(payload) == 3 and all(isinstance(v, int) for v in payload)
    ):
        return None
    account_id, backup_id, expires = payload
    if now.timestamp() >= expires:
        raise LinkExpired(datetime.fromtimestamp(expires, UTC))
    return account_id, backup_id


def refusal(status: int, code: str, message: str) -> Response:
    """A JSON refusal shaped like the API's errors."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


INVALID = (403, "DOWNLOAD_LINK_INVALID", "This download link is not valid.")


def export_filename(backup: BackupRow) -> str:
    """A readable file name: group name, date and time of the backup."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", backup.group_name).strip("-")[:60] or "group"
    return f"{safe}-backup-{backup.created_at:%Y-%m-%d-%H%M%S}.csv"


async def download_backup(request: Request) -> Response:
    """GET a backup's CSV by its signed URL: 403 when invalid, 410 when expired, 404 when purged."""
    services = request.app.state.services
    try:
        signed = read_token(
            secret=services.settings.signing_key,
            token=request.path_params["token"],
            now=services.clock.now(),
        )
    except LinkExpired as expired:
        return refusal(
            410,
            "DOWNLOAD_LINK_EXPIRED",
            f"This download link expired at {expired.expired_at.isoformat()}: links last"
            f" {services.settings.download_url_ttl_seconds} seconds. Read the backup's"
            " downloadUrl again for a new one.",
        )
    if signed is None:
        return refusal(*INVALID)
    account_id, backup_id = signed
    async with read_transaction(services.engine) as conn:
        backup = await backup_by_id(conn, backup_id=backup_id)
    if backup is None:
        return refusal(404, "NOT_FOUND", "This backup has expired or was deleted.")
    if backup.account_id != account_id:
        return refusal(*INVALID)
    body: AsyncIterator[bytes] = export_backup_csv(services.engine, backup)
    return StreamingResponse(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{export_filename(backup)}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
