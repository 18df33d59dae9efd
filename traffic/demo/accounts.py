"""Sign-in accounts for the demo: one per role, so the two README commands give a usable app.

The password is published in the README; the CLI refuses these accounts in production mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from traffic.orgs.models import User
from traffic.orgs.service import add_user, ensure_organisations

DEMO_PASSWORD = "mjolby-demo-2025"


@dataclass(frozen=True)
class DemoAccount:
    """One demo sign-in."""

    username: str
    role: str
    org: str
    who: str  # what the person does, in Swedish


DEMO_ACCOUNTS = (
    DemoAccount("polis", "officer", "polisen", "polis i yttre tjänst (fältappen /falt)"),
    DemoAccount("chef", "lead", "polisen", "lokalpolisområdets ledning"),
    DemoAccount("planerare", "planner", "mjolby_kommun", "trafikplanerare på kommunen"),
    DemoAccount("admin", "admin", "mjolby_kommun", "systemförvaltare"),
)


def ensure_demo_accounts(session: Session, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Create the demo accounts that are missing; the ones created now."""
    ensure_organisations(session)
    existing = set(session.scalars(select(User.username)))
    created = []
    for account in DEMO_ACCOUNTS:
        if account.username not in existing:
            add_user(
                session, username=account.username, role=account.role, org_code=account.org, password=password
            )
            created.append(account)
    return created
