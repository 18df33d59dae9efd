"""A covering index for list pages of checks on SQLite (visibility, bbox, time order)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 14:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIST_COLUMNS = [
    "operation_id", "deleted_at", "bbox_minx", "bbox_maxx", "bbox_miny", "bbox_maxy", "checked_at", "id",
]  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index("ix_vehicle_checks_list", "vehicle_checks", LIST_COLUMNS, unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_vehicle_checks_list", table_name="vehicle_checks")
