"""grid_100m: the packed key of a point's 100 m square, a generated column, indexed for maps

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 14:30:00

SQLite adds it as a VIRTUAL column (ALTER TABLE cannot add a stored one; the index keeps the
values), PostgreSQL as a STORED one. ``floor`` needs SQLite's math functions (3.35+, built
in by Debian and the Python builds); a SQLite without them is refused with that message.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BASE_KEY_SQL = (  # geo.grid.BASE_KEY_SQL as of this revision
    "CAST(floor(sweref_e / 100.0) AS BIGINT) * 4294967296 + CAST(floor(sweref_n / 100.0) AS BIGINT)"
)
TABLES = ("vehicle_checks", "incidents")
# SQLite groups a map of checks in this index's order, reading nothing else.
CELLS_COLUMNS = ["grid_100m", "operation_id", "deleted_at", "has_remark", "checked_at"]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        try:
            bind.exec_driver_sql("SELECT floor(1.5)")
        except sa.exc.OperationalError as exc:
            raise RuntimeError(
                "this SQLite lacks math functions (floor); use SQLite 3.35+ built with them"
            ) from exc
    stored = True if bind.dialect.name == "postgresql" else None  # None: SQLite's VIRTUAL
    for table in TABLES:
        computed = sa.Computed(BASE_KEY_SQL, persisted=stored)
        op.add_column(table, sa.Column("grid_100m", sa.BigInteger(), computed, nullable=True))
    if bind.dialect.name == "sqlite":
        op.create_index("ix_vehicle_checks_cells", "vehicle_checks", CELLS_COLUMNS, unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_vehicle_checks_cells", table_name="vehicle_checks")
    for table in TABLES:
        op.drop_column(table, "grid_100m")
