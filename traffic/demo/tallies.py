"""A few tallies (counts per outcome) on speed controls, beside their single checks."""

from __future__ import annotations

import uuid
from datetime import timedelta

from traffic.demo.ids import demo_id, stream
from traffic.demo.operations import OperationPlan
from traffic.demo.rows import record_columns
from traffic.demo.texts import TALLY_NOTES

DEFAULT_TALLIES = 10


def tally_rows(
    plans: list[OperationPlan], *, seed: int, org_id: uuid.UUID, count: int = DEFAULT_TALLIES
) -> tuple[list[dict], list[dict]]:
    """``(tallies rows, tally_counts rows)`` on completed speed (then behaviour) operations."""
    rng = stream(seed, "tallies")
    done = [p for p in plans if p.row["status"] == "COMPLETED"]
    pool = [p for p in done if p.focus == "SPEED"] + [
        p for p in done if p.focus == "DANGEROUS_BEHAVIOUR"
    ]
    tallies: list[dict] = []
    counts: list[dict] = []
    for i, plan in enumerate(pool[:count]):
        start, end = plan.row["actual_start"], plan.row["actual_end"]
        counted_from = start + timedelta(minutes=int(rng.integers(10, 30)))
        counted_to = min(end, counted_from + timedelta(minutes=int(rng.integers(45, 121))))
        tid = demo_id(seed, "tally", i)
        tallies.append(
            {
                **record_columns(tid, org_id, counted_to + timedelta(minutes=10)),
                "operation_id": plan.id,
                "counted_from": counted_from,
                "counted_to": counted_to,
                "vehicle_type": "CAR" if rng.random() < 0.7 else None,
                "note": TALLY_NOTES[int(rng.integers(0, len(TALLY_NOTES)))],
            }
        )
        values = {
            "UTAN_ANMARKNING": int(rng.integers(15, 61)),
            "ORDNINGSBOT": int(rng.integers(1, 9)),
            "TILLSAGELSE": int(rng.integers(0, 7)),
            "RAPPORT": int(rng.integers(0, 2)),
        }
        counts += [
            {"tally_id": tid, "outcome": code, "count": n}
            for code, n in sorted(values.items())
            if n > 0
        ]
    return tallies, counts
