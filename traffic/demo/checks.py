"""Vehicle checks spread over the completed operations, generated in batches.

Vehicle types follow the operation's focus (mostly A-traktorer on A-traktor controls), each
check is placed 30–150 m from the operation's point (or from a point on its mobile route),
and a few repeat vehicles carry a keyed pseudonym of a made-up plate.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import shapely

from geo.crs import metric_xy, to_metric
from traffic.checks.models import FINDING, OUTCOME, has_remark
from traffic.demo.ids import demo_id, stream
from traffic.demo.operations import OperationPlan
from traffic.demo.places import annulus, lonlat, require_inside
from traffic.demo.rows import BATCH, record_columns
from traffic.demo.scenarios import (
    A_SCENARIOS,
    A_TYPES,
    OTHER_SCENARIOS,
    U_COLUMNS,
    a_traktor_check,
    other_check,
    scenario_probabilities,
)
from traffic.demo.texts import CHECK_NOTES
from traffic.pseudonym import vehicle_pseudonym

DEFAULT_CHECKS = 3000
VEHICLE_MIX = {
    "A_TRAKTOR": {"A_TRAKTOR": 0.70, "EPA": 0.04, "CAR": 0.12, "MOPED_I": 0.06, "MOPED_II": 0.03,
                  "MC": 0.02, "LIGHT_TRUCK": 0.02, "OTHER": 0.01},
    "DEFECTIVE_VEHICLES": {"CAR": 0.60, "A_TRAKTOR": 0.08, "LIGHT_TRUCK": 0.12, "HEAVY": 0.10,
                           "MC": 0.03, "MOPED_I": 0.02, "MOPED_II": 0.02, "EPA": 0.01,
                           "OTHER": 0.02},
    "default": {"CAR": 0.72, "A_TRAKTOR": 0.07, "LIGHT_TRUCK": 0.07, "HEAVY": 0.04, "MC": 0.03,
                "MOPED_I": 0.02, "MOPED_II": 0.02, "EPA": 0.01, "OTHER": 0.02},
}  # fmt: skip
# Relative number of vehicles stopped per officer, by focus (sobriety controls stop many).
CHECKS_PER_OFFICER = {
    "A_TRAKTOR": 1.3,
    "DEFECTIVE_VEHICLES": 0.9,
    "DANGEROUS_BEHAVIOUR": 1.0,
    "SPEED": 1.0,
    "SOBRIETY": 1.6,
    "OTHER": 0.5,
}
REPEAT_A_TRAKTORER = 30
REPEAT_OTHERS = 20


def allocate(rng: np.random.Generator, plans: list[OperationPlan], total: int) -> np.ndarray:
    """How many checks each completed operation gets (sums to ``total``)."""
    w = np.array(
        [CHECKS_PER_OFFICER[p.focus] * p.row["officer_count"] for p in plans], dtype=float
    )
    w *= rng.lognormal(0.0, 0.35, len(plans))
    return rng.multinomial(total, w / w.sum())


class _Plates:
    """Pools of made-up plates for repeat vehicles; only their keyed pseudonyms are stored."""

    def __init__(self, rng: np.random.Generator, secret: str) -> None:
        letters = np.array(list("ABCDEFGHJKLMNOPRSTUWXYZ"))

        def pool(n: int) -> list[str]:
            out = []
            for _ in range(n):
                head = "".join(rng.choice(letters, 3))
                out.append(f"{head} {int(rng.integers(0, 100)):02d}{rng.choice(letters)}")
            return [vehicle_pseudonym(p, secret) for p in out]

        self.a_traktor = pool(REPEAT_A_TRAKTORER)
        self.others = pool(REPEAT_OTHERS)
        self._za = self._zipf(REPEAT_A_TRAKTORER)
        self._zo = self._zipf(REPEAT_OTHERS)

    @staticmethod
    def _zipf(n: int) -> np.ndarray:
        w = 1.0 / np.arange(1, n + 1)
        return np.cumsum(w / w.sum())

    def pick(self, a_traktor: bool, u: float) -> str:
        """A pseudonym, the first vehicles of each pool much more often than the last."""
        cum, pool = (self._za, self.a_traktor) if a_traktor else (self._zo, self.others)
        return pool[min(int(np.searchsorted(cum, u)), len(pool) - 1)]


def check_batches(
    plans: list[OperationPlan],
    total: int,
    *,
    seed: int,
    org_id: uuid.UUID,
    secret: str,
    batch: int = BATCH,
) -> Iterator[tuple[list[dict], list[dict]]]:
    """Yield ``(vehicle_checks rows, check_codes rows)`` in batches of about ``batch`` checks."""
    rng = stream(seed, "checks")
    completed = [p for p in plans if p.row["status"] == "COMPLETED"]
    counts = allocate(rng, completed, total) if completed else []
    plates = _Plates(rng, secret)
    checks: list[dict] = []
    codes: list[dict] = []
    index = 0
    for plan, k in zip(completed, counts, strict=True):
        for c in _operation_checks(rng, plan, int(k), plates):
            cid = demo_id(seed, "check", index)
            index += 1
            findings, outcomes = c.pop("findings"), c.pop("outcomes")
            created = c["checked_at"] + timedelta(minutes=2 + int(c.pop("_delay") * 23))
            checks.append({**record_columns(cid, org_id, created), **c, "has_remark": has_remark(outcomes)})
            codes += [
                {"check_id": cid, "kind": FINDING, "code": code, "position": i}
                for i, code in enumerate(findings)
            ]
            codes += [
                {"check_id": cid, "kind": OUTCOME, "code": code, "position": i}
                for i, code in enumerate(outcomes)
            ]
            if len(checks) >= batch:
                yield checks, codes
                checks, codes = [], []
    if checks:
        yield checks, codes


def _positions(rng: np.random.Generator, plan: OperationPlan, k: int) -> np.ndarray:
    if plan.route_m is not None:
        along = rng.uniform(0.0, plan.route_m.length, k)
        xy = shapely.get_coordinates(shapely.line_interpolate_point(plan.route_m, along))
    else:
        xy = np.repeat(shapely.get_coordinates(to_metric(plan.row["geom"])), k, axis=0)
    e, n = annulus(rng, xy[:, 0], xy[:, 1], 30.0, 150.0)
    lon, lat = lonlat(e, n)
    require_inside(lon, lat, "check")
    return np.column_stack([lon, lat])


def _operation_checks(
    rng: np.random.Generator, plan: OperationPlan, k: int, plates: _Plates
) -> Iterator[dict]:
    if k == 0:
        return
    start, end = plan.row["actual_start"], plan.row["actual_end"]
    seconds = np.sort(rng.uniform(0.0, (end - start).total_seconds(), k)).round()
    lonlats = _positions(rng, plan, k)
    e, n = metric_xy(lonlats[:, 0], lonlats[:, 1])
    points = shapely.points(lonlats)
    mix = VEHICLE_MIX.get(plan.focus, VEHICLE_MIX["default"])
    types = np.array(list(mix))[rng.choice(len(mix), size=k, p=np.array(list(mix.values())))]
    is_a = np.isin(types, list(A_TYPES))
    scenario = np.where(
        is_a,
        rng.choice(len(A_SCENARIOS), size=k, p=scenario_probabilities(plan.focus, True)),
        rng.choice(len(OTHER_SCENARIOS), size=k, p=scenario_probabilities(plan.focus, False)),
    )
    u = rng.random((k, U_COLUMNS))
    delay = rng.random(k)
    for i in range(k):
        when = start + timedelta(seconds=float(seconds[i]))
        if is_a[i]:
            c = a_traktor_check(A_SCENARIOS[scenario[i]], u[i], when)
        else:
            c = other_check(OTHER_SCENARIOS[scenario[i]], u[i], plan.place.speed_limit)
        remark = c["outcomes"] != ["UTAN_ANMARKNING"]
        p_repeat = (0.35 if remark else 0.12) if is_a[i] else 0.03
        lon, lat = float(lonlats[i, 0]), float(lonlats[i, 1])
        note = c.pop("note")
        yield {
            **c,
            "geom": points[i],
            "bbox_minx": lon,
            "bbox_miny": lat,
            "bbox_maxx": lon,
            "bbox_maxy": lat,
            "sweref_e": float(e[i]),
            "sweref_n": float(n[i]),
            "operation_id": plan.id,
            "checked_at": when,
            "vehicle_type": str(types[i]),
            "vehicle_pseudonym": plates.pick(bool(is_a[i]), u[i, 9] / p_repeat)
            if u[i, 9] < p_repeat
            else None,
            "note": CHECK_NOTES[note] if note else None,
            "_delay": float(delay[i]),
        }
