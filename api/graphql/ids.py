"""`Query.node`: the object a global ID names, if it is one of the account's (api/global_ids.py
reads and writes the IDs themselves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry import relay
from strawberry.types.base import StrawberryObjectDefinition

from api.global_ids import parse_global_id

if TYPE_CHECKING:
    from api.graphql.context import Info


async def resolve_node(info: Info, value: str) -> relay.Node | None:
    """The object of this account a global ID names; None for unknown, foreign or malformed."""
    parsed = parse_global_id(value)
    if parsed is None or not _is_node_type(info, parsed[0]):
        return None
    gid = relay.GlobalID(parsed[0], str(parsed[1]))
    found: relay.Node | None = await gid.resolve_node(info, required=False)
    return found


def _is_node_type(info: Info, type_name: str) -> bool:
    # An object type implementing Node: not the `Node` interface itself, nor `Query`.
    definition = info.schema.get_type_by_name(type_name)
    return (
        isinstance(definition, StrawberryObjectDefinition)
        and not definition.is_interface
        and issubclass(definition.origin, relay.Node)
    )
