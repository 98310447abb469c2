"""The one settings object: nothing else reads the environment."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import orjson
from pydantic import (
    AliasChoices,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SECRET_FILE = "secret_key"


class Settings(BaseSettings):
    """listkeeper's configuration, read from `LISTKEEPER_*` variables."""

    # populate_by_name: a field with aliases (s3_endpoint_url) is still set by its name in code.
    model_config = SettingsConfigDict(
        env_prefix="LISTKEEPER_", env_file=".env", extra="ignore", populate_by_name=True
    )

    env: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("./data")
    database_url: str | None = None
    secret_key: str | None = None
    # Where files (staged uploads and what is made from them) live: `s3://bucket/prefix` for an
    # S3-compatible store shared by instances on several hosts; unset: `<data_dir>/uploads`.
    # Region and credentials come from the usual AWS_* variables (storage/s3_files.py).
    files_url: str | None = None
    # The S3 endpoint (MinIO, moto, a provider's), else AWS_ENDPOINT_URL, else AWS itself; read
    # here so that an http:// endpoint from either is allowed (obstore refuses plain HTTP else).
    s3_endpoint_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("LISTKEEPER_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL"),
    )
    # With an S3 files_url: a download of a stored file (a backup's materialised export, a file
    # of rejects) answers 307 to a presigned GET on the bucket, after our own link's checks,
    # instead of streaming it through this process. The folder store never redirects.
    files_redirect: bool = False
    max_upload_mb: int = 100
    download_url_ttl_seconds: int = 15 * 60
    retention_interval_seconds: float = 3600.0
    # How long a staged file (`stageFile`) can be imported; the retention sweep then removes it.
    staged_file_ttl_seconds: PositiveInt = 24 * 3600
    job_poll_seconds: float = 1.0
    # Jobs a worker runs at once (never two on one group); unset: 1 on SQLite, whose one
    # writer runs one job at a time anyway, 4 on PostgreSQL (api.runtime.DEFAULT_CONCURRENCY).
    worker_concurrency: PositiveInt | None = None
    # On SIGTERM a worker stops claiming and lets its jobs run this long, then stops the rest
    # and queues them again (their attempt not counted). Keep it below the supervisor's kill
    # timeout (docker stop: 10 s, Kubernetes: 30 s).
    worker_grace_seconds: NonNegativeFloat = 8.0
    # PostgreSQL: idle workers LISTEN for queued jobs. Off behind a transaction-pooling proxy
    # (pgbouncer's transaction mode cannot LISTEN): workers then find jobs at their polls.
    job_notices: bool = True
    # Whether `serve` runs a job worker too (off for API-only instances beside `listkeeper worker`).
    worker: bool = True
    graphiql: bool = True
    introspection: bool = True
    max_query_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 4000
    # The cost of an operation (api/graphql/cost.py); every frontend operation costs less.
    max_query_cost: PositiveInt = 50_000
    # Only the registered documents run (api/graphql/persisted.py): for production, once the
    # web app sends only its operations; any other document gets DOCUMENT_NOT_REGISTERED.
    trusted_documents_only: bool = False
    # The manifest of registered documents (hash -> text); frontend-contract's when unset.
    persisted_documents_file: Path | None = None
    # A verified token is trusted this long without reading it again: a token revoked in
    # another process (the CLI, another instance) is refused within this many seconds
    # (revokeToken through this process, and expiry, take effect at once). 0: read every time.
    token_cache_seconds: NonNegativeFloat = 5.0
    # Answers of the cacheable queries (the backups page) kept per process, by account and
    # variables, served while the account's version (storage.account_changes) is unchanged.
    # 0: none kept, every request runs.
    response_cache_entries: NonNegativeInt = 256
    # Database time a GraphQL query or mutation may take (jobs and downloads are not limited).
    query_time_limit_seconds: PositiveFloat = 5.0
    # A request body must have arrived after this grace time plus one second per
    # `request_body_min_bytes_per_second` bytes received; else 408 (slow uploads hold workers).
    request_body_grace_seconds: PositiveFloat = 10.0
    request_body_min_bytes_per_second: PositiveInt = 10_000
    # Web origins (`https://app.example.com`, `*` for any) whose pages may call the API and
    # fetch its downloads from the browser (CORS), comma-separated; none: same origin only
    # (the web app in the box needs none). Tokens travel in `Authorization`, never cookies.
    cors_origins: Annotated[list[str], NoDecode] = []
    log_json: bool | None = None
    public_url: str | None = None
    # Where `listkeeper import`/`export` connect; only the command line reads it, never the server.
    server: str | None = None
    # The API token for `server`; SecretStr keeps it out of reprs and logs.
    token: SecretStr | None = None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """`a, b` or a JSON list; an origin never ends with a slash (browsers send none)."""
        if isinstance(value, str):
            text = value.strip()
            listed = orjson.loads(text) if text.startswith("[") else text.split(",")
            return [str(origin).strip().rstrip("/") for origin in listed if str(origin).strip()]
        return value

    @model_validator(mode="after")
    def _secret_required_in_production(self) -> Settings:
        if self.env == "production" and not self.secret_key:
            raise ValueError("LISTKEEPER_SECRET_KEY is required when LISTKEEPER_ENV=production")
        if self.secret_key is not None and len(self.secret_key) < 16:
            raise ValueError("LISTKEEPER_SECRET_KEY must be at least 16 characters")
        return self

    @property
    def db_url(self) -> str:
        """The async SQLAlchemy URL: the SQLite file in the data folder unless set."""
        url = self.database_url or f"sqlite:///{(self.data_dir / 'listkeeper.db').resolve()}"
        return async_database_url(url)

    @property
    def max_upload_bytes(self) -> int:
        """The upload cap in bytes."""
        return self.max_upload_mb * 1024 * 1024

    @cached_property
    def signing_key(self) -> str:
        """The secret key: the configured one, or one generated once into the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / SECRET_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def json_logs(self) -> bool:
        """One JSON object a line in production, readable lines elsewhere, unless set."""
        return self.log_json if self.log_json is not None else self.env == "production"


def async_database_url(url: str) -> str:
    """Name the async driver in a plain `sqlite://` or `postgresql://` URL."""
    for plain, driver in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url
