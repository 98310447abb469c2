"""Use-case: erase a person's address everywhere in an account, backups included."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from api.errors import InvalidInput
from storage.codec import normalise_email
from storage.db import write_transaction
from storage.store.erasure import Erasure, erase_address


async def erase_recipient(*, engine: AsyncEngine, account_id: int, email: str) -> Erasure:
    """Remove the address from every group and every backup of the account, at once.

    Any spelling finds it: the address is compared in its canonical form (NFC, lower-case,
    Unicode domain), the one imports store.
    """
    address = normalise_email(email)
    if not address or len(address) > 254:
        raise InvalidInput("Give the email address to erase.", field=["email"])
    async with write_transaction(engine) as conn:
        return await erase_address(conn, account_id=account_id, email=address)
