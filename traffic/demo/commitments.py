"""The 2024/2025 commitments with their targets, and hand-entered values per half-year."""

from __future__ import annotations

from sqlalchemy.orm import Session

from traffic.commitments.models import MANUAL
from traffic.commitments.promise import PERIODS, PROMISE
from traffic.commitments.service import ensure_promise, enter_value
from traffic.demo.ids import stream
from traffic.demo.texts import MANUAL_VALUE_NOTES


def manual_indicators() -> list[str]:
    """Codes of the indicators that are entered by hand rather than computed."""
    return [ind[0] for *_, indicators in PROMISE for ind in indicators if ind[4] == MANUAL]


def load_commitments(session: Session, seed: int) -> tuple[int, int]:
    """Ensure the promise exists and enter demo values; return (commitments, values)."""
    commitments = ensure_promise(session)
    rng = stream(seed, "commitments")
    values = 0
    for code in manual_indicators():
        for period in PERIODS:
            enter_value(
                session,
                indicator_code=code,
                period=period,
                value=float(rng.integers(1, 5)),
                note=MANUAL_VALUE_NOTES.get(code),
            )
            values += 1
    return len(commitments), values
