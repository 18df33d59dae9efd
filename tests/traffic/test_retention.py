"""Retention purge on real SQLite and PostGIS: demo data plus records on both sides of each deadline.

One demo database per backend for the module; every test works in a transaction rolled back
afterwards, so each starts from the same data. The policy puts every cut-off at 2025-01-01,
the middle of the demo's two years.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.conftest import _pg_base, create_postgis_database
from traffic.actors import Actor
from traffic.aggregates import PublicRules, count_by
from traffic.audit.hook import install_audit
from traffic.audit.models import AuditEvent, AuditPurgeGate
from traffic.checks.models import VehicleCheck
from traffic.demo import build_demo
from traffic.idempotency.models import IdempotencyRecord
from traffic.incidents.models import Incident
from traffic.operations.models import Operation
from traffic.orgs.models import LoginAttempt
from traffic.presence.models import PresenceSession
from traffic.retention.executor import PURGE_ACTION, purge, purge_if_due
from traffic.retention.planner import conditions, plan, steps
from traffic.retention.policy import Policy, RetentionConfigError, load_policy
from traffic.retention.rules import CLEAR, RULES
from traffic.stats import outcome_counts, record_counts
from traffic.storage.db import make_engine
from traffic.storage.migrate import upgrade
from traffic.tallies.models import Tally

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CUTOFF = datetime(2025, 1, 1, tzinfo=UTC)
# The audit trail is kept longer (cut-off 2024-01-01), so old events lose copied notes first.
POLICY = Policy({r.key: 730 if r.key.startswith("audit.") else (NOW - CUTOFF).days for r in RULES})
OLDEST, OLD, NEW = (datetime(y, 6, 1, tzinfo=UTC) for y in (2023, 2024, 2025))
SECRET_NOTE = "hemlig anteckning om föraren"


def _extras(conn: sa.Connection) -> None:
    """Rows the demo lacks, one older and one newer than the cut-off per rule."""
    ops = Operation.__table__
    checks = VehicleCheck.__table__
    op_ids = conn.execute(sa.select(ops.c.id).order_by(ops.c.id).limit(2)).scalars().all()
    check_ids = conn.execute(sa.select(checks.c.id).order_by(checks.c.id).limit(2)).scalars().all()
    for op_id, check_id, when in zip(op_ids, check_ids, (OLD, NEW), strict=True):
        conn.execute(
            sa.update(ops).where(ops.c.id == op_id).values(officer_ids=["u1", "u2"], actual_end=when)
        )
        conn.execute(
            sa.update(checks).where(checks.c.id == check_id).values(deleted_at=when, note=SECRET_NOTE)
        )
    for model in (Tally, PresenceSession, Incident):
        table = model.__table__
        ids = conn.execute(sa.select(table.c.id).order_by(table.c.id).limit(2)).scalars().all()
        for rid, when in zip(ids, (OLD, NEW), strict=True):
            conn.execute(sa.update(table).where(table.c.id == rid).values(deleted_at=when))
    for when in (OLDEST, OLD, NEW):
        for action in ("read", "update"):
            conn.execute(sa.insert(AuditEvent).values(at=when, action=action, entity="vehicle_checks"))
    for when in (OLD, NEW):
        # Snapshots that still carry a note, a pseudonym and officer ids (the audit keeps copies).
        snapshot = {"note": SECRET_NOTE, "vehicle_pseudonym": "abc123", "outcomes": ["BOT"]}
        for entity, before, after in (
            ("vehicle_checks", snapshot, {**snapshot, "note": None}),
            ("operations", {"officer_ids": ["u1"], "note": None}, {"officer_ids": [], "note": "x"}),
        ):
            conn.execute(
                sa.insert(AuditEvent).values(
                    at=when, action="create", entity=entity, before=before, after=after
                )
            )
        conn.execute(
            sa.insert(IdempotencyRecord).values(
                id=uuid.uuid4(),
                user_key="u",
                key=f"k-{when.year}",
                method="POST",
                path="/api/v1/checks",
                request_hash="h",
                created_at=when,
            )
        )
        conn.execute(
            sa.insert(LoginAttempt).values(
                id=uuid.uuid4(), username="anna", client="10.0.0.1", at=when, success=False
            )
        )


@pytest.fixture(scope="module", params=["sqlite", "postgis"])
def demo_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sa.Engine]:
    """A migrated database with a small demo data set and the extra rows, per backend."""
    install_audit()
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('retention') / 'r.sqlite'}"
    else:
        url = create_postgis_database(_pg_base(), suffix="_retention")
    upgrade(url)
    engine = make_engine(url)
    build_demo(engine, checks=300, incidents=30)
    with engine.begin() as conn:
        _extras(conn)
    yield engine
    engine.dispose()


@pytest.fixture
def sess(demo_engine: sa.Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test."""
    conn = demo_engine.connect()
    trans = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        trans.rollback()
        conn.close()


SKIP_COLUMNS = {"geom", "version", "updated_at"}


def dump(session: Session) -> dict[str, dict[tuple, dict[str, Any]]]:
    """Every row of every table a rule touches, keyed by primary key (geometry left out)."""
    out: dict[str, dict[tuple, dict[str, Any]]] = {}
    for table in {r.table for r in RULES}:
        cols = [c for c in table.columns if c.name not in SKIP_COLUMNS]
        pk = [c.name for c in table.primary_key.columns]
        rows = session.execute(sa.select(*cols)).mappings()
        out[table.name] = {tuple(r[k] for k in pk): dict(r) for r in rows}
    return out


def planned_targets(session: Session) -> dict[str, set[tuple]]:
    return {s.key: {tuple(row) for row in session.execute(s.targets())} for s in steps(POLICY, NOW)}


def statistics(session: Session) -> dict[str, Any]:
    """The figures that identify nobody: per outcome, finding, week, type, focus, month."""
    lead = Actor(username="stats", role="lead", org_id=session.scalar(sa.select(Operation.org_id).limit(1)))
    public = Actor(username="public", role="public")
    out: dict[str, Any] = {"outcomes": outcome_counts(session), "records": record_counts(session)}
    groups = {
        "checks": ("outcome", "finding", "vehicle_type", "focus", "week", "month"),
        "operations": ("focus", "status", "month"),
        "incidents": ("kind", "month"),
    }
    for kind, by in groups.items():
        for g in by:
            for who in (lead, public):
                table = count_by(session, kind, g, who, rules=PublicRules(), now=NOW)
                out[f"{kind}/{g}/{who.role}"] = (table.cells, table.total)
    return out


def _alone(rule: Any, cutoff: datetime) -> sa.Select:
    return sa.select(*rule.table.primary_key.columns).where(*conditions(rule, cutoff))


def test_both_sides_of_every_deadline(sess: Session) -> None:
    """Each rule has rows it would purge; an unlimited policy would have more (rows it keeps)."""
    forever = datetime(2100, 1, 1, tzinfo=UTC)
    for rule in RULES:
        before = sess.execute(_alone(rule, POLICY.cutoff(rule.key, NOW))).all()
        everything = sess.execute(_alone(rule, forever)).all()
        assert 0 < len(before) < len(everything), rule.key


def test_dry_run_changes_nothing_and_counts_what_would_go(sess: Session) -> None:
    before = dump(sess)
    items = {i.key: i for i in plan(sess, POLICY, NOW)}
    assert dump(sess) == before
    expected = planned_targets(sess)
    assert {k: i.count for k, i in items.items()} == {k: len(v) for k, v in expected.items()}
    assert all(i.cutoff == POLICY.cutoff(k.removeprefix("audit:"), NOW) for k, i in items.items())


def test_purge_removes_exactly_what_the_plan_listed(sess: Session) -> None:
    before = dump(sess)
    expected = planned_targets(sess)
    report = purge(sess, POLICY, NOW)
    after = dump(sess)
    assert {i.key: i.count for i in report.items} == {k: len(v) for k, v in expected.items()}

    scrubbed = set().union(*(v for k, v in expected.items() if k.startswith("audit:")))
    assert scrubbed, "the fixture has snapshots to scrub"
    for key in scrubbed:
        event = after["audit_events"][key]
        text = json.dumps([event["before"], event["after"]])
        assert SECRET_NOTE not in text and "abc123" not in text and '"u1"' not in text
        if event["entity"] == "vehicle_checks":  # the rest of the snapshot stays
            assert event["before"]["outcomes"] == ["BOT"]
        before["audit_events"][key] = {**before["audit_events"][key], "before": None, "after": None}
        after["audit_events"][key] = {**event, "before": None, "after": None}
    for table in before:
        rules = [r for r in RULES if r.table.name == table]
        gone = set(before[table]) - set(after[table])
        deleted = set().union(*(expected[r.key] for r in rules if r.action != CLEAR))
        assert gone == deleted, table
        cleared_cols = {r.column for r in rules if r.action == CLEAR}
        for rule in (r for r in rules if r.action == CLEAR):
            changed = {
                k for k in after[table] if before[table][k][rule.column] != after[table][k][rule.column]
            }
            assert changed == expected[rule.key], rule.key
            assert all(after[table][k][rule.column] in (None, [], "[]") for k in changed)
        for key, row in after[table].items():
            if key in before[table]:
                same = {c: v for c, v in row.items() if c not in cleared_cols}
                assert same == {c: v for c, v in before[table][key].items() if c not in cleared_cols}
            else:
                assert table == "audit_events" and row["action"] == PURGE_ACTION
    # Checked rule by rule on its own: nothing past any deadline is left.
    for rule in RULES:
        assert sess.execute(_alone(rule, POLICY.cutoff(rule.key, NOW))).all() == [], rule.key
    # Idempotent: nothing is left for a second run.
    assert purge(sess, POLICY, NOW).total == 0


def test_statistics_are_the_same_after_the_purge(sess: Session) -> None:
    tracks = len(planned_targets(sess)["presence.track"])
    before = statistics(sess)
    purge(sess, POLICY, NOW)
    after = statistics(sess)
    # GPS tracks past their period go as whole records: the only count that moves.
    assert after["records"].pop("presence") == before["records"].pop("presence") - tracks
    assert after == before


def test_purge_writes_one_audit_event_without_content(sess: Session) -> None:
    count = sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == PURGE_ACTION)
    n0 = sess.scalar(count)
    report = purge(sess, POLICY, NOW, actor=Actor(username="gallrare", role="admin"))
    assert sess.scalar(count) == n0 + 1
    event = sess.get(AuditEvent, report.event_id)
    assert event is not None and event.username == "gallrare" and event.entity == "retention"
    assert event.after["counts"] == {i.key: i.count for i in report.items}
    assert event.after["cutoffs"]["checks.note"] == CUTOFF.isoformat()
    assert event.after["policy"]["checks.note"] == 365
    assert SECRET_NOTE not in json.dumps(event.after, ensure_ascii=False)


def _newest_and_oldest(sess: Session) -> tuple[int, int]:
    newest = sess.scalar(sa.select(AuditEvent.id).where(AuditEvent.at == NEW, AuditEvent.action == "update"))
    oldest = sess.scalar(sa.select(AuditEvent.id).where(AuditEvent.at == OLD, AuditEvent.action == "update"))
    assert newest and oldest
    return newest, oldest


def test_an_open_gate_deletes_only_events_older_than_its_cutoff(sess: Session) -> None:
    newest, oldest = _newest_and_oldest(sess)
    sess.execute(sa.insert(AuditPurgeGate).values(cutoff=CUTOFF))
    with pytest.raises(DBAPIError, match="append-only"), sess.begin_nested():
        sess.execute(sa.delete(AuditEvent).where(AuditEvent.id == newest))
    with sess.begin_nested():
        assert sess.execute(sa.delete(AuditEvent).where(AuditEvent.id == oldest)).rowcount == 1
    # A gate for reads only does not open other actions.
    sess.execute(sa.delete(AuditPurgeGate))
    sess.execute(sa.insert(AuditPurgeGate).values(cutoff=NOW, action="read"))
    with pytest.raises(DBAPIError, match="append-only"), sess.begin_nested():
        sess.execute(sa.delete(AuditEvent).where(AuditEvent.id == newest))


def test_normal_code_cannot_change_or_delete_audit_events(sess: Session) -> None:
    newest, oldest = _newest_and_oldest(sess)
    for stmt in (
        sa.update(AuditEvent).where(AuditEvent.id == oldest).values(purpose="x"),
        sa.delete(AuditEvent).where(AuditEvent.id == oldest),
    ):
        with pytest.raises(DBAPIError, match="append-only"), sess.begin_nested():
            sess.execute(stmt)
    # Not even inside a purge: the gate lets deletes through, never updates.
    sess.execute(sa.insert(AuditPurgeGate).values(cutoff=NOW))
    with pytest.raises(DBAPIError, match="append-only"), sess.begin_nested():
        sess.execute(sa.update(AuditEvent).where(AuditEvent.id == oldest).values(purpose="x"))


# A deferred constraint trigger exists on PostgreSQL only; on SQLite the purge closes its gate.
@pytest.mark.parametrize("demo_engine", ["postgis"], indirect=True)
def test_a_gate_cannot_outlive_its_transaction_on_postgresql(demo_engine: sa.Engine) -> None:
    assert demo_engine.dialect.name == "postgresql"
    with pytest.raises(DBAPIError, match="outlive"), demo_engine.begin() as conn:
        conn.execute(sa.insert(AuditPurgeGate).values(cutoff=NOW))
    with demo_engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(AuditPurgeGate)) == 0


def test_scheduled_purge_runs_once_per_interval(sess: Session) -> None:
    from datetime import timedelta

    assert purge_if_due(sess, POLICY, timedelta(hours=24)) is not None
    assert purge_if_due(sess, POLICY, timedelta(hours=24)) is None  # another worker just did


# Policy loading needs no database.


def test_policy_from_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "gallring.toml"
    path.write_text(
        '[checks]\nnote = 30\nvehicle_pseudonym = "keep"\n[audit]\nevents = 3650\n', encoding="utf-8"
    )
    env = {"TRAFIKTRYGG_RETENTION_CHECKS_NOTE": "60", "TRAFIKTRYGG_RETENTION_FILE": str(path), "OTHER": "x"}
    policy = load_policy(path, env)
    assert policy.days["checks.note"] == 60
    assert policy.days["checks.vehicle_pseudonym"] is None
    assert policy.days["audit.events"] == 3650
    assert "checks.vehicle_pseudonym" not in {r.key for r, _ in policy.active()}


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("[checks]\nplate = 3\n", {}, "unknown retention rule 'checks.plate'"),
        ("[checks]\nnote = -1\n", {}, "retention checks.note = -1 is not a whole number of days"),
        ("[checks\n", {}, "not valid TOML"),
        ("checks = 3\n", {}, "must be a table"),
        (
            "",
            {"TRAFIKTRYGG_RETENTION_AUDIT_EVENTS": "5 år"},
            "TRAFIKTRYGG_RETENTION_AUDIT_EVENTS: retention audit.events",
        ),
    ],
)
def test_bad_policy_is_refused_with_one_clear_line(
    tmp_path: Path, text: str, env: dict, message: str
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RetentionConfigError, match=message.replace("(", r"\(").replace(".", r"\.")) as info:
        load_policy(path, env)
    assert "\n" not in str(info.value)


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(RetentionConfigError, match="cannot read retention file"):
        load_policy(tmp_path / "nope.toml")


def test_a_scrub_gate_lets_only_old_snapshots_change(sess: Session) -> None:
    newest, oldest = _newest_and_oldest(sess)
    sess.execute(sa.insert(AuditPurgeGate).values(cutoff=CUTOFF, mode="scrub"))
    events = AuditEvent.__table__
    for event_id, values in ((oldest, {"purpose": "x"}), (newest, {"before": {"note": None}})):
        with pytest.raises(DBAPIError, match="append-only"), sess.begin_nested():
            sess.execute(sa.update(events).where(events.c.id == event_id).values(values))
    with pytest.raises(DBAPIError, match="append-only"), sess.begin_nested():
        sess.execute(sa.delete(events).where(events.c.id == oldest))  # a scrub gate deletes nothing
    with sess.begin_nested():
        sess.execute(sa.update(events).where(events.c.id == oldest).values(before={"note": None}))
    assert sess.scalar(sa.select(events.c.before).where(events.c.id == oldest)) == {"note": None}
