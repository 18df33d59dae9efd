"""Control operations: create, change, status workflow, list."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from traffic import vocab
from traffic.actors import Actor
from traffic.audit.hook import remember_before
from traffic.geometry import POINT_LINE_POLYGON, clean_geometry
from traffic.operations.models import Operation
from traffic.operations.schemas import OperationCreate, OperationUpdate
from traffic.records import check_version, get_record, owner_org, refuse_existing
from traffic.storage.base import utcnow
from traffic.timeutil import check_order


def _check_times(op: Operation) -> None:
    check_order(op.planned_start, op.planned_end, field="planned_end")
    check_order(op.actual_start, op.actual_end, field="actual_end")


def create_operation(session: Session, *, actor: Actor, data: OperationCreate) -> Operation:
    """Create an operation in any initial status."""
    refuse_existing(session, Operation, data.id)
    op = Operation(
        id=data.id or uuid.uuid4(),
        org_id=owner_org(actor, data.org_id),
        created_by=actor.user_id,
        title=data.title,
        focus=vocab.vocabulary("focus").check(data.focus, field="focus"),
        status=vocab.vocabulary("operation_status").check(data.status, field="status"),
        place_name=data.place_name,
        geom=clean_geometry(data.geometry, field="geometry", allowed=POINT_LINE_POLYGON)
        if data.geometry
        else None,
        planned_start=data.planned_start,
        planned_end=data.planned_end,
        actual_start=data.actual_start,
        actual_end=data.actual_end,
        officer_count=data.officer_count,
        officer_ids=[str(u) for u in data.officer_ids],
        note=data.note,
    )
    _check_times(op)
    session.add(op)
    session.flush()
    return op


def update_operation(
    session: Session,
    *,
    actor: Actor,
    operation_id: uuid.UUID,
    data: OperationUpdate,
    expected_version: int | None = None,
) -> Operation:
    """Apply the given fields; a status change must follow the workflow."""
    op = get_record(session, Operation, operation_id)
    check_version(op, expected_version)
    remember_before(session, op)
    changes = data.model_dump(exclude_unset=True)
    if "status" in changes and changes["status"] is not None:
        _set_status(op, changes.pop("status"))
    if "focus" in changes:
        vocab.vocabulary("focus").check(changes["focus"], field="focus")
    if "geometry" in changes:
        geometry = changes.pop("geometry")
        op.geom = (
            clean_geometry(geometry, field="geometry", allowed=POINT_LINE_POLYGON)
            if geometry
            else None
        )
    if "officer_ids" in changes and changes["officer_ids"] is not None:
        changes["officer_ids"] = [str(u) for u in changes["officer_ids"]]
    for key, value in changes.items():
        setattr(op, key, value)
    _check_times(op)
    session.flush()
    return op


def _set_status(op: Operation, status: str, at: datetime | None = None) -> None:
    vocab.check_transition("operation_status", op.status, status)
    now = at or utcnow()
    if status == "ONGOING" and op.actual_start is None:
        op.actual_start = now
    if status == "COMPLETED" and op.actual_end is None:
        op.actual_end = now
    op.status = status


def start_if_planned(session: Session, op: Operation, at: datetime) -> None:
    """Logging the first check of a planned operation starts it."""
    if op.status == "PLANNED":
        remember_before(session, op)
        _set_status(op, "ONGOING", at)


def get_operation(session: Session, operation_id: uuid.UUID) -> Operation:
    """One operation, or NotFound."""
    return get_record(session, Operation, operation_id)


def list_operations(
    session: Session,
    *,
    status: str | None = None,
    focus: str | None = None,
    org_id: uuid.UUID | None = None,
) -> list[Operation]:
    """Operations, newest first, optionally filtered."""
    stmt = select(Operation).where(Operation.deleted_at.is_(None))
    if status:
        stmt = stmt.where(Operation.status == status)
    if focus:
        stmt = stmt.where(Operation.focus == focus)
    if org_id:
        stmt = stmt.where(Operation.org_id == org_id)
    stmt = stmt.order_by(Operation.planned_start.desc().nulls_last(), Operation.id)
    return list(session.scalars(stmt))
