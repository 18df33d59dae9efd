"""Dependencies shared by the routes: settings and a per-request unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.db import sessions_for
from api.settings import Settings


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request: commit on success, roll back on error."""
    factory = sessions_for(request.app.state.settings.database_url)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
