"""Signed, short-lived download URLs of a group as of a moment, and the route that streams them.

The same CSV as a backup's download, from the same state-at-a-seq query: the token names the
account, the group, the moment (in microseconds) and the expiry, under a salt of its own (a
backup's token never opens a group, nor the reverse). The moment is checked again when the
link is opened, as a restore checks it when it runs. Refusals are those of `api.downloads`,
plus 400 INVALID_INPUT for a moment that left the retention period or whose history is gone.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from api.backups import GroupMoment, group_moment
from api.downloads import INVALID, LinkExpired, refusal
from api.errors import NotFound, UserFacingError
from storage.db import read_transaction
from storage.store.exports import export_state_csv

SALT = "listkeeper.group-as-of-download"
MOMENT_DOWNLOAD_PATH = "/downloads/as-of/"


def _micros(moment: datetime) -> int:
    return round(moment.timestamp() * 1_000_000)


def moment_download_path(
    *, secret: str, account_id: int, group_id: int, moment: datetime, now: datetime, ttl: int
) -> str:
    """The path of a signed URL of the group as of `moment`, valid `ttl` seconds from `now`."""
    expires = int((now + timedelta(seconds=ttl)).timestamp())
    token = URLSafeSerializer(secret, salt=SALT).dumps(
        [account_id, group_id, _micros(moment), expires]
    )
    return MOMENT_DOWNLOAD_PATH + str(token)


def read_moment_token(
    *, secret: str, token: str, now: datetime
) -> tuple[int, int, datetime] | None:
    """(account_id, group_id, moment) of a valid, unexpired token; None when we did not sign it.

    Raises LinkExpired for a token we signed whose time is up.
    """
    try:
        payload = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature:
        return None
    if not (
        isinstance(payload, list) and len(payload) == 4 and all(type(v) is int for v in payload)
    ):
        return None
    account_id, group_id, micros, expires = payload
    if now.timestamp() >= expires:
        raise LinkExpired(datetime.fromtimestamp(expires, UTC))
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    return account_id, group_id, moment


def moment_filename(moment: GroupMoment) -> str:
    """A readable file name: the group's name and the moment."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", moment.group_name).strip("-")[:60] or "group"
    return f"{safe}-as-of-{moment.moment:%Y-%m-%d-%H%M%S}.csv"


async def download_group_as_of(request: Request) -> Response:
    """GET a group's CSV as of a moment by its signed URL (403, 410, 404 as a backup's)."""
    services = request.app.state.services
    now = services.clock.now()
    try:
        signed = read_moment_token(
            secret=services.settings.signing_key, token=request.path_params["token"], now=now
        )
    except LinkExpired as expired:
        return refusal(
            410,
            "DOWNLOAD_LINK_EXPIRED",
            f"This download link expired at {expired.expired_at.isoformat()}. Read the"
            " group's downloadUrl(asOf) again for a new one.",
        )
    if signed is None:
        return refusal(*INVALID)
    account_id, group_id, when = signed
    try:
        async with read_transaction(services.engine) as conn:
            found = await group_moment(
                conn, account_id=account_id, group_id=group_id, moment=when, now=now
            )
    except NotFound:
        return refusal(404, "NOT_FOUND", "This group was deleted.")
    except UserFacingError as error:
        return refusal(400, error.code.value, error.message)
    body: AsyncIterator[bytes] = export_state_csv(
        services.engine, group_id=found.group_id, seq=found.seq, names=found.attribute_names
    )
    return StreamingResponse(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{moment_filename(found)}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
