"""Organisations and user accounts (argon2-hashed passwords)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from traffic import vocab
from traffic.errors import Conflict, NotFound, ValidationFailed
from traffic.ids import stable_id
from traffic.orgs.models import Organisation, User

DEFAULT_ORGANISATIONS = (
    ("polisen", "Polisen – lokalpolisområde Motala", "POLICE"),
    ("mjolby_kommun", "Mjölby kommun", "MUNICIPALITY"),
    ("bostadsbolaget", "Bostadsbolaget i Mjölby AB", "PARTNER"),
    ("trafikverket", "Trafikverket", "AGENCY"),
)
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()


def ensure_organisations(session: Session) -> dict[str, Organisation]:
    """Create the default organisations if missing; return all by code."""
    existing = {o.code: o for o in session.scalars(select(Organisation))}
    for code, name, kind in DEFAULT_ORGANISATIONS:
        if code not in existing:
            existing[code] = Organisation(id=stable_id("organisation", code), code=code, name=name, kind=kind)
            session.add(existing[code])
    session.flush()
    return existing


def organisation_by_code(session: Session, code: str) -> Organisation:
    """The organisation with ``code``, or NotFound listing the valid codes."""
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        codes = ", ".join(session.scalars(select(Organisation.code).order_by(Organisation.code)))
        raise NotFound(f"unknown organisation {code!r}; known: {codes}", field="org")
    return org


def add_user(session: Session, *, username: str, role: str, org_code: str, password: str) -> User:
    """Create an account; the password is stored only as an argon2 hash."""
    vocab.vocabulary("role").check(role, field="role")
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise ValidationFailed("use letters, digits, '.', '_' or '-'", field="username")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} exists", field="username")
    org = organisation_by_code(session, org_code)
    user = User(username=username, role=role, org_id=org.id, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def verify_password(user: User, password: str) -> bool:
    """True if ``password`` matches the stored hash."""
    try:
        return _hasher.verify(user.password_hash, password)
    except VerificationError:
        return False
