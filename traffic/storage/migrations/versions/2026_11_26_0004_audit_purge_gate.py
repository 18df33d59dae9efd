"""Retention purge gate: audit events may be deleted only by a purge, and only when old enough

The append-only triggers of 0001 refused every DELETE and UPDATE. Now a DELETE passes only while
a ``delete`` row of ``audit_purge_gates`` names a cut-off later than the event's time (and, when
set, the event's action); an UPDATE only while a ``scrub`` gate does, and only of the snapshots
(``before``/``after``: the purge blanks notes and pseudonyms there too), every other column
unchanged. The retention purge opens a gate inside its own transaction and closes it before
committing; on PostgreSQL a deferred constraint trigger refuses any commit that leaves one open.
TRUNCATE stays forbidden.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import traffic.storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GATE_OPEN = """EXISTS (SELECT 1 FROM audit_purge_gates g WHERE g.mode = 'delete'
                 AND OLD.at < g.cutoff AND (g.action IS NULL OR g.action = OLD.action))"""
SCRUB_OPEN = """EXISTS (SELECT 1 FROM audit_purge_gates g WHERE g.mode = 'scrub' AND OLD.at < g.cutoff)"""


def _same(operator: str) -> str:
    # Only the snapshots may change under a scrub gate.
    columns = ("id", "at", "user_id", "username", "role", "action", "entity", "entity_id", "purpose")
    return " AND ".join(f"NEW.{c} {operator} OLD.{c}" for c in columns)


SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    f"""CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        WHEN NOT ({SCRUB_OPEN} AND {_same("IS")})
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
    f"""CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        WHEN NOT {GATE_OPEN}
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
]
POSTGRES_UP = [
    "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
    f"""CREATE FUNCTION audit_events_gated_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF {SCRUB_OPEN} AND {_same("IS NOT DISTINCT FROM")} THEN RETURN NEW; END IF;
          RAISE EXCEPTION 'audit_events is append-only';
        END $$""",
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_gated_update()""",
    f"""CREATE FUNCTION audit_events_gated_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF {GATE_OPEN} THEN RETURN OLD; END IF;
          RAISE EXCEPTION 'audit_events is append-only';
        END $$""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_gated_delete()""",
    """CREATE FUNCTION audit_purge_gates_closed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM audit_purge_gates WHERE id = NEW.id) THEN
           RAISE EXCEPTION 'an audit purge gate may not outlive its transaction';
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE CONSTRAINT TRIGGER audit_purge_gates_closed AFTER INSERT ON audit_purge_gates
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_purge_gates_closed()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_purge_gates_closed ON audit_purge_gates",
    "DROP FUNCTION IF EXISTS audit_purge_gates_closed()",
    "DROP TRIGGER IF EXISTS audit_events_no_delete ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_gated_delete()",
    "DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_gated_update()",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "audit_purge_gates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cutoff", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_purge_gates")),
    )
    _run(POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP)


def downgrade() -> None:
    _run(POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN)
    op.drop_table("audit_purge_gates")
