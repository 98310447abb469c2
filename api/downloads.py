"""Signed, short-lived download URLs for backup exports and files of rejects, and their routes.

Refusals are JSON like the API's (`{"errors": [{"message", "extensions": {"code"}}]}`):
403 DOWNLOAD_LINK_INVALID for a link we did not sign (or for another account),
410 DOWNLOAD_LINK_EXPIRED for one of ours past its time (read downloadUrl again),
404 NOT_FOUND for a backup purged or deleted since, or a file of rejects deleted since.
Each kind of link has its own salt: a backup's token never opens a job's file, nor the reverse.

With `LISTKEEPER_FILES_REDIRECT` and an S3 store, a stored file (a backup's materialised export,
a file of rejects) is answered, once the link is checked, by 307 to a presigned GET of its
object valid REDIRECT_SECONDS (S3 checks the time when the GET starts, so a long download goes
on). The object answers the headers stored with it; one stored without the headers the
download needs (or under another file name) is streamed through the app as before.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from api.export_cache import CSV_TYPE, backup_export_response
from storage.db import read_transaction
from storage.files import opened
from storage.jobs import JobRow, job_by_id
from storage.reads import GroupRow, groups_by_id
from storage.store.backup_reads import BackupRow, backup_by_id
from storage.store.exports import export_group_csv

SALT = "listkeeper.backup-download"
DOWNLOAD_PATH = "/downloads/backups/"
# A job's file of rejects (api/rejects.py signs its links).
REJECTS_SALT = "listkeeper.rejects-download"
REJECTS_PATH = "/downloads/rejects/"
# How long a presigned URL a download redirects to is valid: it is followed at once.
REDIRECT_SECONDS = 60.0


def download_token(
    *,
    secret: str,
    account_id: int,
    expires_at: datetime,
    backup_id: int | None = None,
    item_id: int | None = None,
    salt: str = SALT,
) -> str:
    """A token naming the account, the item (a backup by default) and the expiry, with an
    HMAC over all three."""
    item = backup_id if backup_id is not None else item_id
    if item is None:
        raise ValueError("a download token names a backup_id or an item_id")
    serializer = URLSafeSerializer(secret, salt=salt)
    return str(serializer.dumps([account_id, item, int(expires_at.timestamp())]))


def download_expiry(*, now: datetime, ttl: int) -> datetime:
    """When a URL read at `now` expires: `ttl` seconds after the start of its fixed window.

    Time is cut into windows of a third of `ttl` (300 s for 900): every read in one window
    signs the same expiry, hence gives the same URL (a client cache or an `<a href>` stays
    valid), and a URL has between two thirds of `ttl` and all of it left when it is read.
    """
    window = max(1, ttl // 3)
    start = int(now.timestamp()) // window * window
    return datetime.fromtimestamp(start + ttl, UTC)


def download_path(*, secret: str, account_id: int, backup_id: int, now: datetime, ttl: int) -> str:
    """The path of a signed URL that expires at `download_expiry(now=now, ttl=ttl)`."""
    token = download_token(
        secret=secret,
        account_id=account_id,
        backup_id=backup_id,
        expires_at=download_expiry(now=now, ttl=ttl),
    )
    return DOWNLOAD_PATH + token


class LinkExpired(Exception):
    """A link we signed, past its expiry."""

    def __init__(self, expired_at: datetime) -> None:
        super().__init__(expired_at)
        self.expired_at = expired_at


def read_token(
    *, secret: str, token: str, now: datetime, salt: str = SALT
) -> tuple[int, int] | None:
    """(account_id, item id) of a valid, unexpired token; None when we did not sign it.

    Raises LinkExpired for a token we signed whose time is up.
    """
    try:
        payload = URLSafeSerializer(secret, salt=salt).loads(token)
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
NO_STORE = {"Cache-Control": "no-store"}


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
    headers = {
        "Content-Disposition": f'attachment; filename="{export_filename(backup)}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    # A backup's state never changes (but for erasures): its export is written once and
    # served as a file from then on (api/export_cache.py).
    return await backup_export_response(
        request,
        engine=services.engine,
        files=services.files,
        backup=backup,
        headers=headers,
        redirect_seconds=REDIRECT_SECONDS if services.settings.files_redirect else None,
    )


def rejects_filename(job: JobRow) -> str:
    """A readable file name: the imported file's name, then `-rejects.csv`."""
    stem = (job.file_name or "").rsplit(".", 1)[0]
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:60] or f"import-{job.id}"
    return f"{safe}-rejects.csv"


def rejects_headers(job: JobRow) -> dict[str, str]:
    """The headers a job's file of rejects is served with: stored with it in the file store, so
    a presigned redirect (LISTKEEPER_FILES_REDIRECT) answers them too."""
    return {
        "Content-Type": CSV_TYPE,
        "Content-Disposition": f'attachment; filename="{rejects_filename(job)}"',
    }


async def download_rejects(request: Request) -> Response:
    """GET a job's file of rejects by its signed URL: 403 invalid (another account's too),
    410 expired, 404 when the file was deleted since (retention, erasure)."""
    services = request.app.state.services
    try:
        signed = read_token(
            secret=services.settings.signing_key,
            token=request.path_params["token"],
            now=services.clock.now(),
            salt=REJECTS_SALT,
        )
    except LinkExpired as expired:
        return refusal(
            410,
            "DOWNLOAD_LINK_EXPIRED",
            f"This download link expired at {expired.expired_at.isoformat()}: links last"
            f" {services.settings.download_url_ttl_seconds} seconds. Read the job's"
            " rejectedRowsUrl again for a new one.",
        )
    if signed is None:
        return refusal(*INVALID)
    account_id, job_id = signed
    async with read_transaction(services.engine) as conn:
        job = await job_by_id(conn, job_id=job_id, account_id=account_id)
    if job is None:
        return refusal(*INVALID)
    gone = refusal(404, "NOT_FOUND", "The file of rejected rows has expired or was deleted.")
    if job.rejects_key is None:
        return gone
    headers = rejects_headers(job)
    try:
        if services.settings.files_redirect:
            url = await services.files.presigned_url(
                job.rejects_key, headers=headers, expires_in=REDIRECT_SECONDS
            )
            if url is not None:
                return Response(status_code=307, headers={"Location": url, **NO_STORE})
        # Opened now: a file deleted while it streams is still read to its end.
        body = await opened(services.files, job.rejects_key)
    except FileNotFoundError:
        return gone
    return StreamingResponse(
        body,
        media_type=CSV_TYPE,
        headers={
            "Content-Disposition": headers["Content-Disposition"],
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


# A group's live export (Group.exportUrl): the group as it is when the link is opened.
EXPORT_SALT = "listkeeper.group-export"
EXPORT_PATH = "/downloads/groups/"


def export_link_expiry(*, now: datetime, ttl: int) -> datetime:
    """When a live export link read at `now` expires: on a grid of a quarter of `ttl`.

    Every read within one quarter gets the same link (stable for caches and for
    `exportUrl` and `exportUrlExpiresAt` read apart), and a link has at least three
    quarters of `ttl` left when it is read.
    """
    step = max(1, ttl // 4)
    issued = int(now.timestamp()) // step * step
    return datetime.fromtimestamp(issued + ttl, UTC)


def export_path(*, secret: str, account_id: int, group_id: int, expires_at: datetime) -> str:
    """The path of the signed live export link of a group."""
    token = download_token(
        secret=secret,
        account_id=account_id,
        item_id=group_id,
        expires_at=expires_at,
        salt=EXPORT_SALT,
    )
    return EXPORT_PATH + token


def live_export_filename(group: GroupRow, now: datetime) -> str:
    """A readable file name: group name, then the date and time of the export."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", group.name).strip("-")[:60] or "group"
    return f"{safe}-export-{now:%Y-%m-%d-%H%M%S}.csv"


async def download_group_export(request: Request) -> Response:
    """GET a group's live export by its signed URL: 403 when invalid, 410 when expired,
    404 when the group was deleted since (another account's group is not found either)."""
    services = request.app.state.services
    now = services.clock.now()
    try:
        signed = read_token(
            secret=services.settings.signing_key,
            token=request.path_params["token"],
            now=now,
            salt=EXPORT_SALT,
        )
    except LinkExpired as expired:
        return refusal(
            410,
            "DOWNLOAD_LINK_EXPIRED",
            f"This download link expired at {expired.expired_at.isoformat()}. Read the"
            " group's exportUrl again for a new one.",
        )
    if signed is None:
        return refusal(*INVALID)
    account_id, group_id = signed
    async with read_transaction(services.engine) as conn:
        found = await groups_by_id(conn, account_id=account_id, ids=[group_id])
    group = found.get(group_id)
    if group is None:
        return refusal(404, "NOT_FOUND", "This group was deleted.")
    return StreamingResponse(
        export_group_csv(services.engine, group.id),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{live_export_filename(group, now)}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
