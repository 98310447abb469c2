"""Recipients as the API returns them, reshaped for assertions."""

from __future__ import annotations

from typing import Any


def by_email(people: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Recipients keyed by address."""
    return {p["email"]: p for p in people}


def attrs(person: dict[str, Any]) -> dict[str, str]:
    """A recipient's attributes as a dict."""
    return {a["name"]: a["value"] for a in person["attributes"]}
