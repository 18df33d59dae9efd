"""Domain errors → RFC 9457 problem+json, in one table.

Routes raise domain errors; this module alone knows their HTTP status. No stack trace
or internal message ever reaches a client.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from geo.errors import GeoError
from traffic.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed

log = logging.getLogger("trafiktrygg.api")
PROBLEM = "application/problem+json"

STATUS_TABLE: list[tuple[type[Exception], int, str]] = [
    (NotFound, 404, "Hittades inte / not found"),
    (PermissionDenied, 403, "Ej behörig / forbidden"),
    (Conflict, 409, "Konflikt / conflict"),
    (ValidationFailed, 422, "Ogiltiga uppgifter / invalid input"),
    (GeoError, 422, "Ogiltig geometri / invalid geometry"),
    (DomainError, 400, "Felaktig begäran / bad request"),
]


def problem(
    status: int, title: str, detail: str, *, errors: list[dict] | None = None
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _field_error(exc: DomainError | GeoError) -> list[dict] | None:
    field = getattr(exc, "field", None)
    return [{"field": field, "message": exc.message}] if field else None


def add_exception_handlers(app: FastAPI) -> None:
    """Install the handlers: domain table, request validation, HTTP errors, and a last resort."""

    async def domain(_req: Request, exc: Exception) -> JSONResponse:
        for kind, status, title in STATUS_TABLE:
            if isinstance(exc, kind):
                return problem(status, title, str(exc), errors=_field_error(exc))  # type: ignore[arg-type]
        return problem(400, "Felaktig begäran / bad request", str(exc))

    async def invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"]}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, "Ogiltiga uppgifter / invalid input", detail, errors=errors)

    async def http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail))

    async def crash(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(
            500, "Internt fel / internal error", "Something went wrong; it has been logged."
        )

    app.add_exception_handler(DomainError, domain)
    app.add_exception_handler(GeoError, domain)
    app.add_exception_handler(RequestValidationError, invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, crash)
