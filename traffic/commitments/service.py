"""Commitments: load the promise, set targets, enter hand-counted values."""

from __future__ import annotations

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
from traffic.timeutil import parse_period


def ensure_promise(session: Session) -> list[Commitment]:
    """Create the 2024/2025 commitments, indicators and targets if missing."""
    out = []
    for code, strand, title_sv, title_en, indicators in PROMISE:
        c = session.scalar(select(Commitment).where(Commitment.code == code))
        if c is None:
            c = Commitment(
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


def indicator_by_code(session: Session, code: str) -> Indicator:
    """The indicator with ``code``, or NotFound."""
    ind = session.scalar(select(Indicator).where(Indicator.code == code))
    if ind is None:
        raise NotFound(f"unknown indicator {code!r}", field="indicator")
    return ind


def enter_value(
    session: Session, *, indicator_code: str, period: str, value: float, note: str | None = None
) -> IndicatorValue:
    """Enter (or correct) a hand-counted value for a half-year."""
    parse_period(period)
    ind = indicator_by_code(session, indicator_code)
    if ind.source != MANUAL:
        raise ValidationFailed("this indicator is computed from the records", field="indicator")
    if value < 0:
        raise ValidationFailed("must be zero or more", field="value")
    row = session.scalar(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == ind.id, IndicatorValue.period == period
        )
    )
    if row is None:
        row = IndicatorValue(indicator_id=ind.id, period=period, value=value, note=note)
        session.add(row)
    else:
        row.value, row.note = value, note
    session.flush()
    return row
