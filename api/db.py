"""Database wiring for the app and the CLI: one engine per URL, sessions per request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import traffic.models  # noqa: F401 - registers every table
from traffic.audit.hook import install_audit
from traffic.storage.db import make_engine, session_factory, unit_of_work


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """A shared engine per database URL (the audit hook is installed with it)."""
    install_audit()
    return make_engine(url)


@lru_cache(maxsize=8)
def sessions_for(url: str) -> sessionmaker[Session]:
    """A session factory per database URL."""
    return session_factory(engine_for(url))


@contextmanager
def transaction(url: str, **info: Any) -> Iterator[Session]:
    """One unit of work against ``url``; commits on success."""
    with unit_of_work(sessions_for(url), **info) as session:
        yield session
