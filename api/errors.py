"""Domain errors → RFC 9457 problem+json, in one table.

Routes raise domain errors; this module alone knows their HTTP status. No stack trace
or internal message ever reaches a client.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth.actor import NotAuthenticated
from api.auth.lockout import TooManyAttempts
from api.params import BadParameter
from api.versions import PreconditionFailed
from geo.errors import GeoError
from traffic.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed

log = logging.getLogger("trafiktrygg.api")
PROBLEM = "application/problem+json"

STATUS_TABLE: list[tuple[type[Exception], int, str]] = [
    (NotAuthenticated, 401, "Inloggning krävs / authentication required"),
    (BadParameter, 400, "Felaktig parameter / bad parameter"),
    (PreconditionFailed, 412, "Inaktuell version / precondition failed"),
    (NotFound, 404, "Hittades inte / not found"),
    (PermissionDenied, 403, "Ej behörig / forbidden"),
    (Conflict, 409, "Konflikt / conflict"),
    (ValidationFailed, 422, "Ogiltiga uppgifter / invalid input"),
    (GeoError, 422, "Ogiltig geometri / invalid geometry"),
    (DomainError, 400, "Felaktig begäran / bad request"),
]


class FieldProblem(BaseModel):
    """One field and what is wrong with it."""

    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {PROBLEM: {}}, "description": text}
    for code, text in [
        (400, "Bad parameter"),
        (401, "Authentication required"),
        (403, "Forbidden"),
        (404, "Not found"),
        (409, "Conflict"),
        (412, "Precondition failed"),
        (413, "Payload too large"),
        (422, "Invalid input"),
        (429, "Too many requests"),
    ]
}


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _field_error(exc: DomainError | GeoError) -> list[dict] | None:
    field = getattr(exc, "field", None)
    return [{"field": field, "message": exc.message}] if field else None


def add_exception_handlers(app: FastAPI) -> None:
    """Install the handlers: domain table, request validation, HTTP errors, and a last resort."""

    async def domain(_req: Request, exc: Exception) -> JSONResponse:
        for kind, status, title in STATUS_TABLE:
            if isinstance(exc, kind):
                headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
                return problem(status, title, str(exc), errors=_field_error(exc), headers=headers)  # type: ignore[arg-type]
        return problem(400, "Felaktig begäran / bad request", str(exc))

    async def locked(_req: Request, exc: TooManyAttempts) -> JSONResponse:
        return problem(
            429,
            "För många försök / too many requests",
            str(exc),
            headers={"Retry-After": str(exc.retry_after)},
        )

    async def stale(_req: Request, _exc: StaleDataError) -> JSONResponse:
        return problem(
            412,
            "Inaktuell version / precondition failed",
            "the record was changed by someone else meanwhile; reload and try again",
        )

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
        return problem(500, "Internt fel / internal error", "Something went wrong; it has been logged.")

    app.add_exception_handler(DomainError, domain)
    app.add_exception_handler(GeoError, domain)
    app.add_exception_handler(RequestValidationError, invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http)  # type: ignore[arg-type]
    app.add_exception_handler(TooManyAttempts, locked)  # type: ignore[arg-type]
    app.add_exception_handler(StaleDataError, stale)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, crash)
