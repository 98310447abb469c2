"""Logging setup and the request log middleware (to be written)."""

from __future__ import annotations

from starlette.types import ASGIApp

from api.settings import Settings


def configure_logging(settings: Settings) -> None:
    """Set up the root logger for `settings`."""


def request_logging(app: ASGIApp) -> ASGIApp:
    """Wrap the app so that every request is logged once with its id and duration."""
    return app
