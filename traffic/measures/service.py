"""Safety measures: register, edit and move through the status workflow."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from traffic import vocab
from traffic.actors import Actor
from traffic.audit.hook import remember_before
from traffic.errors import ValidationFailed
from traffic.geometry import POINT_LINE_POLYGON, clean_geometry
from traffic.measures.models import SafetyMeasure
from traffic.measures.schemas import MeasureCreate, MeasureUpdate
from traffic.records import check_version, get_record, owner_org, refuse_existing
from traffic.timeutil import STOCKHOLM

DATE_ORDER = ("proposed_on", "planned_on", "started_on", "completed_on")
STATUS_DATE = {"PLANNED": "planned_on", "IN_PROGRESS": "started_on", "COMPLETED": "completed_on"}


def _check_dates(measure: SafetyMeasure) -> None:
    last: tuple[str, date] | None = None
    for name in DATE_ORDER:
        value = getattr(measure, name)
        if value is None:
            continue
        if last and value < last[1]:
            raise ValidationFailed(f"{value} is before {last[0]} {last[1]}", field=name)
        last = (name, value)
    if measure.status == "COMPLETED" and measure.completed_on is None:
        raise ValidationFailed("a completed measure needs completed_on", field="completed_on")


def create_measure(session: Session, *, actor: Actor, data: MeasureCreate) -> SafetyMeasure:
    """Register a measure."""
    refuse_existing(session, SafetyMeasure, data.id)
    values = data.model_dump(exclude={"id", "geometry", "org_id"})
    vocab.vocabulary("measure_kind").check(data.kind, field="kind")
    vocab.vocabulary("measure_status").check(data.status, field="status")
    measure = SafetyMeasure(
        id=data.id or uuid.uuid4(),
        org_id=owner_org(actor, data.org_id),
        created_by=actor.user_id,
        geom=clean_geometry(data.geometry, field="geometry", allowed=POINT_LINE_POLYGON),
        **values,
    )
    _check_dates(measure)
    session.add(measure)
    session.flush()
    return measure


def update_measure(
    session: Session,
    *,
    actor: Actor,
    measure_id: uuid.UUID,
    data: MeasureUpdate,
    expected_version: int | None = None,
    today: date | None = None,
) -> SafetyMeasure:
    """Apply changes; a new status must be a permitted next step and stamps its date."""
    measure = get_record(session, SafetyMeasure, measure_id)
    check_version(measure, expected_version)
    remember_before(session, measure)
    changes = data.model_dump(exclude_unset=True)
    status = changes.pop("status", None)
    if "kind" in changes:
        vocab.vocabulary("measure_kind").check(changes["kind"], field="kind")
    if "geometry" in changes:
        geometry = changes.pop("geometry")
        if geometry is None:
            raise ValidationFailed("a measure must keep a geometry", field="geometry")
        measure.geom = clean_geometry(geometry, field="geometry", allowed=POINT_LINE_POLYGON)
    for key, value in changes.items():
        setattr(measure, key, value)
    if status is not None and status != measure.status:
        vocab.check_transition("measure_status", measure.status, status)
        stamp = STATUS_DATE.get(status)
        if stamp and getattr(measure, stamp) is None:
            setattr(measure, stamp, today or _today())
        measure.status = status
    _check_dates(measure)
    session.flush()
    return measure


def _today() -> date:
    from datetime import datetime

    return datetime.now(STOCKHOLM).date()
