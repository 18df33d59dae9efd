"""Domain errors → RFC 9457 problem+json, in one table.

Routes raise domain errors; this module alone knows their HTTP status. No stack trace
or internal message ever reaches a client.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

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


# The schema sits under application/problem+json only (a "model" would put it under the route's
# application/json, which no error is sent as); ``declare_problem_schema`` adds the component.
PROBLEM_SCHEMA_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"content": {PROBLEM: {"schema": PROBLEM_SCHEMA_REF}}, "description": text}
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
        (503, "Database busy: nothing was saved; retry after Retry-After seconds (same Idempotency-Key)"),
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


def declare_problem_schema(app: FastAPI) -> None:
    """Add ``Problem`` (and ``FieldProblem``) to the OpenAPI components PROBLEM_RESPONSES refer to."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = build()
            schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components = doc.setdefault("components", {}).setdefault("schemas", {})
            for name, definition in {**schema.pop("$defs", {}), "Problem": schema}.items():
                components.setdefault(name, definition)
            # FastAPI's own 422 shape is replaced by Problem on every route: drop it when unused.
            used = json.dumps(doc.get("paths", {}))
            for name in ("HTTPValidationError", "ValidationError"):
                if f"#/components/schemas/{name}" not in used:
                    components.pop(name, None)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


# SQLSTATEs of PostgreSQL lock conflicts: serialization failure, deadlock, lock not available.
_BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def database_busy(exc: OperationalError | PoolTimeout) -> bool:
    """A transient lock conflict or no free connection (retrying helps), not a broken database."""
    if isinstance(exc, PoolTimeout):
        return True
    if getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """The methods some route answers at the request's path (for ``Allow`` on a 405)."""
    routes = request.app.router.routes
    out = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in routes):
            out.append(method)
    return out


def add_exception_handlers(app: FastAPI) -> None:
    """Install the handlers (domain table, request validation, HTTP errors, a last resort).

    Also declares the Problem schema in the OpenAPI document (see :func:`declare_problem_schema`).
    """
    declare_problem_schema(app)

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

    async def http(req: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # RFC 9110: Allow lists every method of the resource, not only the first route's.
            headers["Allow"] = ", ".join(allowed_methods(req)) or headers.get("Allow", "")
        return problem(exc.status_code, str(exc.detail), str(exc.detail), headers=headers or None)

    async def busy(req: Request, exc: OperationalError | PoolTimeout) -> JSONResponse:
        # The database could not take the lock in time (SQLite's busy timeout with several
        # workers, a PostgreSQL lock or serialization conflict), or every pooled connection
        # stayed taken: nothing was stored, so the client may retry (same Idempotency-Key).
        if not database_busy(exc):
            return await crash(req, exc)
        log.warning("database busy: %s", getattr(exc, "orig", exc))
        return problem(
            503,
            "Databasen är upptagen / database busy",
            "the database is busy; nothing was saved, retry shortly",
            headers={"Retry-After": "1"},
        )

    async def crash(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(500, "Internt fel / internal error", "Something went wrong; it has been logged.")

    app.add_exception_handler(DomainError, domain)
    app.add_exception_handler(GeoError, domain)
    app.add_exception_handler(RequestValidationError, invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http)  # type: ignore[arg-type]
    app.add_exception_handler(TooManyAttempts, locked)  # type: ignore[arg-type]
    app.add_exception_handler(StaleDataError, stale)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, busy)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeout, busy)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, crash)
