"""Plain leaf fields answered in one step give what graphql-core's usual path gives:
the same data in the same order, the same errors at the same paths."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import orjson
import strawberry
from graphql import ExecutionResult
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.graphql.plain_fields import PlainFieldsExecution


@strawberry.enum
class Colour(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


@strawberry.type
class Thing:
    name: str
    size: int
    colour: Colour
    made_at: datetime
    note: str | None = None
    parent: Thing | None = None

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    async def later(self, times: int = 1) -> str:
        return self.name * times


def things() -> list[Thing]:
    made = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    parent = Thing(name="p", size=1, colour=Colour.BLUE, made_at=made)
    bad_null: Any = None  # a NonNull field holding null: an error either way
    bad_int: Any = "many"  # a value the Int scalar refuses
    return [
        Thing(name="a", size=2, colour=Colour.RED, made_at=made, note="n", parent=parent),
        Thing(name=bad_null, size=3, colour=Colour.RED, made_at=made),
        Thing(name="c", size=bad_int, colour=Colour.BLUE, made_at=made),
    ]


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return list(things())

    @strawberry.field
    def thing(self) -> Thing:
        return things()[1]


QUERY = """
query Q {
  things {
    __typename
    big: shout
    name
    ...Rest
    later(times: 2)
    parent { made_at: madeAt name colour size note shout }
  }
}
fragment Rest on Thing { size colour madeAt note name }
"""


class Counting(PlainFieldsExecution):
    """Counts the fields that went graphql-core's usual way."""

    usual = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        Counting.usual += 1
        return super().execute_field(*args, **kwargs)


async def run(executor: type[StrawberryGraphQLCoreExecutionContext], query: str) -> Any:
    schema = strawberry.Schema(query=Query, execution_context_class=executor)
    result: ExecutionResult = await schema.execute(query)  # type: ignore[assignment]
    errors = sorted(((e.message, e.path) for e in result.errors or []), key=lambda e: str(e[1]))
    # Serialised: the keys' order is part of the answer.
    return orjson.dumps(result.data).decode(), errors


async def test_the_same_answer_data_order_and_errors() -> None:
    usual = await run(StrawberryGraphQLCoreExecutionContext, QUERY)
    plain = await run(PlainFieldsExecution, QUERY)
    assert plain == usual
    data, errors = plain
    assert '"big":"A","name":"a","size":2,"colour":"RED"' in data
    # The first error of an item nulls it (its fields are NonNull): one error each.
    assert data.endswith(",null,null]}")
    assert [path[:2] for _, path in errors] == [["things", 1], ["things", 2]]


async def test_a_null_in_a_non_null_root_object_field_is_the_same_error() -> None:
    query = "{ thing { size name } }"
    assert await run(PlainFieldsExecution, query) == await run(
        StrawberryGraphQLCoreExecutionContext, query
    )


async def test_plain_fields_skip_the_usual_way() -> None:
    Counting.usual = 0
    await run(Counting, "{ things { name size colour madeAt note } }")
    # The root field only; the second thing's null name and the third's bad size go the
    # usual way to report their errors.
    assert Counting.usual == 1 + 2
