"""Settings from the environment (prefix ``TRAFIKTRYGG_``), built on demand, never at import."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-pseudonym-secret-change-me"


class Settings(BaseSettings):
    """Everything a deployment may set."""

    model_config = SettingsConfigDict(env_prefix="TRAFIKTRYGG_", extra="ignore")

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path('data') / 'trafiktrygg.sqlite'}",
        description="SQLAlchemy URL; default a SQLite file in ./data",
    )
    pseudonym_secret: str = Field(
        default=DEV_SECRET, description="HMAC key for vehicle pseudonyms (keep it secret)"
    )
    language: str = Field(default="sv", pattern="^(sv|en)$")
    max_body_bytes: int = Field(default=2 * 1024 * 1024, description="largest accepted request body")
    public_delay_days: int = Field(
        default=7, ge=0, description="the public sees enforcement figures only for records older than this"
    )
    min_cell_size: int = Field(
        default=5, ge=1, description="public statistics suppress any group with fewer records than this"
    )
    retention_file: Path | None = Field(
        default=None, description="TOML file of retention periods (see docs/operations.md)"
    )
    purge_interval_hours: float = Field(
        default=0, ge=0, description="the server purges per the retention policy this often; 0 = never (off)"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    production: bool = Field(
        default=False, description="refuse to start with a default or weak secret (api/security)"
    )
    docs: bool = Field(default=True, description="serve Swagger UI at /docs (self-hosted files)")
    cors_origins: str = Field(
        default="", description="comma list of origins allowed cross-origin calls; empty: no CORS"
    )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
