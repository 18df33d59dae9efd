"""Login (bearer token + session cookie), logout, who am I, API tokens for integrations."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlalchemy import select

from api.auth.actor import SESSION_COOKIE, NotAuthenticated, credential
from api.auth.lockout import check_allowed, record_attempt
from api.auth.tokens import SESSION_TTL, issue_token, revoke_token
from api.deps import SessionDep
from api.errors import PROBLEM_RESPONSES
from api.permissions import Requires
from traffic.actors import Actor
from traffic.orgs.models import User
from traffic.orgs.service import verify_password
from traffic.schemas import Input, Integer

router = APIRouter(prefix="/api/v1/auth", tags=["konto / account"], responses=PROBLEM_RESPONSES)


class LoginIn(Input):
    """Username and password."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(Input):
    """A bearer token."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int | None
    role: str
    username: str


class ApiTokenIn(Input):
    """An integration token's name and lifetime."""

    name: str = Field(min_length=1, max_length=100)
    days: Integer = Field(default=90, ge=1, le=366)


@router.post("/login", response_model=TokenOut, summary="Logga in / log in")
def login(
    request: Request,
    session: SessionDep,
    body: LoginIn,
    _: Annotated[Actor, Depends(Requires("public"))],
) -> JSONResponse:
    """Check the password; return a short-lived bearer token and set the session cookie."""
    client = request.client.host if request.client else None
    check_allowed(session, username=body.username, client=client)
    user = session.scalar(select(User).where(User.username == body.username))
    ok = user is not None and user.active and verify_password(user, body.password)
    record_attempt(session, username=body.username, client=client, success=ok)
    if not ok or user is None:
        session.commit()  # the failed attempt must count even though we answer with an error
        raise NotAuthenticated("wrong username or password")
    raw, _token = issue_token(session, user)
    seconds = int(SESSION_TTL.total_seconds())
    out = TokenOut(access_token=raw, expires_in=seconds, role=user.role, username=user.username)
    response = JSONResponse(out.model_dump())
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        max_age=seconds,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout", status_code=204, summary="Logga ut / log out")
def logout(
    request: Request, session: SessionDep, _: Annotated[Actor, Depends(Requires("account"))]
) -> Response:
    """Revoke the token in use and clear the cookie."""
    raw = credential(request)
    if raw:
        revoke_token(session, raw)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", summary="Inloggad användare / current user")
def me(actor: Annotated[Actor, Depends(Requires("account"))]) -> dict[str, str | None]:
    """Who the token belongs to."""
    return {
        "username": actor.username,
        "role": actor.role,
        "org_id": str(actor.org_id) if actor.org_id else None,
    }


@router.post("/tokens", response_model=TokenOut, status_code=201, summary="API-nyckel / API token")
def api_token(
    session: SessionDep, body: ApiTokenIn, actor: Annotated[Actor, Depends(Requires("tokens:write"))]
) -> JSONResponse:
    """A long-lived token for an integration (QGIS, scripts), acting as the calling user."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotAuthenticated("log in first")
    raw, _t = issue_token(session, user, kind="api", ttl=timedelta(days=body.days), name=body.name)
    out = TokenOut(access_token=raw, expires_in=body.days * 86400, role=user.role, username=user.username)
    return JSONResponse(out.model_dump(), status_code=201)
