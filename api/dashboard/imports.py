"""``POST /api/v1/imports/incidents``: a file upload through the import code of the CLI.

The request body is the file itself (CSV in Swedish Excel style, GeoJSON or GeoPackage); the
``filename`` parameter only lends its suffix to the format detection. Rows go through
:func:`traffic.io.importer.import_file`, so every rule is the API's and the CLI's: all or
nothing unless ``partial=true``, and a report of every rejected row. A rejected import answers
422 problem+json naming each row and field, and stores nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.deps import SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES, problem
from api.permissions import Requires
from traffic.actors import Actor
from traffic.errors import ValidationFailed
from traffic.io.importer import import_file
from traffic.io.readers import SUFFIXES

# Not under /api/v1/incidents: "import" there would read as an incident id for other methods.
router = APIRouter(prefix="/api/v1/imports", tags=["händelser / incidents"], responses=PROBLEM_RESPONSES)
Writer = Annotated[Actor, Depends(Requires("incidents:write"))]


async def raw_body(request: Request) -> bytes:
    """The request body (read here so the route itself can run in the thread pool)."""
    return await request.body()


Body = Annotated[bytes, Depends(raw_body)]


class ImportResult(BaseModel):
    """Rows read, stored and rejected (with why)."""

    kind: str
    total: int
    accepted: int
    rejected_rows: int
    problems: list[dict]


@router.post(
    "/incidents",
    summary="Importera händelser från fil / import incidents from a file",
    response_model=ImportResult,
    openapi_extra={"requestBody": {"required": True, "content": {
        "text/csv": {}, "application/geo+json": {}, "application/octet-stream": {}}}},
)  # fmt: skip
def import_incidents(
    session: SessionDep,
    settings: SettingsDep,
    actor: Writer,
    body: Body,
    filename: Annotated[str, Query(max_length=200, description="the file's name, for its suffix")] = "",
    format: Annotated[Literal["auto", "csv", "geojson", "gpkg"], Query()] = "auto",  # noqa: A002
    partial: Annotated[bool, Query(description="keep the good rows when some are rejected")] = False,
) -> JSONResponse:
    """Import incidents; all or nothing unless ``partial``."""
    if not body:
        raise ValidationFailed("the request body is empty: send the file", field="file")
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="tt-import-") as folder:
        path = Path(folder) / ("upload" + (suffix if suffix in SUFFIXES else ""))
        path.write_bytes(body)
        report = import_file(
            session, "incidents", path, actor=actor, fmt=format, partial=partial,
            pseudonym_secret=settings.pseudonym_secret,
        )  # fmt: skip
    problems = [
        {"row": r.row, "line": r.line, "field": r.field or "row", "message": r.message}
        for r in sorted(report.rejected, key=lambda r: r.row)
    ]
    if not report.ok and not partial:
        errors = [{"field": f"row {p['row']}: {p['field']}", "message": p["message"]} for p in problems]
        return problem(422, "Ogiltiga uppgifter / invalid input", report.summary(), errors=errors)
    result = ImportResult(kind="incidents", total=report.total, accepted=report.accepted,
                          rejected_rows=report.rejected_rows, problems=problems)  # fmt: skip
    return JSONResponse(result.model_dump())
