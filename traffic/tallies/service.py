"""Tallies: fast counts per outcome that roll up with individual checks."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from traffic import vocab
from traffic.actors import Actor
from traffic.errors import ValidationFailed
from traffic.operations.models import Operation
from traffic.operations.service import start_if_planned
from traffic.records import get_record, refuse_existing
from traffic.tallies.models import Tally, TallyCount
from traffic.tallies.schemas import TallyCreate
from traffic.timeutil import check_order


def create_tally(session: Session, *, actor: Actor, data: TallyCreate) -> Tally:
    """Store counts per outcome for an operation; zero counts are dropped."""
    refuse_existing(session, Tally, data.id)
    op = get_record(session, Operation, data.operation_id)
    if op.status == "CANCELLED":
        raise ValidationFailed("the operation is cancelled", field="operation_id")
    check_order(data.counted_from, data.counted_to, field="counted_to")
    outcomes = vocab.outcomes()
    for code in data.counts:
        outcomes.check(code, field=f"counts.{code}")
    if sum(data.counts.values()) == 0:
        raise ValidationFailed("at least one count must be above zero", field="counts")
    if data.vehicle_type is not None:
        vocab.vocabulary("vehicle_type").check(data.vehicle_type, field="vehicle_type")
    tally = Tally(
        id=data.id or uuid.uuid4(),
        org_id=op.org_id,
        created_by=actor.user_id,
        operation_id=op.id,
        counted_from=data.counted_from,
        counted_to=data.counted_to,
        vehicle_type=data.vehicle_type,
        note=data.note,
        counts=[TallyCount(outcome=c, count=n) for c, n in sorted(data.counts.items()) if n > 0],
    )
    start_if_planned(session, op, data.counted_from)
    session.add(tally)
    session.flush()
    return tally
