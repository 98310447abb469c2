"""The one settings object."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from api.settings import Settings, async_database_url


def test_defaults_are_the_embedded_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=None)
    assert settings.db_url == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'listkeeper.db'}"
    assert (settings.max_upload_mb, settings.max_upload_bytes) == (100, 100 * 1024 * 1024)


def test_environment_variables_with_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LISTKEEPER_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("LISTKEEPER_MAX_UPLOAD_MB", "7")
    settings = Settings(_env_file=None)
    assert settings.db_url == "postgresql+asyncpg://u@h/db"
    assert settings.max_upload_mb == 7


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(_env_file=None, data_dir=tmp_path).signing_key
    second = Settings(_env_file=None, data_dir=tmp_path).signing_key
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY is required"):
        Settings(_env_file=None, env="production", data_dir=tmp_path)
    assert Settings(_env_file=None, env="production", secret_key="x" * 32).json_logs is True


def test_async_driver_is_named() -> None:
    assert async_database_url("sqlite:///a.db") == "sqlite+aiosqlite:///a.db"
    assert async_database_url("postgres://u@h/d") == "postgresql+asyncpg://u@h/d"
    assert async_database_url("postgresql+asyncpg://u@h/d") == "postgresql+asyncpg://u@h/d"
