"""/api/v1/commitments — the promise's commitments, indicators, targets and hand-entered values."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from api.deps import SessionDep
from api.errors import PROBLEM_RESPONSES
from api.permissions import Requires
from traffic.actors import Actor
from traffic.commitments.models import Commitment, IndicatorValue
from traffic.commitments.service import commitment_by_code, enter_value, entered_values, list_commitments
from traffic.schemas import Input, Note

router = APIRouter(
    prefix="/api/v1/commitments", tags=["medborgarlöfte / commitments"], responses=PROBLEM_RESPONSES
)
Reader = Annotated[Actor, Depends(Requires("commitments:read"))]
Writer = Annotated[Actor, Depends(Requires("commitments:write"))]
HALF_YEAR = r"^\d{4}H[12]$"


class TargetOut(BaseModel):
    """A half-year target, e.g. ``>= 6`` in 2025H1."""

    period: str
    target: float
    comparison: str


class ValueOut(BaseModel):
    """A hand-entered result for a half-year."""

    indicator: str
    period: str
    value: float
    note: str | None
    entered_at: datetime


class IndicatorOut(BaseModel):
    """An indicator with its targets and, for manual ones, the values entered so far."""

    code: str
    title_sv: str
    title_en: str
    unit: str
    source: str
    metric: str | None
    targets: list[TargetOut]
    values: list[ValueOut]


class CommitmentOut(BaseModel):
    """A promise item."""

    code: str
    strand: str
    title_sv: str
    title_en: str
    first_period: str
    last_period: str
    indicators: list[IndicatorOut]


class CommitmentList(BaseModel):
    """Every commitment."""

    items: list[CommitmentOut]


class ValueIn(Input):
    """A hand-counted value (a number, not a boolean) with an optional note."""

    value: Annotated[float, Field(ge=0, strict=True, description="the counted value, zero or more")]
    note: Note | None = None


@router.get("", response_model=CommitmentList, summary="Lista åtaganden / list commitments")
def list_all(session: SessionDep, _: Reader) -> CommitmentList:
    """Every commitment with indicators, targets and hand-entered values."""
    commitments = list_commitments(session)
    return CommitmentList(items=_shape(commitments, entered_values(session, commitments)))


@router.get("/{code}", response_model=CommitmentOut, summary="Hämta åtagande / get a commitment")
def read(session: SessionDep, _: Reader, code: str) -> CommitmentOut:
    """One commitment by code (404 if unknown)."""
    commitment = commitment_by_code(session, code)
    return _shape([commitment], entered_values(session, [commitment]))[0]


@router.put(
    "/indicators/{code}/values/{period}",
    response_model=ValueOut,
    summary="Ange värde / enter a hand-counted value",
)
def put_value(
    session: SessionDep,
    actor: Writer,
    code: str,
    period: Annotated[str, Path(pattern=HALF_YEAR, description="half-year, e.g. 2025H1")],
    body: ValueIn,
) -> ValueOut:
    """Enter or correct a manual indicator's value for a half-year (audited like every write)."""
    row = enter_value(
        session,
        indicator_code=code,
        period=period,
        value=body.value,
        note=body.note,
        entered_by=actor.user_id,
    )
    return _value(code, row)


def _value(code: str, row: IndicatorValue) -> ValueOut:
    return ValueOut(
        indicator=code, period=row.period, value=row.value, note=row.note, entered_at=row.entered_at
    )


def _shape(
    commitments: list[Commitment], values: dict[uuid.UUID, list[IndicatorValue]]
) -> list[CommitmentOut]:
    return [
        CommitmentOut(
            code=c.code,
            strand=c.strand,
            title_sv=c.title_sv,
            title_en=c.title_en,
            first_period=c.first_period,
            last_period=c.last_period,
            indicators=[
                IndicatorOut(
                    code=i.code,
                    title_sv=i.title_sv,
                    title_en=i.title_en,
                    unit=i.unit,
                    source=i.source,
                    metric=i.metric,
                    targets=[
                        TargetOut(period=t.period, target=t.target, comparison=t.comparison)
                        for t in sorted(i.targets, key=lambda t: t.period)
                    ],
                    values=[_value(i.code, v) for v in values.get(i.id, [])],
                )
                for i in c.indicators
            ],
        )
        for c in commitments
    ]
