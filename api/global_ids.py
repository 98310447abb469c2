"""Global IDs: base64 of `Type:id`, accepted only in the one spelling we write.

`int()` reads " 1", "+1", "01", "1_0" and the Arabic-Indic digit one as 1, and base64
decoding forgives missing padding: such spellings would name an object we never
gave out under that ID. An ID decodes only if encoding it again gives it back,
and its number fits a 64-bit database id. The GraphQL schema, the CLI and the
benchmarks all speak these IDs, so they live outside the GraphQL package.
"""

from __future__ import annotations

import re
from base64 import b64encode

from strawberry import relay

from api.errors import NotFound

READABLE = {"ImportJob": "import job"}
MAX_DB_ID = 2**63 - 1
CANONICAL_NUMBER = re.compile(r"0|[1-9][0-9]{0,18}")  # re's [0-9] is ASCII only


def parse_global_id(value: object) -> tuple[str, int] | None:
    """(type name, database id) of a canonical global ID; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        gid = relay.GlobalID.from_id(value)
    except (ValueError, relay.GlobalIDValueError):
        return None
    if not CANONICAL_NUMBER.fullmatch(gid.node_id):
        return None
    db_id = int(gid.node_id)
    if db_id > MAX_DB_ID or encode_id(gid.type_name, db_id) != value:
        return None
    return gid.type_name, db_id


def parse_keyed_id(value: object, type_name: str) -> list[str] | None:
    """The `:`-separated parts of a canonical global ID of `type_name` whose key has parts
    (`GroupBackups`: group id and zone; `BackupDay`: group id, date and zone); else None.

    The type checks each part's own spelling (a canonical number, an ISO date, a zone key).
    """
    if not isinstance(value, str):
        return None
    try:
        gid = relay.GlobalID.from_id(value)
    except (ValueError, relay.GlobalIDValueError):
        return None
    if gid.type_name != type_name or str(gid) != value:
        return None
    return gid.node_id.split(":")


def keyed_node_id(*parts: object) -> str:
    """The node id (the part after `Type:`) of an object named by several parts."""
    return ":".join(str(part) for part in parts)


def canonical_db_id(text: str) -> int | None:
    """The database id `text` spells canonically (as we write ids); None otherwise."""
    if not CANONICAL_NUMBER.fullmatch(text) or int(text) > MAX_DB_ID:
        return None
    return int(text)


def decode_id(value: str, type_name: str, *, field: list[str]) -> int:
    """The database id inside a global ID of `type_name`; NotFound for anything else."""
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name:
        readable = READABLE.get(type_name, type_name.lower())
        raise NotFound(f"No {readable} with this id.", field=field)
    return parsed[1]


def node_db_id(node_id: str) -> int | None:
    """The database id of a relay node id (the part after `Type:`); None if it is none."""
    # ASCII digits only: int() would also read " 1" or Arabic-Indic digits as 1.
    text = str(node_id)
    return int(text) if text.isascii() and text.isdigit() else None


def encode_id(type_name: str, db_id: int) -> str:
    """The global ID of a row."""
    return global_id_text(type_name, str(db_id))


def global_id_text(type_name: str, node_id: str) -> str:
    """relay.GlobalID's text (base64 of `Type:node id`) without making a GlobalID: the
    backups page makes several hundred ids a request."""
    return b64encode(f"{type_name}:{node_id}".encode()).decode()
