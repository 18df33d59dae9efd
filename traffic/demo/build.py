"""Build the demo data set in one transaction: reference data first, then every record kind.

Organisations, zones and the promise are created through their services (idempotently).
The generated records are inserted with Core ``executemany`` and the build writes ONE audit
event (action ``import``, entity ``demo``) instead of one per row.

``reset`` deletes the rows of :data:`DEMO_TABLES` first. It keeps organisations, users,
zones and the commitments (reference data, re-created idempotently) and never touches
``audit_events``: the audit trail is append-only and the database refuses to delete from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

import traffic.models as m
from traffic.actors import Actor
from traffic.audit.hook import actor_of
from traffic.demo.checks import DEFAULT_CHECKS, check_batches
from traffic.demo.clock import AS_OF
from traffic.demo.commitments import load_commitments
from traffic.demo.incidents import DEFAULT_INCIDENTS, incident_rows
from traffic.demo.measures import measure_rows
from traffic.demo.operations import generate_operations
from traffic.demo.presence import presence_rows
from traffic.demo.rows import insert_rows
from traffic.demo.tallies import tally_rows
from traffic.errors import Conflict, ValidationFailed
from traffic.orgs.service import ensure_organisations
from traffic.storage.db import session_factory, unit_of_work
from traffic.zones.service import ensure_default_zones

DEFAULT_SEED = 2024
DEMO_SECRET = "demo-pseudonym-secret"
DEMO_ACTOR = Actor(username="demo", role="admin")
# Child tables first, so deleting never breaks a foreign key.
DEMO_TABLES = (
    "check_codes",
    "vehicle_checks",
    "tally_counts",
    "tallies",
    "presence_sessions",
    "operations",
    "safety_measures",
    "incidents",
    "indicator_values",
)
CHILD_TABLES = frozenset({"check_codes", "tally_counts"})  # not worth naming in messages
ProgressFn = Callable[[str, int, int], None]


def _table(name: str) -> Any:
    return m.Base.metadata.tables[name]


def existing_counts(session: Session) -> dict[str, int]:
    """Rows now in each table that a demo build fills (see :data:`DEMO_TABLES`)."""
    return {
        name: int(session.scalar(select(func.count()).select_from(_table(name))) or 0)
        for name in DEMO_TABLES
    }


def reset_demo(session: Session) -> dict[str, int]:
    """Delete every row of :data:`DEMO_TABLES` (audit events are kept); return what was there."""
    before = existing_counts(session)
    for name in DEMO_TABLES:
        session.execute(delete(_table(name)))
    session.flush()
    return before


def build_demo(
    session_or_engine: Session | Engine,
    *,
    seed: int = DEFAULT_SEED,
    checks: int | None = None,
    incidents: int | None = None,
    reset: bool = False,
    progress: ProgressFn | None = None,
    pseudonym_secret: str = DEMO_SECRET,
) -> dict[str, int]:
    """Load the Mjölby demo data; return the number of records per kind.

    Given an engine, the build commits in one transaction of its own; given a session, it
    only flushes and the caller commits. Refuses (``Conflict``) when demo tables already hold
    data, unless ``reset``.
    """
    if isinstance(session_or_engine, Engine):
        factory = session_factory(session_or_engine)
        with unit_of_work(factory, actor=DEMO_ACTOR, purpose="demo data") as session:
            return build_demo(
                session,
                seed=seed,
                checks=checks,
                incidents=incidents,
                reset=reset,
                progress=progress,
                pseudonym_secret=pseudonym_secret,
            )
    _check_arguments(seed, checks, incidents)
    return _build(
        session_or_engine,
        seed=seed,
        checks=DEFAULT_CHECKS if checks is None else checks,
        incidents=DEFAULT_INCIDENTS if incidents is None else incidents,
        reset=reset,
        report=progress or (lambda _label, _done, _total: None),
        secret=pseudonym_secret,
    )


def _check_arguments(seed: int, checks: int | None, incidents: int | None) -> None:
    if not 0 <= seed < 2**63:
        raise ValidationFailed("must be a whole number from 0 to 2^63 - 1", field="seed")
    for name, value in (("checks", checks), ("incidents", incidents)):
        if value is not None and value < 0:
            raise ValidationFailed("must be zero or more", field=name)


def _refuse_or_reset(session: Session, reset: bool) -> dict[str, int] | None:
    present = {k: v for k, v in existing_counts(session).items() if v}
    if not present:
        return None
    if not reset:
        listed = ", ".join(f"{k} {v}" for k, v in present.items() if k not in CHILD_TABLES)
        raise Conflict(
            f"the database already holds data ({listed}); use --reset to replace it "
            "(the audit trail is kept) / databasen innehåller redan data, använd --reset",
            field="reset",
        )
    return reset_demo(session)


def _build(
    session: Session,
    *,
    seed: int,
    checks: int,
    incidents: int,
    reset: bool,
    report: ProgressFn,
    secret: str,
) -> dict[str, int]:
    deleted = _refuse_or_reset(session, reset)
    report("referensdata / reference data", 0, 1)
    orgs = {code: org.id for code, org in ensure_organisations(session).items()}
    zones = ensure_default_zones(session, org_id=orgs["polisen"])
    zone_id = next(z.id for z in zones if z.code == "resecentrum_300m")
    report("referensdata / reference data", 1, 1)
    counts: dict[str, int] = {"organisations": len(orgs), "zones": len(zones)}

    plans = generate_operations(seed, org_id=orgs["polisen"])
    counts["operations"] = insert_rows(session, _table("operations"), [p.row for p in plans])
    report("insatser / operations", counts["operations"], counts["operations"])

    done = 0
    for check_rows, code_rows in check_batches(
        plans, checks, seed=seed, org_id=orgs["polisen"], secret=secret
    ):
        insert_rows(session, _table("vehicle_checks"), check_rows)
        insert_rows(session, _table("check_codes"), code_rows)
        done += len(check_rows)
        report("kontroller / checks", done, checks)
    counts["checks"] = done

    tallies, tally_counts = tally_rows(plans, seed=seed, org_id=orgs["polisen"])
    counts["tallies"] = insert_rows(session, _table("tallies"), tallies)
    insert_rows(session, _table("tally_counts"), tally_counts)

    stages = (
        ("presence", "närvaro / presence", "presence_sessions",
         lambda: presence_rows(seed, org_id=orgs["polisen"], zone_id=zone_id)),
        ("measures", "åtgärder / measures", "safety_measures",
         lambda: measure_rows(seed, orgs=orgs)),
        ("incidents", "händelser / incidents", "incidents",
         lambda: incident_rows(seed, orgs=orgs, count=incidents)),
    )  # fmt: skip
    for key, label, table, make in stages:
        rows = make()
        counts[key] = insert_rows(session, _table(table), rows)
        report(label, counts[key], len(rows))

    counts["commitments"], counts["indicator_values"] = load_commitments(session, seed)
    report("löften / commitments", 1, 1)
    _audit(session, seed=seed, counts=counts, deleted=deleted)
    session.flush()
    # Fresh planner statistics after a bulk load (autovacuum may be off or late); without them
    # PostgreSQL picks nested-loop plans that are 5–10× slower on the first map and list pages.
    session.execute(text("ANALYZE"))
    return counts


def _audit(
    session: Session, *, seed: int, counts: dict[str, int], deleted: dict[str, int] | None
) -> None:
    actor = actor_of(session)
    session.add(
        m.AuditEvent(
            user_id=str(actor.user_id) if actor.user_id else None,
            username=actor.username,
            role=actor.role,
            action="import",
            entity="demo",
            entity_id=None,
            before={"deleted": deleted} if deleted else None,
            after={"seed": seed, "counts": counts, "as_of": AS_OF.isoformat()},
            purpose=session.info.get("purpose") or "demo data",
        )
    )
