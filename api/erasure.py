"""Use-case: erase a person's address everywhere in an account, backups included."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from api.errors import InvalidInput
from api.export_cache import forget_exports
from api.rejects import forget_rejects_holding
from storage.codec import normalise_email
from storage.db import write_transaction
from storage.files import FileStore
from storage.store.erasure import Erasure, erase_address


async def erase_recipient(
    *, engine: AsyncEngine, files: FileStore, account_id: int, email: str
) -> Erasure:
    """Remove the address from every group, every backup and every file of rejected rows of
    the account, at once.

    Any spelling finds it: the address is compared in its canonical form (NFC, lower-case,
    Unicode domain), the one imports store. A file of rejects holding it is deleted whole
    (its job keeps its counts and row errors; `rejectedRowsUrl` becomes null), and so is
    the materialised export of every backup that held it.
    """
    address = normalise_email(email)
    if not address or len(address) > 254:
        raise InvalidInput("Give the email address to erase.", field=["email"])
    async with write_transaction(engine) as conn:
        erased = await erase_address(conn, account_id=account_id, email=address)
        # Under the erasure's locks: an import into one of the account's groups cannot end
        # meanwhile and name a new file.
        holding = await forget_rejects_holding(
            conn, files=files, account_id=account_id, address=address
        )
    # After the commit: a crash in between leaves files no job names, which the retention
    # task's orphan sweep deletes.
    for key in holding:
        await files.delete(key)
    # Exports of the backups that held the address (the others stay valid); one written
    # meanwhile by a first download is caught by its backup's lowered count.
    await forget_exports(files, list(erased.backup_ids))
    return erased
