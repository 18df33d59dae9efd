"""Read-only rows for list pages: a record's mapped columns without ORM instances.

A GeoJSON page of 1,000 checks spent half its time building ORM objects (identity map,
instance state, the selectin load of codes) that are only read once and serialised. A row
carries the same attribute names as the model, so the read schemas validate it unchanged.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from traffic.checks.models import FINDING, CheckCode, VehicleCheck
from traffic.tallies.models import Tally

Row = SimpleNamespace


def _check_codes(session: Session, rows: dict[uuid.UUID, Row]) -> None:
    """``findings`` and ``outcomes`` of each check, in the order given."""
    codes: dict[uuid.UUID, dict[str, list[str]]] = defaultdict(lambda: {"finding": [], "outcome": []})
    stmt = (
        select(CheckCode.check_id, CheckCode.kind, CheckCode.code)
        .where(CheckCode.check_id.in_(list(rows)))
        .order_by(CheckCode.check_id, CheckCode.kind, CheckCode.position)
    )
    for check_id, kind, code in session.execute(stmt):
        codes[check_id][kind].append(code)
    for check_id, row in rows.items():
        found = codes.get(check_id, {"finding": [], "outcome": []})
        row.findings, row.outcomes = found[FINDING], found["outcome"]


# Children a read schema needs besides the columns (findings and outcomes of a check).
CHILDREN: dict[Any, Callable[[Session, dict[uuid.UUID, Row]], None]] = {VehicleCheck: _check_codes}
ORM_ONLY = frozenset({Tally})  # its read schema converts child rows: not worth a second path


def supports_rows(model: Any) -> bool:
    """True if pages of ``model`` can be loaded as rows."""
    return model not in ORM_ONLY


def load_rows(session: Session, model: Any, ids: Sequence[uuid.UUID]) -> list[Row]:
    """The records ``ids`` (in that order) as rows with every mapped column attribute."""
    if not ids:
        return []
    attrs = [a.key for a in model.__mapper__.column_attrs]
    stmt = select(*(getattr(model, k) for k in attrs)).where(model.id.in_(list(ids)))
    by_id = {
        r.id: r for r in (Row(**dict(zip(attrs, values, strict=True))) for values in session.execute(stmt))
    }
    if model in CHILDREN and by_id:
        CHILDREN[model](session, by_id)
    return [by_id[i] for i in ids if i in by_id]
