"""Visible records → the plain inputs of :mod:`maps` (zones, operation pins, measure shapes).

Records are read with :func:`traffic.queries.list_records` for the caller's actor and turned
into fields with :func:`api.serialize.properties`, the same function the REST API answers
with: a map can never show a field the API would withhold from the same caller.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from api.serialize import properties
from geo.geojson import geometry_to_geojson
from maps.data import MeasureShape, OperationPin, ZoneShape
from traffic import vocab
from traffic.actors import Actor
from traffic.aggregates import count_by
from traffic.orgs.models import Organisation
from traffic.queries import MAX_LIMIT, Page, RecordFilter, list_records
from traffic.timeutil import local

DEFAULT_ZONE = "resecentrum_300m"
# Each operation's results cost a count query; past this many operations the popups show none.
RESULTS_FOR_AT_MOST = 200
DATE_FIELDS = {
    "sv": (("proposed_on", "Föreslagen"), ("planned_on", "Planerad"), ("started_on", "Påbörjad"),
           ("completed_on", "Genomförd")),
    "en": (("proposed_on", "Proposed"), ("planned_on", "Planned"), ("started_on", "Started"),
           ("completed_on", "Completed")),
}  # fmt: skip


def label_of(vocabulary: str, lang: str) -> Callable[[str | None], str]:
    """A function giving the ``lang`` label of a code of ``vocabulary`` (the code when unknown)."""
    labels = vocab.vocabulary(vocabulary).labels(lang)
    return lambda code: labels.get(code or "", code or "")


def _when(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def visible(session: Session, kind: str, actor: Actor, flt: RecordFilter, sort: str | None = None) -> Page:
    """Up to :data:`~traffic.queries.MAX_LIMIT` visible records of ``kind``."""
    return list_records(session, kind, actor, flt, limit=MAX_LIMIT, sort=sort)


def zones(session: Session, actor: Actor, lang: str, highlight: str | None = DEFAULT_ZONE) -> list[ZoneShape]:
    """Every visible zone (municipality included) as an outline."""
    kind_label = label_of("zone_kind", lang)
    out = []
    for z in visible(session, "zones", actor, RecordFilter(), sort="name").items:
        if z.geom is None:
            continue
        out.append(
            ZoneShape(
                code=z.code,
                name=z.name,
                kind=z.kind,
                geometry=geometry_to_geojson(z.geom),
                kind_label=kind_label(z.kind),
                highlight=z.code == highlight,
            )
        )
    return out


def operation_results(
    session: Session, actor: Actor, operation_id: Any, lang: str
) -> tuple[int | None, tuple[tuple[str, int], ...]]:
    """Vehicles checked in an operation and the count per outcome, as the statistics count them."""
    table = count_by(session, "checks", "outcome", actor, RecordFilter(equals={"operation_id": operation_id}))
    outcome = label_of("outcome", lang)
    results = tuple((outcome(c.key), c.count) for c in table.cells if c.count)
    return table.total.count, results


def operations(
    session: Session, actor: Actor, flt: RecordFilter, lang: str
) -> tuple[list[OperationPin], int]:
    """Visible operations with a place, as pins (with results for up to :data:`RESULTS_FOR_AT_MOST`)."""
    page = visible(session, "operations", actor, flt)
    focus, status = label_of("focus", lang), label_of("operation_status", lang)
    with_results = len(page.items) <= RESULTS_FOR_AT_MOST
    pins = []
    for op in page.items:
        if op.geom is None:
            continue
        props = properties("operations", op, actor)
        point = op.geom.representative_point()
        vehicles, results = operation_results(session, actor, op.id, lang) if with_results else (None, ())
        pins.append(
            OperationPin(
                id=str(op.id),
                title=props["title"],
                focus=props["focus"],
                focus_label=focus(props["focus"]),
                status_label=status(props["status"]),
                lon=point.x,
                lat=point.y,
                start=_when(props.get("actual_start") or props.get("planned_start")),
                end=_when(props.get("actual_end") or props.get("planned_end")),
                place=props.get("place_name"),
                vehicles=vehicles,
                results=results,
            )
        )
    return pins, page.number_matched


def measures(session: Session, actor: Actor, flt: RecordFilter, lang: str) -> list[MeasureShape]:
    """Visible measures with a geometry; the free-text description only for signed-in roles."""
    kind, status = label_of("measure_kind", lang), label_of("measure_status", lang)
    owners: dict[Any, str] = {}
    out = []
    for ms in visible(session, "measures", actor, flt, sort="title").items:
        if ms.geom is None:
            continue
        props = properties("measures", ms, actor)
        if ms.org_id not in owners:
            org = session.get(Organisation, ms.org_id)
            owners[ms.org_id] = org.name if org is not None else ""
        cost = props.get("cost_sek")
        out.append(
            MeasureShape(
                id=str(ms.id),
                title=props["title"],
                kind=props["kind"],
                kind_label=kind(props["kind"]),
                status=props["status"],
                status_label=status(props["status"]),
                geometry=geometry_to_geojson(ms.geom),
                owner=owners[ms.org_id],
                dates=tuple((label, _when(props.get(key)) or "") for key, label in DATE_FIELDS[lang]),
                cost=f"{cost:,} kr".replace(",", " ") if cost is not None else None,
                description=props.get("description") if actor.role != "public" else None,
            )
        )
    return out
