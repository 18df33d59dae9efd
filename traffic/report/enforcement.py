"""Section: targeted traffic enforcement — operations, vehicles, outcomes, findings, A-traktor results.

Counted in the scope of :mod:`traffic.commitments.indicators` (completed operations only; one
scope per compared period). Vehicles are single checks plus tallied vehicles, as in
:mod:`traffic.aggregates`; tallies have no findings and no A-traktor details.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from traffic import vocab
from traffic.checks.models import FINDING, OUTCOME, CheckCode, VehicleCheck
from traffic.checks.rules import A_TRAKTOR_TYPES
from traffic.commitments.indicators import Scope
from traffic.operations.models import Operation
from traffic.report import charts
from traffic.report.families import CURRENT, cell, family, rows
from traffic.report.model import COUNT, KMH, SHARE, Figure, Heading, Para, Report, Section, Table, Target
from traffic.report.numbers import enough, num, pct
from traffic.report.texts import t
from traffic.tallies.models import Tally, TallyCount

UNKNOWN = "UNKNOWN"
A_TRAKTOR_SPEED_LIMIT = 30  # km/h: design and traffic rule for A-traktorer (DOMAIN.md §1)
PASSENGERS = "PASSENGERS"


def _grouped(session: Session, stmt) -> Counter[str]:  # noqa: ANN001
    return Counter({(k if k is not None else UNKNOWN): int(n or 0) for k, n in session.execute(stmt)})


def period_counts(session: Session, scope: Scope) -> dict[str, Counter[str]]:
    """Counts of one period: ``focus``, ``vehicle_type``, ``outcome``, ``finding``, ``totals``."""
    checks, tallies = scope.checks(), scope.tallies()
    focus = _grouped(
        session, select(Operation.focus, func.count()).where(*scope.operations()).group_by(Operation.focus)
    )
    types = _grouped(
        session,
        select(VehicleCheck.vehicle_type, func.count()).where(*checks).group_by(VehicleCheck.vehicle_type),
    )
    tallied = (
        select(Tally.vehicle_type, func.sum(TallyCount.count))
        .join(Tally, Tally.id == TallyCount.tally_id)
        .where(*tallies)
        .group_by(Tally.vehicle_type)
    )
    types.update(_grouped(session, tallied))
    codes = (
        select(CheckCode.kind, CheckCode.code, func.count())
        .join(VehicleCheck, VehicleCheck.id == CheckCode.check_id)
        .where(*checks)
        .group_by(CheckCode.kind, CheckCode.code)
    )
    outcome: Counter[str] = Counter()
    finding: Counter[str] = Counter()
    for kind, code, n in session.execute(codes):
        (outcome if kind == OUTCOME else finding)[code] += int(n)
    tally_outcomes = (
        select(TallyCount.outcome, func.sum(TallyCount.count))
        .join(Tally, Tally.id == TallyCount.tally_id)
        .where(*tallies)
        .group_by(TallyCount.outcome)
    )
    outcome.update(_grouped(session, tally_outcomes))
    vehicles = sum(types.values())
    totals = Counter({"operations": sum(focus.values()), "vehicles": vehicles})
    totals["with_remark"] = vehicles - outcome.get(vocab.NO_REMARK, 0)
    return {"focus": focus, "vehicle_type": types, "outcome": outcome, "finding": finding, "totals": totals}


def a_traktor_results(session: Session, scope: Scope) -> dict[str, float | None]:
    """Counts of the A-traktor (and EPA) checks: examined and found, speeds."""
    a = [*scope.checks(), VehicleCheck.vehicle_type.in_(sorted(A_TRAKTOR_TYPES))]

    def n_true(cond) -> object:  # noqa: ANN001
        return func.sum(case((cond, 1), else_=0))

    c = VehicleCheck
    row = session.execute(
        select(
            func.count(),
            func.count(c.limiter_tampered),
            n_true(c.limiter_tampered.is_(True)),
            func.count(c.lgf_sign_ok),
            n_true(c.lgf_sign_ok.is_(False)),
            func.count(c.rear_space_blocked),
            n_true(c.rear_space_blocked.is_(False)),
        ).where(*a)
    ).one()
    passengers = session.scalar(
        select(func.count())
        .select_from(CheckCode)
        .join(c, c.id == CheckCode.check_id)
        .where(*a, CheckCode.kind == FINDING, CheckCode.code == PASSENGERS)
    )
    speeds = np.array(
        [
            float(v)
            for v in session.scalars(
                select(c.measured_speed_kmh).where(*a, c.measured_speed_kmh.is_not(None))
            )
        ]
    )
    keys = ("checked", "limiter.examined", "limiter.tampered", "lgf.examined", "lgf.missing",
            "rear_space.examined", "rear_space.open")  # fmt: skip
    out: dict[str, float | None] = {k: int(v or 0) for k, v in zip(keys, row, strict=True)}
    out["passengers.too_many"] = int(passengers or 0)
    out["speed.measured"] = int(len(speeds))
    out["speed.over_30"] = int(np.count_nonzero(speeds > A_TRAKTOR_SPEED_LIMIT))
    out["speed.median_kmh"] = float(np.median(speeds)) if len(speeds) else None
    out["speed.max_kmh"] = float(speeds.max()) if len(speeds) else None
    return out


def _labels(name: str, lang: str):  # noqa: ANN202
    words = vocab.vocabulary(name).labels(lang)
    return lambda code: words.get(code, t("unknown", lang) if code == UNKNOWN else code)


def _codes(name: str, per: Mapping[str, Counter[str]], key: str, *, all_codes: bool) -> list[str]:
    """Vocabulary order; every code, or only those seen in some period (plus UNKNOWN if seen)."""
    seen = {c for counts in per.values() for c, n in counts[key].items() if n}
    codes = [term.code for term in vocab.vocabulary(name)]
    picked = codes if all_codes else [c for c in codes if c in seen]
    return picked + sorted(seen - set(codes))


def build(
    report: Report,
    session: Session,
    scopes: Mapping[str, Scope],
    targets: Mapping[str, Target],
) -> Section:
    """The enforcement section; ``targets`` by focus code (from the commitments)."""
    lang = report.lang
    min_cell = scopes[CURRENT].min_cell_size if report.public else None
    per = {role: period_counts(session, scope) for role, scope in scopes.items()}
    roles = list(per)
    head = [t("col_group", lang)] + [
        report.period.label if r == CURRENT else report.comparisons[r].label for r in roles
    ]

    def fam(prefix: str, key: str, total: str, **kw: Any) -> list[Figure]:
        """Figures per code of vocabulary ``key`` (or only the total, when ``key`` is empty)."""
        codes = _codes(key, per, key, all_codes=key in ("focus", "vehicle_type")) if key else []
        label = _labels(key, lang) if key else str
        counts = {r: per[r][key] if key else Counter() for r in roles}
        totals = {r: per[r]["totals"][total] for r in roles}
        return family(report, prefix, codes, label, counts, totals, min_cell_size=min_cell, **kw)

    ops = fam("operations.completed.focus", "focus", "operations", targets=targets)
    ops_total = fam("operations.completed", "", "operations", total_label=t("ops_total", lang))[-1]
    veh = fam("vehicles.checked.type", "vehicle_type", "vehicles")
    veh_total = fam("vehicles.checked", "", "vehicles", total_label=t("vehicles_total", lang))[-1]
    outcomes = fam("vehicles.outcome", "outcome", "vehicles")
    findings = fam("checks.finding", "finding", "vehicles")
    remark, _ = _remark_figures(report, per, min_cell)
    focus_rows = [
        row + [num(f.target.value, lang) if f.target else "–"]
        for f, row in zip([*ops, ops_total], rows([*ops, ops_total], roles, lang), strict=True)
    ]
    series = {head[i + 1]: [_v(f, r) for f in ops] for i, r in enumerate(roles)}
    blocks: list = [
        Para(_summary(report, ops_total, ops, veh_total, remark)),
        Table(t("tab_ops_focus", lang), [*head, t("col_target", lang)], focus_rows, note=t("note_ops", lang)),
        charts.grouped_bars(t("chart_ops_focus", lang), [f.label for f in ops], series, lang),
        Table(t("tab_vehicles_type", lang), head, rows([*veh, veh_total], roles, lang, skip_zero=True)),
        Table(
            t("tab_outcomes", lang),
            head,
            rows(outcomes, roles, lang),
            note=t("note_outcomes", lang),
            small=True,
        ),
        Table(t("tab_findings", lang), head, rows(findings, roles, lang), small=True),
    ]
    blocks += _a_traktor(report, session, scopes[CURRENT], min_cell)
    return Section("enforcement", t("sec_enforcement", lang), blocks)


def _v(fig: Figure, role: str) -> float:
    value = fig.value if role == CURRENT else fig.comparisons[role].value
    return float(value or 0)


def _remark_figures(
    report: Report, per: Mapping[str, Mapping[str, Counter[str]]], min_cell: int | None
) -> tuple[Figure, Figure]:
    lang = report.lang
    cur = per[CURRENT]["totals"]
    n, total = cur["with_remark"], cur["vehicles"]
    hidden = min_cell is not None and 0 < n < min_cell
    count = report.add(
        Figure(
            "vehicles.with_remark", t("with_remark", lang), COUNT, None if hidden else n, suppressed=hidden
        )
    )
    share = n / total if enough(total) and not hidden else None
    note = None if share is not None or hidden else "too_few"
    return count, report.add(
        Figure(
            "vehicles.with_remark.share", t("with_remark_share", lang), SHARE, share, hidden, total, note=note
        )
    )


def _summary(report: Report, ops_total: Figure, ops: list[Figure], veh_total: Figure, remark: Figure) -> str:
    lang = report.lang
    a = next(f for f in ops if f.id.endswith(".A_TRAKTOR"))
    total = veh_total.value if not veh_total.suppressed else None
    share = t("suppressed", lang) if remark.suppressed or total is None else pct(remark.value, total, lang)
    return t(
        "enf_summary",
        lang,
        ops=cell(ops_total.value, ops_total.suppressed, lang),
        a=cell(a.value, a.suppressed, lang),
        vehicles=cell(veh_total.value, veh_total.suppressed, lang),
        share=share,
    )


COUNT_KEYS = ("checked", "limiter.examined", "limiter.tampered", "lgf.examined", "lgf.missing",
              "rear_space.examined", "rear_space.open", "passengers.too_many", "speed.measured",
              "speed.over_30")  # fmt: skip
# (what was found, out of which): one table row each, with its share.
SHARE_ROWS = (("limiter.tampered", "limiter.examined"), ("lgf.missing", "lgf.examined"),
              ("rear_space.open", "rear_space.examined"), ("passengers.too_many", "checked"),
              ("speed.over_30", "speed.measured"))  # fmt: skip


def _a_traktor(report: Report, session: Session, scope: Scope, min_cell: int | None) -> list:
    lang = report.lang
    res = a_traktor_results(session, scope)

    def hidden(n: float | None) -> bool:
        return min_cell is not None and n is not None and 0 < n < min_cell

    figs = {}
    for key in COUNT_KEYS:
        n = res[key]
        figs[key] = report.add(
            Figure(f"a_traktor.{key}", t(f"at_{key}", lang), COUNT, None if hidden(n) else n, hidden(n))
        )
    few_speeds = hidden(res["speed.measured"])
    for key in ("speed.median_kmh", "speed.max_kmh"):
        value = None if few_speeds else res[key]
        report.add(Figure(f"a_traktor.{key}", t(f"at_{key}", lang), KMH, value, few_speeds))
    lines = []
    for found, base in SHARE_ROWS:
        hit, of = figs[found], figs[base]
        n = int(res[base] or 0)
        share = (res[found] or 0) / n if enough(n) and not hit.suppressed else None
        note = None if share is not None or hit.suppressed else "too_few"
        report.add(Figure(f"a_traktor.{found}.share", hit.label, SHARE, share, hit.suppressed, n, note=note))
        shown = t("suppressed", lang) if hit.suppressed else pct(res[found], n, lang)
        lines.append(
            [hit.label, cell(hit.value, hit.suppressed, lang), cell(of.value, of.suppressed, lang), shown]
        )
    speed_text = t(
        "at_speed_text",
        lang,
        median=cell(None if few_speeds else res["speed.median_kmh"], few_speeds, lang, 1),
        top=cell(None if few_speeds else res["speed.max_kmh"], few_speeds, lang, 1),
        n=cell(figs["speed.measured"].value, few_speeds, lang),
    )
    checked = figs["checked"]
    return [
        Heading(t("sub_a_traktor", lang)),
        Para(t("at_intro", lang, n=cell(checked.value, checked.suppressed, lang))),
        Table(
            t("tab_a_traktor", lang),
            [t("col_finding", lang), t("col_count", lang), t("col_examined", lang), t("col_share", lang)],
            lines,
        ),
        Para(speed_text, "note"),
    ]
