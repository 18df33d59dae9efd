"""Map query parameters: the list filters (parsed by :func:`api.listing.list_query`) plus map options.

Pages and ``trafiktrygg export map`` build the same :class:`MapQuery`, so a map exported with
``--period 2025H1 --focus A_TRAKTOR`` shows what ``/maps/…?period=2025H1&focus=A_TRAKTOR`` shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from api.deps import SettingsDep
from api.listing import ListQueryDep, list_query
from api.mapsweb.settings import MapSettings, map_settings
from api.params import BadParameter
from traffic import vocab
from traffic.queries import SPECS, RecordFilter

Shape = Literal["square", "hex"]
Records = Literal["checks", "remarks", "incidents"]
Step = Literal["week", "month"]
# The list filters a map page takes (``limit``, ``offset``, ``sort`` and ``f`` are accepted and ignored).
FILTERS = (
    "period", "datetime", "bbox", "zone", "organisation",
    "focus", "vehicle_type", "finding", "outcome", "status", "kind",
)  # fmt: skip
CODE_VOCABULARIES = {
    "focus": "focus",
    "finding": "finding",
    "outcome": "outcome",
    "vehicle_type": "vehicle_type",
}
FILTER_LABELS = {
    "sv": {
        "period": "Period",
        "datetime": "Tid",
        "bbox": "Utsnitt",
        "zone": "Område",
        "organisation": "Organisation",
        "focus": "Fokus",
        "vehicle_type": "Fordonstyp",
        "finding": "Anmärkning",
        "outcome": "Utfall",
        "status": "Status",
        "kind": "Typ",
    },
    "en": {
        "period": "Period",
        "datetime": "Time",
        "bbox": "Extent",
        "zone": "Zone",
        "organisation": "Organisation",
        "focus": "Focus",
        "vehicle_type": "Vehicle type",
        "finding": "Finding",
        "outcome": "Outcome",
        "status": "Status",
        "kind": "Kind",
    },
}


@dataclass(frozen=True)
class MapQuery:
    """Everything a map builder needs to know about the request."""

    flt: RecordFilter
    raw: dict[str, str]  # the filter parameters as given (for the title box and links)
    lang: str = "sv"
    cell_m: float | None = None  # None: the page's default
    shape: Shape = "square"
    records: Records = "checks"
    step: Step | None = None

    def lines(self) -> list[str]:
        """One ``Label: value`` line per filter given, codes shown with their labels."""
        labels = FILTER_LABELS[self.lang]
        return [f"{labels[k]}: {_label(k, v, self.lang)}" for k, v in self.raw.items() if k in labels]

    def query_string(self) -> str:
        """The filters and map options as a query string (``?…``, empty when nothing is set)."""
        params = dict(self.raw)
        if self.lang != "sv":
            params["lang"] = self.lang
        for key, value in (("cell_m", self.cell_m), ("step", self.step)):
            if value is not None:
                params[key] = f"{value:g}" if isinstance(value, float) else str(value)
        if self.shape != "square":
            params["shape"] = self.shape
        if self.records != "checks":
            params["records"] = self.records
        return "?" + urlencode(params) if params else ""

    def for_kind(self, kind: str) -> RecordFilter:
        """The filter without the parts ``kind`` cannot take (focus on checks, finding on incidents…)."""
        columns = SPECS[kind].columns
        equals = {k: v for k, v in self.flt.equals.items() if k in columns}
        if kind == "checks":
            return replace(self.flt, equals=equals)
        return replace(self.flt, equals=equals, finding=None, outcome=None)


def _label(key: str, value: str, lang: str) -> str:
    name = CODE_VOCABULARIES.get(key)
    if name is None:
        return value
    try:
        return vocab.vocabulary(name).get(value).label(lang)
    except KeyError:
        return value


def check_codes(raw: dict[str, str]) -> None:
    """Refuse an unknown focus, finding, outcome or vehicle type, naming the parameter."""
    for key, name in CODE_VOCABULARIES.items():
        if key in raw and raw[key] not in vocab.vocabulary(name):
            known = ", ".join(sorted(vocab.vocabulary(name).codes))
            raise BadParameter(f"unknown code {raw[key]!r}; valid: {known}", field=key)


def build_query(
    flt: RecordFilter,
    raw: dict[str, Any],
    *,
    lang: str = "sv",
    cell_m: float | None = None,
    shape: Shape = "square",
    records: Records = "checks",
    step: Step | None = None,
) -> MapQuery:
    """A :class:`MapQuery` from a parsed filter and the raw parameters."""
    given = {k: str(v) for k, v in raw.items() if v not in (None, "")}
    check_codes(given)
    if cell_m is not None and not 10 <= cell_m <= 5000:
        raise BadParameter("cell size must be 10–5000 m", field="cell_m")
    return MapQuery(flt, given, "en" if lang == "en" else "sv", cell_m, shape, records, step)


def query_from_options(session: Session, options: dict[str, Any], **map_options: Any) -> MapQuery:
    """The query the CLI builds from its options, parsed by the API's own list parser."""
    raw = {k: options.get(k) for k in FILTERS}
    parsed = list_query(SimpleNamespace(headers={}), session, **raw)  # type: ignore[arg-type]
    return build_query(parsed.flt, raw, **map_options)


def map_query(
    q: ListQueryDep,
    settings: SettingsDep,
    period: str | None = None,
    datetime: str | None = None,
    bbox: str | None = None,
    zone: str | None = None,
    organisation: str | None = None,
    focus: str | None = None,
    vehicle_type: str | None = None,
    finding: str | None = None,
    outcome: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    lang: Annotated[Literal["sv", "en"] | None, Query(description="sv (default) or en")] = None,
    cell_m: Annotated[float | None, Query(description="cell size in metres (10–5000)")] = None,
    shape: Annotated[Shape, Query(description="square grid or hexagons")] = "square",
    records: Annotated[
        Records, Query(description="heat and hot spots of checks, remarks or incidents")
    ] = "checks",
    step: Annotated[Step | None, Query(description="heat map time slider: week or month")] = None,
) -> MapQuery:
    """Parse the map parameters (the list filters are parsed once, by ``list_query``)."""
    raw = {
        "period": period,
        "datetime": datetime,
        "bbox": bbox,
        "zone": zone,
        "organisation": organisation,
        "focus": focus,
        "vehicle_type": vehicle_type,
        "finding": finding,
        "outcome": outcome,
        "status": status,
        "kind": kind,
    }
    return build_query(
        q.flt,
        raw,
        lang=lang or settings.language,
        cell_m=cell_m,
        shape=shape,
        records=records,
        step=step,
    )


MapQueryDep = Annotated[MapQuery, Depends(map_query)]
MapSettingsDep = Annotated[MapSettings, Depends(map_settings)]
