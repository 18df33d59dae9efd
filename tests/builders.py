"""Plain builder functions for tests: ``make_x(session, **overrides)``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from traffic.actors import Actor
from traffic.checks.schemas import CheckCreate
from traffic.checks.service import create_check
from traffic.measures.schemas import MeasureCreate
from traffic.measures.service import create_measure
from traffic.operations.schemas import OperationCreate
from traffic.operations.service import create_operation
from traffic.orgs.service import ensure_organisations

STATION = (15.131987, 58.322982)  # lon, lat (data/mjolby_reference_points.csv)
SECRET = "test-pseudonym-secret"


def point(lon: float = STATION[0], lat: float = STATION[1]) -> dict[str, Any]:
    """A GeoJSON point."""
    return {"type": "Point", "coordinates": [lon, lat]}


def make_actor(session: Session, role: str = "officer", org: str = "polisen") -> Actor:
    """An actor of the given role in a default organisation; set on the session for audit."""
    orgs = ensure_organisations(session)
    actor = Actor(username=f"test-{role}", role=role, org_id=orgs[org].id)
    session.info["actor"] = actor
    return actor


def make_operation(session: Session, actor: Actor | None = None, **overrides: Any):  # noqa: ANN201
    """An A-traktor operation at the station."""
    actor = actor or make_actor(session)
    data = {"title": "A-traktorkontroll Resecentrum", "focus": "A_TRAKTOR", "geometry": point()}
    data.update(overrides)
    return create_operation(session, actor=actor, data=OperationCreate(**data))


def make_check(session: Session, operation, actor: Actor | None = None, **overrides: Any):  # noqa: ANN001, ANN201
    """A check without remark in ``operation``."""
    actor = actor or make_actor(session)
    data = {
        "operation_id": operation.id,
        "checked_at": datetime(2025, 5, 16, 19, 30, tzinfo=UTC),
        "geometry": point(),
        "vehicle_type": "CAR",
    }
    data.update(overrides)
    return create_check(session, actor=actor, data=CheckCreate(**data), pseudonym_secret=SECRET)


def make_measure(session: Session, actor: Actor | None = None, **overrides: Any):  # noqa: ANN201
    """A proposed speed hump near the station."""
    actor = actor or make_actor(session, role="planner", org="mjolby_kommun")
    data = {
        "title": "Gupp på Järnvägsgatan",
        "kind": "SPEED_HUMP",
        "geometry": point(15.1335, 58.3235),
    }
    data.update(overrides)
    return create_measure(session, actor=actor, data=MeasureCreate(**data))
