"""Counts behind the landing page, maps and reports."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from traffic.checks.models import OUTCOME, CheckCode, VehicleCheck
from traffic.commitments.models import Commitment
from traffic.incidents.models import Incident
from traffic.measures.models import SafetyMeasure
from traffic.operations.models import Operation
from traffic.presence.models import PresenceSession
from traffic.tallies.models import Tally, TallyCount
from traffic.zones.models import Zone

RECORD_KINDS = {
    "operations": Operation,
    "checks": VehicleCheck,
    "tallies": Tally,
    "presence": PresenceSession,
    "measures": SafetyMeasure,
    "incidents": Incident,
    "zones": Zone,
}


def record_counts(session: Session) -> dict[str, int]:
    """Live (not deleted) records per kind, plus commitments."""
    out = {
        name: session.scalar(
            select(func.count()).select_from(model).where(model.deleted_at.is_(None))
        )
        or 0
        for name, model in RECORD_KINDS.items()
    }
    out["commitments"] = session.scalar(select(func.count()).select_from(Commitment)) or 0
    return out


def outcome_counts(session: Session, *, operation_id=None) -> dict[str, int]:  # noqa: ANN001
    """Vehicles per outcome code, from single checks and tallies together."""
    checks = (
        select(CheckCode.code, func.count())
        .join(VehicleCheck, VehicleCheck.id == CheckCode.check_id)
        .where(CheckCode.kind == OUTCOME, VehicleCheck.deleted_at.is_(None))
        .group_by(CheckCode.code)
    )
    tallies = (
        select(TallyCount.outcome, func.sum(TallyCount.count))
        .join(Tally, Tally.id == TallyCount.tally_id)
        .where(Tally.deleted_at.is_(None))
        .group_by(TallyCount.outcome)
    )
    if operation_id is not None:
        checks = checks.where(VehicleCheck.operation_id == operation_id)
        tallies = tallies.where(Tally.operation_id == operation_id)
    out: dict[str, int] = {}
    for stmt in (checks, tallies):
        for code, n in session.execute(stmt):
            out[code] = out.get(code, 0) + int(n)
    return dict(sorted(out.items()))
