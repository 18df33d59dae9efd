"""Dependencies shared by the routes: settings and a per-request unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.db import engine_for, sessions_for
from api.settings import Settings
from traffic.audit.hook import PENDING_READS
from traffic.storage.db import writer


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with (async: no thread-pool hop for an attribute read)."""
    return request.app.state.settings


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed BEFORE the response is sent.

    Writes begin with the write lock (SQLite ``BEGIN IMMEDIATE``). Reads stay read-only; the
    read-log events they queue are written right after, in a short transaction of their own,
    and a failure there fails the request, so no detailed police record leaves unlogged.
    """
    url = request.app.state.settings.database_url
    reading = request.method in READ_METHODS
    bind = engine_for(url) if reading else writer(engine_for(url))
    session = sessions_for(url)(bind=bind)
    if reading:
        session.info[PENDING_READS] = []
    try:
        yield session
        session.commit()
        pending = session.info.get(PENDING_READS)
        if pending:
            with sessions_for(url)(bind=writer(engine_for(url))) as log, log.begin():
                log.add_all(pending)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
# scope="function": the commit runs when the endpoint returns, before the response is sent,
# so a client is never told "saved" about a write that is not yet durable.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]
