"""Incidents and concerns: the problem side of the lägesbild."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from traffic import vocab
from traffic.actors import Actor
from traffic.audit.hook import remember_before
from traffic.errors import ValidationFailed
from traffic.geometry import POINT, clean_geometry
from traffic.incidents.models import Incident
from traffic.incidents.schemas import IncidentCreate, IncidentUpdate
from traffic.records import get_record, owner_org, refuse_existing


def create_incident(session: Session, *, actor: Actor, data: IncidentCreate) -> Incident:
    """Record an incident or concern."""
    refuse_existing(session, Incident, data.id)
    vocab.vocabulary("incident_kind").check(data.kind, field="kind")
    vocab.vocabulary("incident_source").check(data.source, field="source")
    if data.severity is not None:
        vocab.vocabulary("severity").check(data.severity, field="severity")
    incident = Incident(
        id=data.id or uuid.uuid4(),
        org_id=owner_org(actor, data.org_id),
        created_by=actor.user_id,
        kind=data.kind,
        occurred_at=data.occurred_at,
        source=data.source,
        severity=data.severity,
        description=data.description,
        geom=clean_geometry(data.geometry, field="geometry", allowed=POINT),
    )
    session.add(incident)
    session.flush()
    return incident


def update_incident(
    session: Session, *, actor: Actor, incident_id: uuid.UUID, data: IncidentUpdate
) -> Incident:
    """Correct the fields sent; codes are checked as on create, kind, time, place and source stay set."""
    incident = get_record(session, Incident, incident_id)
    remember_before(session, incident)
    changes = data.model_dump(exclude_unset=True)
    for name in ("kind", "occurred_at", "geometry", "source"):
        if name in changes and changes[name] is None:
            raise ValidationFailed("cannot be removed", field=name)
    checks = {"kind": "incident_kind", "source": "incident_source", "severity": "severity"}
    for name, vocabulary in checks.items():
        if changes.get(name) is not None:
            vocab.vocabulary(vocabulary).check(changes[name], field=name)
    if "geometry" in changes:
        incident.geom = clean_geometry(changes.pop("geometry"), field="geometry", allowed=POINT)
    for name, value in changes.items():
        setattr(incident, name, value)
    session.flush()
    return incident
