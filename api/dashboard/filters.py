"""The dashboard's filters (period, focus, zone, organisation), parsed exactly as the API's lists.

A bad value does not fail the page: it is dropped and named in a message beside the form, so
the figures shown always match ``/api/v1/stats/…`` with the filters that were applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.listing import list_query
from api.params import BadParameter
from traffic import vocab
from traffic.actors import Actor
from traffic.orgs.models import Organisation
from traffic.queries import RecordFilter, spec
from traffic.timeutil import Period, parse_period
from traffic.visibility import zone_condition
from traffic.zones.models import Zone

NAMES = ("period", "focus", "zone", "organisation")


@dataclass(frozen=True)
class Filters:
    """The filter values as given (``values``), the parsed record filter and any problems."""

    values: dict[str, str]
    flt: RecordFilter
    problems: list[tuple[str, str]] = field(default_factory=list)

    def for_kind(self, kind: str) -> RecordFilter:
        """The filter without the fields ``kind`` does not have (incidents have no focus)."""
        columns = spec(kind).columns
        return replace(self.flt, equals={k: v for k, v in self.flt.equals.items() if k in columns})

    def query(self) -> dict[str, str]:
        """The applied filters as query parameters (for the API, map and export links)."""
        return dict(self.values)

    def period(self) -> Period | None:
        """The period as a :class:`Period` (None when not given)."""
        text = self.values.get("period")
        return parse_period(text) if text else None


def parse_filters(request: Request, session: Session) -> Filters:
    """Read the filters from the query string; drop and report the ones that cannot be used."""
    values = {n: request.query_params.get(n, "").strip() for n in NAMES}
    values = {k: v for k, v in values.items() if v}
    problems: list[tuple[str, str]] = []
    if "focus" in values and values["focus"] not in vocab.vocabulary("focus"):
        problems.append(("focus", f"unknown focus {values['focus']!r}"))
        values.pop("focus")
    for _ in NAMES:
        try:
            q = list_query(request, session, **_as_params(values))
        except BadParameter as exc:
            problems.append((exc.field or "period", exc.message))
            values.pop(exc.field or "period", None)
            continue
        return Filters(values, q.flt, problems)
    return Filters({}, RecordFilter(), problems)


def _as_params(values: dict[str, str]) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "bbox": None, "datetime": None, "period": None, "zone": None, "organisation": None,
        "focus": None, "vehicle_type": None, "finding": None, "outcome": None, "status": None,
        "kind": None, "operation_id": None, "limit": 100, "offset": 0, "sort": None, "f": None,
    }  # fmt: skip
    return {**defaults, **values}


def choices(session: Session, actor: Actor, lang: str) -> dict[str, list[tuple[str, str]]]:
    """(value, label) options of each select: focus codes, visible zones, organisations."""
    zones = session.execute(select(Zone.code, Zone.name).where(zone_condition(actor)).order_by(Zone.name))
    orgs = session.execute(select(Organisation.code, Organisation.name).order_by(Organisation.name))
    return {
        "focus": [(t.code, t.label(lang)) for t in vocab.vocabulary("focus")],
        "zone": [(code, name) for code, name in zones],
        "organisation": [(code, name) for code, name in orgs],
    }
