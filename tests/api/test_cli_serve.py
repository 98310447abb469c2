"""`listkeeper serve` tells, on start, where the API answers and how to get a token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.cli import main


def test_serve_prints_the_graphql_url_and_how_to_get_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: dict[str, Any] = {}

    def run(app: object, **options: Any) -> None:
        served.update(options)

    monkeypatch.setenv("LISTKEEPER_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(uvicorn, "run", run)
    # Not the real app: it would configure this process's logging for the rest of the suite.
    monkeypatch.setattr("api.app.create_asgi_app", lambda settings: object())

    assert main(["serve", "--port", "8123"]) == 0

    printed = capsys.readouterr()
    assert printed.out == ""
    assert "http://127.0.0.1:8123/graphql" in printed.err
    assert "listkeeper create-token --account NAME" in printed.err
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
