"""Presence sessions: check-in/out at a zone, point stays and GPS tracks."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from traffic import vocab
from traffic.actors import Actor
from traffic.errors import ValidationFailed
from traffic.geometry import POINT, TRACK, clean_geometry
from traffic.presence.models import (
    GPS_TRACK,
    POINT_STAY,
    PRESENCE_KINDS,
    ZONE_CHECKIN,
    PresenceSession,
)
from traffic.presence.schemas import PresenceCreate
from traffic.records import get_record, owner_org, refuse_existing
from traffic.storage.base import utcnow
from traffic.timeutil import check_order
from traffic.zones.models import Zone


def create_presence(session: Session, *, actor: Actor, data: PresenceCreate) -> PresenceSession:
    """Store a presence session after checking that its kind has what it needs."""
    refuse_existing(session, PresenceSession, data.id)
    vocab.vocabulary("presence_mode").check(data.mode, field="mode")
    if data.kind not in PRESENCE_KINDS:
        raise ValidationFailed(
            f"unknown kind {data.kind!r}; valid kinds are: {', '.join(PRESENCE_KINDS)}",
            field="kind",
        )
    start, end, geom, times = data.start_at, data.end_at, None, None
    if data.kind == ZONE_CHECKIN:
        if data.zone_id is None:
            raise ValidationFailed("a zone check-in needs zone_id", field="zone_id")
        get_record(session, Zone, data.zone_id)
    elif data.kind == POINT_STAY:
        if data.geometry is None:
            raise ValidationFailed("a point stay needs a Point geometry", field="geometry")
        geom = clean_geometry(data.geometry, field="geometry", allowed=POINT)
    else:
        geom, times = _track(data)
        start, end = start or times[0], end or times[-1]
    if start is None:
        raise ValidationFailed("start time is missing", field="start_at")
    check_order(start, end, field="end_at")
    presence = PresenceSession(
        id=data.id or uuid.uuid4(),
        org_id=owner_org(actor, None),
        created_by=actor.user_id,
        unit=data.unit,
        officers=data.officers,
        mode=data.mode,
        kind=data.kind,
        zone_id=data.zone_id,
        geom=geom,
        track_times=[t.isoformat() for t in times] if times else None,
        start_at=start,
        end_at=end,
        note=data.note,
    )
    session.add(presence)
    session.flush()
    return presence


def _track(data: PresenceCreate):  # noqa: ANN202 - (geometry, times)
    if data.geometry is None or not data.track_times:
        raise ValidationFailed("a GPS track needs a LineString and track_times", field="geometry")
    geom = clean_geometry(data.geometry, field="geometry", allowed=TRACK)
    times = list(data.track_times)
    if len(times) != len(geom.coords):
        raise ValidationFailed(
            f"{len(times)} timestamps for {len(geom.coords)} track points", field="track_times"
        )
    for i in range(1, len(times)):
        if times[i] < times[i - 1]:
            raise ValidationFailed(
                f"timestamp {i} is earlier than the one before", field="track_times"
            )
    return geom, times


def check_out(session: Session, *, actor: Actor, presence_id: uuid.UUID) -> PresenceSession:
    """End an open zone check-in now."""
    presence = get_record(session, PresenceSession, presence_id)
    if presence.end_at is not None:
        raise ValidationFailed("the session is already checked out", field="end_at")
    presence.end_at = utcnow()
    session.flush()
    return presence


__all__ = ["GPS_TRACK", "check_out", "create_presence"]
