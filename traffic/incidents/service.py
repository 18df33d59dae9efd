"""Incidents and concerns: the problem side of the lägesbild."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from traffic import vocab
from traffic.actors import Actor
from traffic.geometry import POINT, clean_geometry
from traffic.incidents.models import Incident
from traffic.incidents.schemas import IncidentCreate
from traffic.records import owner_org, refuse_existing


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
