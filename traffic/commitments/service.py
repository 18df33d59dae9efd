"""Commitments: load the promise, set targets, enter hand-counted values."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from traffic.commitments.models import (
    MANUAL,
    Commitment,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
)
from traffic.commitments.promise import PERIODS, PROMISE
from traffic.errors import NotFound, ValidationFailed
from traffic.ids import stable_id
from traffic.storage.base import utcnow
from traffic.timeutil import parse_period


def ensure_promise(session: Session) -> list[Commitment]:
    """Create the 2024/2025 commitments, indicators and targets if missing."""
    out = []
    for code, strand, title_sv, title_en, indicators in PROMISE:
        c = session.scalar(select(Commitment).where(Commitment.code == code))
        if c is None:
            c = Commitment(
                id=stable_id("commitment", code),
                code=code,
                strand=strand,
                title_sv=title_sv,
                title_en=title_en,
                first_period=PERIODS[0],
                last_period=PERIODS[-1],
            )
            session.add(c)
            session.flush()
            for icode, isv, ien, unit, source, metric, target in indicators:
                ind = Indicator(
                    id=stable_id("indicator", icode),
                    commitment_id=c.id,
                    code=icode,
                    title_sv=isv,
                    title_en=ien,
                    unit=unit,
                    source=source,
                    metric=metric,
                )
                if target is not None:
                    ind.targets = [IndicatorTarget(period=p, target=target) for p in PERIODS]
                session.add(ind)
        out.append(c)
    session.flush()
    return out


def list_commitments(session: Session) -> list[Commitment]:
    """Every commitment with its indicators and targets, by strand and code."""
    return list(session.scalars(select(Commitment).order_by(Commitment.strand, Commitment.code)))


def commitment_by_code(session: Session, code: str) -> Commitment:
    """The commitment with ``code``, or NotFound."""
    c = session.scalar(select(Commitment).where(Commitment.code == code))
    if c is None:
        raise NotFound(f"unknown commitment {code!r}", field="code")
    return c


def entered_values(session: Session, commitments: list[Commitment]) -> dict[uuid.UUID, list[IndicatorValue]]:
    """Hand-entered values of the commitments' indicators, by indicator id, oldest period first."""
    ids = [ind.id for c in commitments for ind in c.indicators]
    out: dict[uuid.UUID, list[IndicatorValue]] = {i: [] for i in ids}
    if ids:
        stmt = (
            select(IndicatorValue).where(IndicatorValue.indicator_id.in_(ids)).order_by(IndicatorValue.period)
        )
        for row in session.scalars(stmt):
            out[row.indicator_id].append(row)
    return out


def indicator_by_code(session: Session, code: str) -> Indicator:
    """The indicator with ``code``, or NotFound."""
    ind = session.scalar(select(Indicator).where(Indicator.code == code))
    if ind is None:
        raise NotFound(f"unknown indicator {code!r}", field="indicator")
    return ind


def enter_value(
    session: Session,
    *,
    indicator_code: str,
    period: str,
    value: float,
    note: str | None = None,
    entered_by: uuid.UUID | None = None,
) -> IndicatorValue:
    """Enter (or correct) a hand-counted value for a half-year."""
    parse_period(period)
    ind = indicator_by_code(session, indicator_code)
    if ind.source != MANUAL:
        raise ValidationFailed("this indicator is computed from the records", field="indicator")
    if value < 0:
        raise ValidationFailed("must be zero or more", field="value")
    row = session.scalar(
        select(IndicatorValue).where(IndicatorValue.indicator_id == ind.id, IndicatorValue.period == period)
    )
    if row is None:
        row = IndicatorValue(
            indicator_id=ind.id, period=period, value=value, note=note, entered_by=entered_by
        )
        session.add(row)
    else:
        row.value, row.note, row.entered_by, row.entered_at = value, note, entered_by, utcnow()
    session.flush()
    return row
