"""vehicle_checks.has_remark, stored for map aggregation, and a covering grid index on SQLite

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRID_COLUMNS = ["operation_id", "deleted_at", "sweref_e", "sweref_n", "has_remark"]
# Every check has an outcome, and "utan anmärkning" stands alone: no such outcome = a remark.
BACKFILL = """
UPDATE vehicle_checks SET has_remark = NOT EXISTS (
    SELECT 1 FROM check_codes
    WHERE check_codes.check_id = vehicle_checks.id
      AND check_codes.kind = 'outcome' AND check_codes.code = 'UTAN_ANMARKNING')
"""


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    # Plain ALTER TABLE, never batch mode: rebuilding vehicle_checks on SQLite would drop it, and
    # with foreign keys on that deletes every check's codes (ON DELETE CASCADE).
    op.add_column(
        "vehicle_checks", sa.Column("has_remark", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute(BACKFILL)
    if _is_sqlite():
        op.create_index("ix_vehicle_checks_grid", "vehicle_checks", GRID_COLUMNS, unique=False)


def downgrade() -> None:
    if _is_sqlite():
        op.drop_index("ix_vehicle_checks_grid", table_name="vehicle_checks")
    op.drop_column("vehicle_checks", "has_remark")  # SQLite >= 3.35 drops a column in place
