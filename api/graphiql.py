"""The GraphiQL page, served with pinned local assets (to be written)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def graphiql_html(*, graphql_path: str = "/graphql") -> str | None:
    """The page's HTML, or None to use strawberry's own page."""
    return None


def static_routes() -> list[BaseRoute]:
    """Routes serving the pinned GraphiQL assets."""
    return []
