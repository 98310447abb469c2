"""`Query.node`: the object a global ID names, if it is one of the account's (api/global_ids.py
reads and writes the IDs themselves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry import relay
from strawberry.types.base import StrawberryObjectDefinition

from api.global_ids import parse_global_id, parse_keyed_id

# Types whose node id has several parts (their resolve_nodes check each part's spelling).
KEYED_TYPES = ("GroupBackups", "BackupDay")

if TYPE_CHECKING:
    from api.graphql.context import Info


async def resolve_node(info: Info, value: str) -> relay.Node | None:
    """The object of this account a global ID names; None for unknown, foreign or malformed."""
    gid = _canonical(value)
    if gid is None or not _is_node_type(info, gid.type_name):
        return None
    found: relay.Node | None = await gid.resolve_node(info, required=False)
    return found


def _canonical(value: str) -> relay.GlobalID | None:
    for type_name in KEYED_TYPES:
        parts = parse_keyed_id(value, type_name)
        if parts is not None:
            return relay.GlobalID(type_name, ":".join(parts))
    parsed = parse_global_id(value)
    return relay.GlobalID(parsed[0], str(parsed[1])) if parsed is not None else None


def _is_node_type(info: Info, type_name: str) -> bool:
    # An object type implementing Node: not the `Node` interface itself, nor `Query`.
    definition = info.schema.get_type_by_name(type_name)
    return (
        isinstance(definition, StrawberryObjectDefinition)
        and not definition.is_interface
        and issubclass(definition.origin, relay.Node)
    )
