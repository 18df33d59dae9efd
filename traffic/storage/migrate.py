"""Programmatic Alembic: upgrade a database to the newest schema, on SQLite or PostGIS."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from traffic.storage.db import make_engine


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("traffic.storage") / "migrations"))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (creates the PostGIS extension if needed)."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    if isinstance(engine_or_url, str):
        engine.dispose()
