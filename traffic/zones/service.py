"""Zones: create, look up, and load the Mjölby defaults from geo/data."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.area import default_operating_area
from geo.zones import load_zones
from traffic import vocab
from traffic.actors import Actor
from traffic.errors import Conflict, NotFound
from traffic.geometry import POLYGON, clean_geometry
from traffic.ids import stable_id
from traffic.records import owner_org, refuse_existing
from traffic.zones.models import Zone
from traffic.zones.schemas import ZoneCreate

RESECENTRUM_TARGET_HOURS = 20.0  # the promise's example target: ≥ 20 presence hours a week


def create_zone(session: Session, *, actor: Actor, data: ZoneCreate) -> Zone:
    """Create a zone with a unique code."""
    refuse_existing(session, Zone, data.id)
    vocab.vocabulary("zone_kind").check(data.kind, field="kind")
    if session.scalar(select(Zone.id).where(Zone.code == data.code)) is not None:
        raise Conflict(f"a zone with code {data.code!r} exists", field="code")
    zone = Zone(
        id=data.id or uuid.uuid4(),
        org_id=owner_org(actor, data.org_id),
        created_by=actor.user_id,
        code=data.code,
        name=data.name,
        kind=data.kind,
        weekly_target_hours=data.weekly_target_hours,
        description=data.description,
        geom=clean_geometry(data.geometry, field="geometry", allowed=POLYGON),
    )
    session.add(zone)
    session.flush()
    return zone


def zone_by_code(session: Session, code: str) -> Zone:
    """The live zone with ``code``, or NotFound."""
    zone = session.scalar(select(Zone).where(Zone.code == code, Zone.deleted_at.is_(None)))
    if zone is None:
        raise NotFound(f"zone {code!r} not found", field="zone")
    return zone


def ensure_default_zones(session: Session, *, org_id: uuid.UUID) -> list[Zone]:
    """Create Mjölby kommun and the resecentrum zones (150/300/500 m) if they are missing."""
    out: list[Zone] = []
    wanted = [
        ("mjolby_kommun", "Mjölby kommun", "MUNICIPALITY", default_operating_area().polygon, None),
    ]
    for z in load_zones():
        radius = int(z.properties.get("radius_m", 0))
        target = RESECENTRUM_TARGET_HOURS if radius == 300 else None
        wanted.append(
            (f"resecentrum_{radius}m", f"Resecentrum {radius} m", "RESECENTRUM", z.geometry, target)
        )
    for code, name, kind, geom, target in wanted:
        zone = session.scalar(select(Zone).where(Zone.code == code))
        if zone is None:
            zone = Zone(
                id=stable_id("zone", code),
                code=code,
                name=name,
                kind=kind,
                geom=geom,
                org_id=org_id,
                weekly_target_hours=target,
            )
            session.add(zone)
        out.append(zone)
    session.flush()
    return out
