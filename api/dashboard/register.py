"""The safety-measure register: search, the next statuses the workflow allows, before/after effect."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from geo.geojson import geometry_to_geojson
from traffic import vocab
from traffic.actors import Actor
from traffic.effects import Effect, measure_effects
from traffic.measures.models import SafetyMeasure
from traffic.queries import get_visible
from traffic.visibility import can_edit, measure_condition

MAX_ROWS = 500


@dataclass(frozen=True)
class Search:
    """The register's search form: free text, status and kind."""

    q: str = ""
    status: str = ""
    kind: str = ""


def search(session: Session, actor: Actor, s: Search) -> tuple[list[SafetyMeasure], int]:
    """Visible measures matching ``s`` (newest first, at most :data:`MAX_ROWS`) and how many match."""
    conds: list[Any] = [measure_condition(actor)]
    if s.q:
        like = f"%{s.q.lower()}%"
        conds.append(or_(SafetyMeasure.title.ilike(like), SafetyMeasure.description.ilike(like)))
    if s.status:
        conds.append(SafetyMeasure.status == s.status)
    if s.kind:
        conds.append(SafetyMeasure.kind == s.kind)
    rows = list(
        session.scalars(
            select(SafetyMeasure)
            .where(*conds)
            .order_by(SafetyMeasure.created_at.desc(), SafetyMeasure.id)
            .limit(MAX_ROWS + 1)
        )
    )
    return rows[:MAX_ROWS], len(rows)


def next_statuses(current: str) -> list[str]:
    """The statuses the workflow allows after ``current`` (only these are offered)."""
    return vocab.vocabulary("measure_status").get(current).group.split()


def measure(session: Session, actor: Actor, measure_id: uuid.UUID) -> SafetyMeasure:
    """A measure the actor may see (NotFound otherwise)."""
    return get_visible(session, "measures", actor, measure_id)


def editable_by(actor: Actor, m: SafetyMeasure) -> bool:
    """Whether the actor may change ``m`` (the API's rule)."""
    return can_edit(actor, m)


def effect(session: Session, m: SafetyMeasure) -> Effect | None:
    """The before/after effect of a completed measure (None before completion)."""
    if m.status != "COMPLETED" or m.completed_on is None:
        return None
    return measure_effects(session, [m])[0]


def days(span: tuple[date, date] | None) -> str:
    """A period of the effect as ``first – last`` day (the model keeps the day after the last)."""
    if span is None:
        return ""
    return f"{span[0]} – {span[1] - timedelta(days=1)}"


def number(value: float, lang: str) -> str:
    """Two decimals, with a decimal comma in Swedish."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "sv" else text


def geometry_text(m: SafetyMeasure | None) -> str:
    """The measure's geometry as GeoJSON text (empty for a new measure)."""
    if m is None or m.geom is None:
        return ""
    return json.dumps(geometry_to_geojson(m.geom))


def form_data(m: SafetyMeasure | None) -> str:
    """Id and version for the form's script, safe inside ``<script type="application/json">``."""
    data = {"id": str(m.id), "version": m.version} if m is not None else {"id": None}
    return json.dumps(data).replace("<", "\\u003c")
