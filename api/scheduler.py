"""The server's scheduled retention purge: a background task started with the app.

Off unless ``purge_interval_hours`` is set. Every worker process runs the loop, and that is
safe: the purge takes a database lock (PostgreSQL advisory lock, SQLite's write lock) and
skips when the audit trail shows a purge within the interval, so workers purge once between
them. The first purge is attempted one minute after start-up, then once per interval.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.db import engine_for
from api.settings import Settings
from traffic.retention.executor import PurgeReport, purge_if_due
from traffic.retention.policy import Policy, load_policy
from traffic.storage.db import writer

log = logging.getLogger("trafiktrygg.retention")
FIRST_RUN_DELAY_S = 60.0


def current_policy(settings: Settings) -> Policy:
    """The retention policy: defaults, the settings' file, ``TRAFIKTRYGG_RETENTION_*``."""
    return load_policy(settings.retention_file, os.environ)


@contextmanager
def purge_session(url: str) -> Iterator[Session]:
    """A write transaction for a purge (SQLite: BEGIN IMMEDIATE, so it holds the write lock)."""
    with Session(writer(engine_for(url)), expire_on_commit=False) as session, session.begin():
        yield session


def run_scheduled_purge(settings: Settings) -> PurgeReport | None:
    """One scheduled attempt: purge unless a worker already did within the interval."""
    interval = timedelta(hours=settings.purge_interval_hours)
    with purge_session(settings.database_url) as session:
        return purge_if_due(session, current_policy(settings), interval)


async def _loop(settings: Settings, first_delay: float) -> None:
    delay = first_delay
    while True:
        await asyncio.sleep(delay)
        delay = settings.purge_interval_hours * 3600
        try:
            report = await run_in_threadpool(run_scheduled_purge, settings)
        except Exception:  # a failed purge must not stop the server; the next one retries
            log.exception("scheduled retention purge failed")
            continue
        if report is not None:
            log.info(
                "retention purge: %d rows cleared or deleted (audit event %d)", report.total, report.event_id
            )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the purge loop with the app (when configured) and stop it on shutdown."""
    settings: Settings = app.state.settings
    task = None
    if settings.purge_interval_hours > 0:
        current_policy(settings)  # a bad policy stops start-up with its message, not hours later
        task = asyncio.create_task(
            _loop(settings, min(FIRST_RUN_DELAY_S, settings.purge_interval_hours * 3600))
        )
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
