"""What one checked vehicle turned out to be: findings, outcomes, fine and A-traktor fields.

Every result obeys ``traffic.checks.rules`` (codes from the vocabularies, no fine without
ORDNINGSBOT, a measured speed always with its method, A-traktor fields only on A-traktor/EPA).
Fine amounts come from the shipped vocabularies; each scenario reads its random choices from
one row ``u`` of uniform numbers, so a batch of checks is decided from one array.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from functools import cache
from importlib import resources

import numpy as np

from traffic import vocab

NO_REMARK = vocab.NO_REMARK
A_TYPES = frozenset({"A_TRAKTOR", "EPA"})
# The LGF fine went from 500 to 1 500 kr around March 2025 (DOMAIN.md §1.3; date approximate).
LGF_RAISED = datetime(2025, 3, 1, tzinfo=UTC)
# Defect fines quoted in vehicle_defect_categories.csv (secondary sources).
DEFECT_FINES = {"TYRES": 1200, "LIGHTS": 1600}

A_SCENARIOS = (
    "ok", "lgf", "passengers", "seatbelt", "speed_minor", "tampered", "rear_open", "defect",
    "noise",
)  # fmt: skip
A_WEIGHTS = {
    "A_TRAKTOR": (0.52, 0.10, 0.06, 0.05, 0.06, 0.06, 0.04, 0.07, 0.04),
    "default": (0.68, 0.08, 0.03, 0.04, 0.05, 0.03, 0.02, 0.05, 0.02),
}
OTHER_SCENARIOS = (
    "ok", "speeding", "phone", "seatbelt", "give_way", "defect_minor", "defect_severe",
    "untaxed", "unlicensed", "drunk", "drugs", "no_licence", "reckless", "noise",
)  # fmt: skip
# Share of vehicles without remark, then the relative weight of each kind of remark.
OTHER_OK = {
    "SPEED": 0.62,
    "DANGEROUS_BEHAVIOUR": 0.62,
    "DEFECTIVE_VEHICLES": 0.62,
    "SOBRIETY": 0.86,
    "A_TRAKTOR": 0.72,
    "OTHER": 0.80,
}
OTHER_REMARKS = {
    "SPEED": {"speeding": 0.75, "phone": 0.05, "seatbelt": 0.07, "give_way": 0.02,
              "defect_minor": 0.04, "untaxed": 0.02, "unlicensed": 0.02, "drunk": 0.005,
              "drugs": 0.015, "no_licence": 0.02, "reckless": 0.01},
    "DANGEROUS_BEHAVIOUR": {"speeding": 0.28, "phone": 0.18, "seatbelt": 0.15, "give_way": 0.15,
                            "defect_minor": 0.05, "untaxed": 0.03, "unlicensed": 0.03,
                            "drunk": 0.01, "drugs": 0.03, "no_licence": 0.03, "reckless": 0.04,
                            "noise": 0.02},
    "DEFECTIVE_VEHICLES": {"defect_minor": 0.55, "defect_severe": 0.2, "seatbelt": 0.05,
                           "untaxed": 0.08, "speeding": 0.03, "unlicensed": 0.03, "drugs": 0.02,
                           "no_licence": 0.04},
    "SOBRIETY": {"drunk": 0.22, "drugs": 0.5, "unlicensed": 0.08, "seatbelt": 0.06,
                 "defect_minor": 0.06, "no_licence": 0.08},
    "A_TRAKTOR": {"speeding": 0.2, "defect_minor": 0.2, "seatbelt": 0.1, "phone": 0.1,
                  "noise": 0.15, "unlicensed": 0.05, "drugs": 0.05, "no_licence": 0.1,
                  "give_way": 0.05},
    "OTHER": {"seatbelt": 0.25, "phone": 0.25, "defect_minor": 0.25, "no_licence": 0.25},
}  # fmt: skip
U_COLUMNS = 10  # uniform numbers per check: u[0..8] for details, u[9] for the pseudonym


def scenario_probabilities(focus: str, a_traktor: bool) -> np.ndarray:
    """Probabilities over :data:`A_SCENARIOS` or :data:`OTHER_SCENARIOS` for an operation."""
    if a_traktor:
        p = np.array(A_WEIGHTS["A_TRAKTOR" if focus == "A_TRAKTOR" else "default"])
    else:
        ok = OTHER_OK.get(focus, 0.8)
        remarks = OTHER_REMARKS.get(focus, OTHER_REMARKS["OTHER"])
        total = sum(remarks.values())
        p = np.array(
            [ok] + [(1 - ok) * remarks.get(s, 0.0) / total for s in OTHER_SCENARIOS[1:]]
        )
    return p / p.sum()


@cache
def _speed_table() -> tuple[tuple[str, int, int, int], ...]:
    text = resources.files("traffic.vocab").joinpath("data", "ordningsbot_speed_amounts.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return tuple(
        (
            r["road_speed_limit_class"],
            int(r["over_limit_from_kmh"]),
            int(r["over_limit_to_kmh"]),
            int(r["amount_sek"]),
        )
        for r in rows
    )


def speed_fine(limit: int, over: int) -> int | None:
    """Ordningsbot for ``over`` km/h above ``limit``; None when it goes to the prosecutor."""
    cls = "<=50" if limit <= 50 else ">50"
    for c, lo, hi, amount in _speed_table():
        if c == cls and lo <= over <= hi:
            return amount
    return None


@cache
def offence_fine(code: str) -> int | None:
    """The ordningsbot amount for a finding code, when the vocabulary gives one."""
    if code in DEFECT_FINES:
        return DEFECT_FINES[code]
    amount = vocab.findings().get(code).extra.get("ordningsbot_sek", "")
    return int(amount) if amount.isdigit() else None


def _pick(u: float, options: tuple[tuple[str, float], ...]) -> str:
    acc = 0.0
    for code, share in options:
        acc += share
        if u < acc:
            return code
    return options[-1][0]


def _result(findings: list[str], outcomes: list[str], fine: int | None = None, **fields) -> dict:
    out = {
        "findings": findings,
        "outcomes": outcomes,
        "fine_amount_sek": fine if "ORDNINGSBOT" in outcomes else None,
        "limiter_tampered": None,
        "lgf_sign_ok": None,
        "rear_space_blocked": None,
        "passengers": None,
        "measured_speed_kmh": None,
        "speed_limit_kmh": None,
        "speed_method": None,
        "note": None,
    }
    out.update(fields)
    return out


def _fine_or_warning(code: str, u: float, p_fine: float) -> tuple[list[str], int | None]:
    fine = offence_fine(code)
    if fine is not None and u < p_fine:
        return ["ORDNINGSBOT"], fine
    return ["TILLSAGELSE"], None


def a_traktor_check(scenario: str, u: np.ndarray, when: datetime) -> dict:
    """An A-traktor/EPA check: the A-traktor fields are always examined."""
    fields: dict = {
        "limiter_tampered": False,
        "lgf_sign_ok": True,
        "rear_space_blocked": True,
        "passengers": int(np.searchsorted([0.45, 0.85], u[6], side="right")),
    }
    if u[5] < 0.55:  # speed measured while driving, inside the design speed
        fields["measured_speed_kmh"] = round(22.0 + 8.9 * u[4], 1)
        fields["speed_limit_kmh"] = 30
        fields["speed_method"] = _pick(
            u[3], (("LASER", 0.5), ("EFTERFOLJANDE", 0.3), ("GENOMSNITT", 0.2))
        )
    if scenario == "ok":
        note = "informed" if u[8] < 0.03 else None
        return _result([], [NO_REMARK], note=note, **fields)
    if scenario == "lgf":
        fields["lgf_sign_ok"] = False
        fine = 500 if when < LGF_RAISED else 1500
        outcomes = ["ORDNINGSBOT"] if u[1] < 0.7 else ["TILLSAGELSE"]
        return _result(["LGF"], outcomes, fine, **fields)
    if scenario == "passengers":
        fields["passengers"] = 3
        outcomes, fine = _fine_or_warning("PASSENGERS", u[1], 0.8)
        if u[2] < 0.25:
            outcomes.append("KONTAKT_VARDNADSHAVARE")
        return _result(["PASSENGERS"], outcomes, fine, **fields)
    if scenario == "seatbelt":
        return _result(["SEATBELT_DRIVER"], ["ORDNINGSBOT"], 1500, **fields)
    if scenario == "speed_minor":
        speed = round(33.0 + 7.9 * u[4], 1)
        method = _pick(u[3], (("LASER", 0.5), ("EFTERFOLJANDE", 0.3), ("GENOMSNITT", 0.2)))
        fields.update(measured_speed_kmh=speed, speed_limit_kmh=30, speed_method=method)
        # An A-traktor is always fined on the <=50 km/h scale (ordningsbot_speed_amounts.csv).
        return _result(["SPEED"], ["ORDNINGSBOT"], speed_fine(30, int(speed) - 30), **fields)
    if scenario == "tampered":
        method = _pick(
            u[3],
            (("EFTERFOLJANDE", 0.45), ("GENOMSNITT", 0.25), ("LASER", 0.2),
             ("TEKNISK_UNDERSOKNING", 0.1)),
        )  # fmt: skip
        fields.update(
            limiter_tampered=True,
            measured_speed_kmh=round(45.0 + 17.0 * u[4], 1),
            speed_limit_kmh=30,
            speed_method=method,
        )
        outcomes = ["RAPPORT", "BESLAG"]
        if u[1] < 0.4:
            outcomes.append("FORELAGGANDE_REGISTRERINGSBESIKTNING")
        if u[2] < 0.15:
            outcomes.append("OMHANDERTAGANDE_KORKORT")
        outcomes += _youth(u, 0.7, 0.35)
        note = "inspector" if u[8] < 0.5 else None
        return _result(["SPEED_LIMITER_TAMPERING", "UNLICENSED"], outcomes, note=note, **fields)
    if scenario == "rear_open":
        fields["rear_space_blocked"] = False
        outcomes = ["RAPPORT"]
        if u[1] < 0.3:
            outcomes.append("FORELAGGANDE_REGISTRERINGSBESIKTNING")
        outcomes += _youth(u, 0.7, 0.25)
        return _result(["CARGO_REAR_SEAT", "UNLICENSED"], outcomes, **fields)
    if scenario == "defect":
        code = _pick(
            u[1], (("LIGHTS", 0.35), ("TYRES", 0.3), ("EXHAUST_NOISE", 0.2), ("VISIBILITY", 0.15))
        )
        return _defect(code, u, fields, allow_ban=True)
    # noise
    outcomes, fine = _fine_or_warning("UNNECESSARY_NOISE", u[1], 0.3)
    return _result(["UNNECESSARY_NOISE"], outcomes, fine, **fields)


def _youth(u: np.ndarray, p_guardian: float, p_concern: float) -> list[str]:
    out = []
    if u[6] < p_guardian:
        out.append("KONTAKT_VARDNADSHAVARE")
    if u[7] < p_concern:
        out.append("OROSANMALAN")
    return out


def _defect(code: str, u: np.ndarray, fields: dict, *, allow_ban: bool) -> dict:
    choice = _pick(
        u[2],
        (("TILLSAGELSE", 0.45), ("FORELAGGANDE_KONTROLLBESIKTNING", 0.32), ("ORDNINGSBOT", 0.18),
         ("KORFORBUD", 0.05 if allow_ban else 0.0)),
    )  # fmt: skip
    fine = offence_fine(code)
    if choice == "ORDNINGSBOT" and fine is None:
        choice = "TILLSAGELSE"
    note = "towed" if choice == "KORFORBUD" and u[3] < 0.5 else None
    return _result([code], [choice], fine, note=note, **fields)


def other_check(scenario: str, u: np.ndarray, limit: int) -> dict:
    """A check of any vehicle that is not an A-traktor or EPA."""
    if scenario == "ok":
        if u[5] < 0.3:
            speed = round(limit - 8 + 12 * u[4], 1)
            method = "LASER"
            return _result(
                [], [NO_REMARK], measured_speed_kmh=speed, speed_limit_kmh=limit,
                speed_method=method,
            )  # fmt: skip
        return _result([], [NO_REMARK])
    if scenario == "speeding":
        over = 5 + int(36 * u[1] ** 2)
        if u[2] < 0.04:
            over = 41 + int(15 * u[3])
        method = _pick(u[5], (("LASER", 0.7), ("GENOMSNITT", 0.15), ("EFTERFOLJANDE", 0.15)))
        speed = {
            "measured_speed_kmh": round(limit + over + 0.9 * u[4], 1),
            "speed_limit_kmh": limit,
            "speed_method": method,
        }
        fine = speed_fine(limit, over)
        if fine is None:
            return _result(["SPEED"], ["RAPPORT", "OMHANDERTAGANDE_KORKORT"], **speed)
        outcomes = ["TILLSAGELSE"] if over <= 6 and u[6] < 0.3 else ["ORDNINGSBOT"]
        return _result(["SPEED"], outcomes, fine, **speed)
    if scenario == "phone":
        return _result(["PHONE"], ["ORDNINGSBOT"], 1500)
    if scenario == "seatbelt":
        code = "SEATBELT_MINOR" if u[1] < 0.1 else "SEATBELT_DRIVER"
        return _result([code], ["ORDNINGSBOT"], offence_fine(code))
    if scenario == "give_way":
        code = _pick(
            u[1],
            (("RED_LIGHT", 0.25), ("STOP_SIGN", 0.3), ("YIELD", 0.25),
             ("PEDESTRIAN_CROSSING", 0.2)),
        )  # fmt: skip
        outcomes, fine = _fine_or_warning(code, u[2], 0.85)
        return _result([code], outcomes, fine)
    if scenario == "defect_minor":
        code = _pick(
            u[1],
            (("LIGHTS", 0.3), ("TYRES", 0.25), ("VISIBILITY", 0.15), ("EXHAUST_NOISE", 0.1),
             ("SAFETY_EQUIPMENT", 0.1), ("IDENTIFICATION", 0.1)),
        )  # fmt: skip
        return _defect(code, u, {}, allow_ban=False)
    if scenario == "defect_severe":
        code = _pick(
            u[1], (("BRAKES", 0.35), ("STEERING", 0.15), ("SUSPENSION", 0.2), ("TYRES", 0.3))
        )
        outcomes = (["FLYGANDE_INSPEKTION"] if u[2] < 0.5 else []) + ["KORFORBUD"]
        return _result([code], outcomes, note="towed" if u[3] < 0.4 else None)
    if scenario == "untaxed":
        return _result(["UNTAXED"], ["ORDNINGSBOT"], offence_fine("UNTAXED"))
    if scenario == "unlicensed":
        extra = ["HINDRANDE_AV_FORTSATT_FARD"] if u[1] < 0.5 else []
        return _result(["UNLICENSED"], ["RAPPORT", *extra])
    if scenario in ("drunk", "drugs"):
        code = "DRUG_DRIVING" if scenario == "drugs" else "DRUNK_DRIVING"
        if scenario == "drunk" and u[2] < 0.1:
            code = "AGGRAVATED_DRUNK_DRIVING"
        extra = ["HINDRANDE_AV_FORTSATT_FARD"] if u[1] < 0.4 else []
        return _result([code], ["RAPPORT", "OMHANDERTAGANDE_KORKORT", *extra])
    if scenario == "no_licence":
        return _result(["NO_LICENCE_CARRIED"], ["ORDNINGSBOT"], offence_fine("NO_LICENCE_CARRIED"))
    if scenario == "reckless":
        return _result(["RECKLESS"], ["RAPPORT"])
    outcomes, fine = _fine_or_warning("UNNECESSARY_NOISE", u[1], 0.3)
    return _result(["UNNECESSARY_NOISE"], outcomes, fine)
