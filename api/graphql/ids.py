"""Global IDs in inputs: decoded, type-checked, and unknown ones reported as NOT_FOUND."""

from __future__ import annotations

from strawberry import relay

from api.errors import NotFound

READABLE = {"ImportJob": "import job"}


def decode_id(value: str, type_name: str, *, field: list[str]) -> int:
    """The database id inside a global ID of `type_name`; NotFound for anything else."""
    try:
        gid = relay.GlobalID.from_id(value)
        if gid.type_name != type_name:
            raise ValueError
        return int(gid.node_id)
    except (ValueError, relay.GlobalIDValueError, TypeError):
        readable = READABLE.get(type_name, type_name.lower())
        raise NotFound(f"No {readable} with this id.", field=field) from None


def encode_id(type_name: str, db_id: int) -> str:
    """The global ID of a row."""
    return str(relay.GlobalID(type_name, str(db_id)))
