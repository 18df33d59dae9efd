"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 07:42:28.601284
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import geo.dbtypes
import traffic.storage.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _is(dialect: str) -> bool:
    """True when migrating a database of ``dialect`` (spatial indexes differ per dialect)."""
    return op.get_bind().dialect.name == dialect


# The audit trail is append-only: the database itself refuses UPDATE and DELETE.
AUDIT_GUARD_SQLITE = [
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END""",
]
AUDIT_GUARD_POSTGRES = [
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
]


def _install_audit_guard() -> None:
    statements = AUDIT_GUARD_POSTGRES if _is("postgresql") else AUDIT_GUARD_SQLITE
    for statement in statements:
        op.execute(statement)


def _drop_audit_guard() -> None:
    if _is("postgresql"):
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=48), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_entity"), ["entity"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_user_id"), ["user_id"], unique=False)

    op.create_table(
        "commitments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("strand", sa.String(length=32), nullable=False),
        sa.Column("title_sv", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("first_period", sa.String(length=8), nullable=False),
        sa.Column("last_period", sa.String(length=8), nullable=False),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
        sa.UniqueConstraint("code", name=op.f("uq_commitments_code")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("code", name=op.f("uq_organisations_code")),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("commitment_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title_sv", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("metric", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_indicators_commitment_id_commitments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("code", name=op.f("uq_indicators_code")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicators_commitment_id"), ["commitment_id"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_users_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_org_id"), ["org_id"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("sweref_e", sa.Float(), nullable=True),
        sa.Column("sweref_n", sa.Float(), nullable=True),
        sa.Column("geom", geo.dbtypes.Geometry(), nullable=True),
        sa.Column("bbox_minx", sa.Float(), nullable=True),
        sa.Column("bbox_miny", sa.Float(), nullable=True),
        sa.Column("bbox_maxx", sa.Float(), nullable=True),
        sa.Column("bbox_maxy", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_incidents_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_incidents_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        if _is("sqlite"):
            batch_op.create_index(
                "ix_incidents_bbox",
                ["bbox_minx", "bbox_maxx", "bbox_miny", "bbox_maxy"],
                unique=False,
            )
        if _is("postgresql"):
            batch_op.create_index(
                "ix_incidents_geom", ["geom"], unique=False, postgresql_using="gist"
            )
        batch_op.create_index(batch_op.f("ix_incidents_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_incidents_sweref", ["sweref_e", "sweref_n"], unique=False)

    op.create_table(
        "indicator_targets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("comparison", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_targets_indicator_id_indicators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_targets")),
        sa.UniqueConstraint(
            "indicator_id", "period", name=op.f("uq_indicator_targets_indicator_id")
        ),
    )
    with op.batch_alter_table("indicator_targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_targets_indicator_id"), ["indicator_id"], unique=False
        )

    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.Uuid(), nullable=True),
        sa.Column("entered_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_indicator_values_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_values_indicator_id_indicators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_values")),
        sa.UniqueConstraint(
            "indicator_id", "period", name=op.f("uq_indicator_values_indicator_id")
        ),
    )
    with op.batch_alter_table("indicator_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_values_indicator_id"), ["indicator_id"], unique=False
        )

    op.create_table(
        "operations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("focus", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("place_name", sa.String(length=200), nullable=True),
        sa.Column("planned_start", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("planned_end", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("actual_start", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("actual_end", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("officer_count", sa.Integer(), nullable=True),
        sa.Column("officer_ids", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("geom", geo.dbtypes.Geometry(), nullable=True),
        sa.Column("bbox_minx", sa.Float(), nullable=True),
        sa.Column("bbox_miny", sa.Float(), nullable=True),
        sa.Column("bbox_maxx", sa.Float(), nullable=True),
        sa.Column("bbox_maxy", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_operations_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_operations_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations")),
    )
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operations_actual_start"), ["actual_start"], unique=False
        )
        if _is("sqlite"):
            batch_op.create_index(
                "ix_operations_bbox",
                ["bbox_minx", "bbox_maxx", "bbox_miny", "bbox_maxy"],
                unique=False,
            )
        batch_op.create_index(batch_op.f("ix_operations_focus"), ["focus"], unique=False)
        if _is("postgresql"):
            batch_op.create_index(
                "ix_operations_geom", ["geom"], unique=False, postgresql_using="gist"
            )
        batch_op.create_index(batch_op.f("ix_operations_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_operations_status"), ["status"], unique=False)

    op.create_table(
        "safety_measures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("proposed_on", sa.Date(), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("cost_sek", sa.Integer(), nullable=True),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("geom", geo.dbtypes.Geometry(), nullable=True),
        sa.Column("bbox_minx", sa.Float(), nullable=True),
        sa.Column("bbox_miny", sa.Float(), nullable=True),
        sa.Column("bbox_maxx", sa.Float(), nullable=True),
        sa.Column("bbox_maxy", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_safety_measures_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_safety_measures_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_measures")),
    )
    with op.batch_alter_table("safety_measures", schema=None) as batch_op:
        if _is("sqlite"):
            batch_op.create_index(
                "ix_safety_measures_bbox",
                ["bbox_minx", "bbox_maxx", "bbox_miny", "bbox_maxy"],
                unique=False,
            )
        batch_op.create_index(
            batch_op.f("ix_safety_measures_completed_on"), ["completed_on"], unique=False
        )
        if _is("postgresql"):
            batch_op.create_index(
                "ix_safety_measures_geom", ["geom"], unique=False, postgresql_using="gist"
            )
        batch_op.create_index(batch_op.f("ix_safety_measures_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_safety_measures_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_safety_measures_status"), ["status"], unique=False)

    op.create_table(
        "zones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("weekly_target_hours", sa.Float(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("geom", geo.dbtypes.Geometry(), nullable=True),
        sa.Column("bbox_minx", sa.Float(), nullable=True),
        sa.Column("bbox_miny", sa.Float(), nullable=True),
        sa.Column("bbox_maxx", sa.Float(), nullable=True),
        sa.Column("bbox_maxy", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_zones_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_zones_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("code", name=op.f("uq_zones_code")),
    )
    with op.batch_alter_table("zones", schema=None) as batch_op:
        if _is("sqlite"):
            batch_op.create_index(
                "ix_zones_bbox", ["bbox_minx", "bbox_maxx", "bbox_miny", "bbox_maxy"], unique=False
            )
        if _is("postgresql"):
            batch_op.create_index("ix_zones_geom", ["geom"], unique=False, postgresql_using="gist")
        batch_op.create_index(batch_op.f("ix_zones_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_zones_org_id"), ["org_id"], unique=False)

    op.create_table(
        "presence_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("officers", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=True),
        sa.Column("start_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("track_times", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("geom", geo.dbtypes.Geometry(), nullable=True),
        sa.Column("bbox_minx", sa.Float(), nullable=True),
        sa.Column("bbox_miny", sa.Float(), nullable=True),
        sa.Column("bbox_maxx", sa.Float(), nullable=True),
        sa.Column("bbox_maxy", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_presence_sessions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_presence_sessions_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_presence_sessions_zone_id_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presence_sessions")),
    )
    with op.batch_alter_table("presence_sessions", schema=None) as batch_op:
        if _is("sqlite"):
            batch_op.create_index(
                "ix_presence_sessions_bbox",
                ["bbox_minx", "bbox_maxx", "bbox_miny", "bbox_maxy"],
                unique=False,
            )
        if _is("postgresql"):
            batch_op.create_index(
                "ix_presence_sessions_geom", ["geom"], unique=False, postgresql_using="gist"
            )
        batch_op.create_index(batch_op.f("ix_presence_sessions_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_presence_sessions_start_at"), ["start_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_presence_sessions_zone_id"), ["zone_id"], unique=False)

    op.create_table(
        "tallies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("operation_id", sa.Uuid(), nullable=False),
        sa.Column("counted_from", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("counted_to", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("vehicle_type", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_tallies_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.id"], name=op.f("fk_tallies_operation_id_operations")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_tallies_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tallies")),
    )
    with op.batch_alter_table("tallies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tallies_counted_from"), ["counted_from"], unique=False)
        batch_op.create_index(batch_op.f("ix_tallies_operation_id"), ["operation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tallies_org_id"), ["org_id"], unique=False)

    op.create_table(
        "vehicle_checks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("operation_id", sa.Uuid(), nullable=False),
        sa.Column("checked_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("vehicle_type", sa.String(length=16), nullable=False),
        sa.Column("fine_amount_sek", sa.Integer(), nullable=True),
        sa.Column("limiter_tampered", sa.Boolean(), nullable=True),
        sa.Column("lgf_sign_ok", sa.Boolean(), nullable=True),
        sa.Column("rear_space_blocked", sa.Boolean(), nullable=True),
        sa.Column("passengers", sa.Integer(), nullable=True),
        sa.Column("measured_speed_kmh", sa.Float(), nullable=True),
        sa.Column("speed_limit_kmh", sa.Integer(), nullable=True),
        sa.Column("speed_method", sa.String(length=32), nullable=True),
        sa.Column("vehicle_pseudonym", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", traffic.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("sweref_e", sa.Float(), nullable=True),
        sa.Column("sweref_n", sa.Float(), nullable=True),
        sa.Column("geom", geo.dbtypes.Geometry(), nullable=True),
        sa.Column("bbox_minx", sa.Float(), nullable=True),
        sa.Column("bbox_miny", sa.Float(), nullable=True),
        sa.Column("bbox_maxx", sa.Float(), nullable=True),
        sa.Column("bbox_maxy", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_vehicle_checks_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operations.id"],
            name=op.f("fk_vehicle_checks_operation_id_operations"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_vehicle_checks_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_checks")),
    )
    with op.batch_alter_table("vehicle_checks", schema=None) as batch_op:
        if _is("sqlite"):
            batch_op.create_index(
                "ix_vehicle_checks_bbox",
                ["bbox_minx", "bbox_maxx", "bbox_miny", "bbox_maxy"],
                unique=False,
            )
        batch_op.create_index(
            batch_op.f("ix_vehicle_checks_checked_at"), ["checked_at"], unique=False
        )
        if _is("postgresql"):
            batch_op.create_index(
                "ix_vehicle_checks_geom", ["geom"], unique=False, postgresql_using="gist"
            )
        batch_op.create_index(
            batch_op.f("ix_vehicle_checks_operation_id"), ["operation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vehicle_checks_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_vehicle_checks_sweref", ["sweref_e", "sweref_n"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vehicle_checks_vehicle_pseudonym"), ["vehicle_pseudonym"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vehicle_checks_vehicle_type"), ["vehicle_type"], unique=False
        )

    op.create_table(
        "check_codes",
        sa.Column("check_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["vehicle_checks.id"],
            name=op.f("fk_check_codes_check_id_vehicle_checks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("check_id", "kind", "code", name=op.f("pk_check_codes")),
    )
    with op.batch_alter_table("check_codes", schema=None) as batch_op:
        batch_op.create_index("ix_check_codes_kind_code", ["kind", "code"], unique=False)

    op.create_table(
        "tally_counts",
        sa.Column("tally_id", sa.Uuid(), nullable=False),
        sa.Column("outcome", sa.String(length=48), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tally_id"],
            ["tallies.id"],
            name=op.f("fk_tally_counts_tally_id_tallies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tally_id", "outcome", name=op.f("pk_tally_counts")),
    )

    _install_audit_guard()


def downgrade() -> None:
    _drop_audit_guard()
    op.drop_table("tally_counts")
    with op.batch_alter_table("check_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_check_codes_kind_code")

    op.drop_table("check_codes")
    with op.batch_alter_table("vehicle_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_checks_vehicle_type"))
        batch_op.drop_index(batch_op.f("ix_vehicle_checks_vehicle_pseudonym"))
        batch_op.drop_index("ix_vehicle_checks_sweref")
        batch_op.drop_index(batch_op.f("ix_vehicle_checks_org_id"))
        batch_op.drop_index(batch_op.f("ix_vehicle_checks_operation_id"))
        if _is("postgresql"):
            batch_op.drop_index("ix_vehicle_checks_geom", postgresql_using="gist")
        batch_op.drop_index(batch_op.f("ix_vehicle_checks_checked_at"))
        if _is("sqlite"):
            batch_op.drop_index("ix_vehicle_checks_bbox")

    op.drop_table("vehicle_checks")
    with op.batch_alter_table("tallies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tallies_org_id"))
        batch_op.drop_index(batch_op.f("ix_tallies_operation_id"))
        batch_op.drop_index(batch_op.f("ix_tallies_counted_from"))

    op.drop_table("tallies")
    with op.batch_alter_table("presence_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presence_sessions_zone_id"))
        batch_op.drop_index(batch_op.f("ix_presence_sessions_start_at"))
        batch_op.drop_index(batch_op.f("ix_presence_sessions_org_id"))
        if _is("postgresql"):
            batch_op.drop_index("ix_presence_sessions_geom", postgresql_using="gist")
        if _is("sqlite"):
            batch_op.drop_index("ix_presence_sessions_bbox")

    op.drop_table("presence_sessions")
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zones_org_id"))
        batch_op.drop_index(batch_op.f("ix_zones_kind"))
        if _is("postgresql"):
            batch_op.drop_index("ix_zones_geom", postgresql_using="gist")
        if _is("sqlite"):
            batch_op.drop_index("ix_zones_bbox")

    op.drop_table("zones")
    with op.batch_alter_table("safety_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_measures_status"))
        batch_op.drop_index(batch_op.f("ix_safety_measures_org_id"))
        batch_op.drop_index(batch_op.f("ix_safety_measures_kind"))
        if _is("postgresql"):
            batch_op.drop_index("ix_safety_measures_geom", postgresql_using="gist")
        batch_op.drop_index(batch_op.f("ix_safety_measures_completed_on"))
        if _is("sqlite"):
            batch_op.drop_index("ix_safety_measures_bbox")

    op.drop_table("safety_measures")
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_status"))
        batch_op.drop_index(batch_op.f("ix_operations_org_id"))
        if _is("postgresql"):
            batch_op.drop_index("ix_operations_geom", postgresql_using="gist")
        batch_op.drop_index(batch_op.f("ix_operations_focus"))
        if _is("sqlite"):
            batch_op.drop_index("ix_operations_bbox")
        batch_op.drop_index(batch_op.f("ix_operations_actual_start"))

    op.drop_table("operations")
    with op.batch_alter_table("indicator_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_values_indicator_id"))

    op.drop_table("indicator_values")
    with op.batch_alter_table("indicator_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_targets_indicator_id"))

    op.drop_table("indicator_targets")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_sweref")
        batch_op.drop_index(batch_op.f("ix_incidents_org_id"))
        batch_op.drop_index(batch_op.f("ix_incidents_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_incidents_kind"))
        if _is("postgresql"):
            batch_op.drop_index("ix_incidents_geom", postgresql_using="gist")
        if _is("sqlite"):
            batch_op.drop_index("ix_incidents_bbox")

    op.drop_table("incidents")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_org_id"))

    op.drop_table("users")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_commitment_id"))

    op.drop_table("indicators")
    op.drop_table("organisations")
    op.drop_table("commitments")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_entity"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
