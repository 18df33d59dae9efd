"""OGC query parameters: parsed and validated once; bad or unknown parameters are 400 naming them.

OGC API – Features Part 1 asks for 400 (not 422) when a parameter is unknown or its value
invalid, so the routes of this package use :class:`OgcRoute`, which turns FastAPI's request
validation errors into :class:`api.params.BadParameter`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.responses import Response

from api.params import BadParameter, parse_bbox, parse_datetime
from traffic.queries import MAX_LIMIT, RecordFilter

DEFAULT_LIMIT = 10  # the OGC API – Features default page size
MAX_OFFSET = 2**31 - 1  # far beyond any table here; larger values overflow SQLite's INTEGER
JSON_FORMATS = frozenset({"json", "geojson", "application/json", "application/geo+json"})


class OgcRoute(APIRoute):
    """A route whose request validation errors become 400 problem+json naming the parameter."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler."""
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
                field = str(first["loc"][-1]) if first["loc"] else "query"
                raise BadParameter(first["msg"], field=field) from None

        return route


def _only(request: Request, known: Iterable[str]) -> None:
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        valid = ", ".join(sorted(known))
        raise BadParameter(f"unknown query parameter; this resource takes: {valid}", field=unknown[0])


def _check_format(f: str | None) -> None:
    if f is not None and f.lower() not in JSON_FORMATS:
        raise BadParameter("only JSON is served: use f=json (or leave f out)", field="f")


FormatParam = Annotated[str | None, Query(description="output format: json (the only one; the default)")]


def plain_query(request: Request, f: FormatParam = None) -> None:
    """Landing page, conformance, collections: only ``f`` is known."""
    _only(request, ("f",))
    _check_format(f)


@dataclass(frozen=True)
class ItemsQuery:
    """Parsed ``/items`` parameters."""

    flt: RecordFilter
    limit: int
    offset: int


def items_query(
    request: Request,
    bbox: Annotated[
        str | None,
        Query(description="minLon,minLat,maxLon,maxLat in CRS84 (WGS84 lon/lat); 6 numbers with heights"),
    ] = None,
    datetime: Annotated[
        str | None,
        Query(description="RFC 3339 instant or interval a/b; open ends as .. or empty"),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, description=f"page size, default {DEFAULT_LIMIT}; above {MAX_LIMIT} is capped")
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="number of features to skip (next links use it)")
    ] = 0,
    f: FormatParam = None,
) -> ItemsQuery:
    """Parse and validate the ``/items`` parameters (unknown ones are refused)."""
    _only(request, ("bbox", "datetime", "limit", "offset", "f"))
    _check_format(f)
    try:
        interval = parse_datetime(datetime)
    except OverflowError:  # e.g. 9999-12-31: the interval end would pass datetime.max
        raise BadParameter("the time is out of range", field="datetime") from None
    flt = RecordFilter(bbox=parse_bbox(bbox), start=interval.start, end=interval.end)
    return ItemsQuery(flt, min(limit, MAX_LIMIT), offset)


PlainQuery = Depends(plain_query)
ItemsQueryDep = Annotated[ItemsQuery, Depends(items_query)]
