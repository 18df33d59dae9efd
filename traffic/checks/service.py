"""Vehicle checks: log, correct, read."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from traffic.actors import Actor
from traffic.audit.hook import remember_before
from traffic.checks.models import VehicleCheck
from traffic.checks.rules import check_fields, clean_codes
from traffic.checks.schemas import CheckCreate, CheckUpdate
from traffic.errors import ValidationFailed
from traffic.geometry import POINT, clean_geometry
from traffic.operations.models import Operation
from traffic.operations.service import start_if_planned
from traffic.pseudonym import vehicle_pseudonym
from traffic.records import check_version, get_record, refuse_existing


def create_check(
    session: Session,
    *,
    actor: Actor,
    data: CheckCreate,
    pseudonym_secret: str | None = None,
    keyed_pseudonym: str | None = None,
) -> VehicleCheck:
    """Log one checked vehicle in an operation (which starts if it was only planned).

    ``keyed_pseudonym`` carries an already keyed pseudonym from a trusted import; a plate in
    ``data.plate`` is keyed here. Giving both is refused.
    """
    refuse_existing(session, VehicleCheck, data.id)
    op = get_record(session, Operation, data.operation_id, field="operation_id")
    if op.status == "CANCELLED":
        raise ValidationFailed("the operation is cancelled", field="operation_id")
    findings, outcomes = clean_codes(data.findings, data.outcomes)
    values = data.model_dump(exclude={"id", "plate", "findings", "outcomes", "geometry"})
    check_fields(values, outcomes)
    pseudonym = keyed_pseudonym
    if data.plate and keyed_pseudonym:
        raise ValidationFailed("give plate or vehicle_pseudonym, not both", field="plate")
    if data.plate:
        if not pseudonym_secret:
            raise ValidationFailed("no pseudonym secret is configured", field="plate")
        pseudonym = vehicle_pseudonym(data.plate, pseudonym_secret)
    check = VehicleCheck(
        id=data.id or uuid.uuid4(),
        org_id=op.org_id,
        created_by=actor.user_id,
        geom=clean_geometry(data.geometry, field="geometry", allowed=POINT),
        vehicle_pseudonym=pseudonym,
        **values,
    )
    check.set_codes(findings=findings, outcomes=outcomes)
    start_if_planned(session, op, data.checked_at)
    session.add(check)
    session.flush()
    return check


def update_check(
    session: Session,
    *,
    actor: Actor,
    check_id: uuid.UUID,
    data: CheckUpdate,
    expected_version: int | None = None,
) -> VehicleCheck:
    """Correct a check; codes and cross-field rules are checked again."""
    check = get_record(session, VehicleCheck, check_id)
    check_version(check, expected_version)
    remember_before(session, check)
    changes = data.model_dump(exclude_unset=True)
    findings, outcomes = clean_codes(
        changes.pop("findings", None) or check.findings,
        changes.pop("outcomes", None) or check.outcomes,
    )
    geometry = changes.pop("geometry", None)
    merged = {
        c: getattr(check, c)
        for c in (
            "vehicle_type",
            "fine_amount_sek",
            "limiter_tampered",
            "lgf_sign_ok",
            "rear_space_blocked",
            "measured_speed_kmh",
            "speed_method",
        )
    }
    merged.update(changes)
    check_fields(merged, outcomes)
    if geometry is not None:
        check.geom = clean_geometry(geometry, field="geometry", allowed=POINT)
    for key, value in changes.items():
        setattr(check, key, value)
    if findings != check.findings or outcomes != check.outcomes:
        check.set_codes(findings=findings, outcomes=outcomes)
        # Codes live in a child table; force an UPDATE of the check so its version moves.
        flag_modified(check, "vehicle_type")
    session.flush()
    return check


def get_check(session: Session, check_id: uuid.UUID) -> VehicleCheck:
    """One check, or NotFound."""
    return get_record(session, VehicleCheck, check_id)
