"""The promise's commitments: targets for the enforcement table, the summary, the other commitments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from traffic.commitments.indicators import IndicatorStatus, Result, Scope, commitment_status
from traffic.commitments.models import COMPUTED, Indicator
from traffic.commitments.promise import PROMISE
from traffic.report.model import Figure, Para, Report, Section, Table, Target
from traffic.report.numbers import num, share_text
from traffic.report.texts import t, unit
from traffic.timeutil import Period

TRAFFIC = "TRAFFIC"
STRANDS = ("TRAFFIC", "NARCOTICS", "FRAUD")  # the order of the promise's text
ORDER = {code: i for i, (code, *_rest) in enumerate(PROMISE)}


def targets_by_metric(session: Session, period: Period) -> dict[str, Target]:
    """The period's targets of computed indicators, by metric (``operations_completed:A_TRAKTOR``)."""
    out = {}
    for ind in session.scalars(select(Indicator).where(Indicator.source == COMPUTED)):
        for tg in ind.targets:
            if tg.period == period.label and ind.metric:
                out[ind.metric] = Target(tg.target, tg.comparison)
    return out


def focus_targets(targets: Mapping[str, Target]) -> dict[str, Target]:
    """Targets of ``operations_completed:FOCUS`` by focus code."""
    prefix = "operations_completed:"
    return {m[len(prefix) :]: tg for m, tg in targets.items() if m.startswith(prefix)}


def known_results(report: Report) -> dict[str, Result]:
    """Metric values the report has already computed, so the summary repeats the same numbers."""
    out: dict[str, Result] = {}
    for fid, fig in report.figures.items():
        metric = None
        if fid.startswith("operations.completed.focus."):
            metric = "operations_completed:" + fid.rsplit(".", 1)[1]
        elif fid == "operations.completed.total":
            metric = "operations_completed"
        elif fid == "vehicles.checked.total":
            metric = "vehicles_checked"
        elif fid == "measures.completed.total":
            metric = "measures_completed"
        elif fid.startswith("presence.") and fid.endswith(".hours_per_week"):
            metric = "presence_hours_per_week:" + fid.split(".")[1]
        if metric is not None:
            out[metric] = Result(fig.value, fig.suppressed)
    return out


def _value_text(s: IndicatorStatus, lang: str) -> str:
    if s.suppressed:
        return t("suppressed", lang)
    if s.value is None:
        return t("not_reported", lang)
    if s.metric and s.metric.startswith("koper_share"):
        return share_text(s.value, lang)
    decimals = 1 if s.metric and s.metric.startswith("presence_hours_per_week") else 0
    return f"{num(s.value, lang, decimals)} {unit(s.unit, lang)}"


def _status_text(s: IndicatorStatus, lang: str) -> str:
    if s.target is None:
        return t("status_no_target", lang)
    if s.suppressed:
        return t("status_not_met", lang) if s.comparison == ">=" and s.target >= 5 else "–"
    if s.met is None:
        return t("not_reported", lang)
    return t("status_met" if s.met else "status_not_met", lang)


def _target_text(s: IndicatorStatus, lang: str) -> str:
    if s.target is None:
        return "–"
    sign = "≥" if s.comparison == ">=" else "≤"
    return f"{sign} {num(s.target, lang, 1 if s.target % 1 else 0)} {unit(s.unit, lang)}"


def statuses(report: Report, session: Session, scope: Scope, *, as_of: datetime) -> list[IndicatorStatus]:
    """Every indicator's status, registering ``commitments.CODE`` figures."""
    out = commitment_status(
        session, report.period, lang=report.lang, scope=scope, as_of=as_of, computed=known_results(report)
    )
    rank = {strand: i for i, strand in enumerate(STRANDS)}
    out.sort(
        key=lambda s: (
            rank.get(s.strand, len(rank)),
            ORDER.get(s.commitment_code, len(ORDER)),
            s.commitment_code,
        )
    )
    for s in out:
        report.add(
            Figure(
                f"commitments.{s.code}",
                s.title,
                s.unit,
                s.value,
                suppressed=s.suppressed,
                target=Target(s.target, s.comparison or ">=", s.met) if s.target is not None else None,
                note=s.note,
            )
        )
    return out


def summary_section(report: Report, items: Sequence[IndicatorStatus]) -> Section:
    """The summary: every commitment's indicators against their targets."""
    lang = report.lang
    head = [
        t("col_commitment", lang),
        t("col_indicator", lang),
        t("col_target", lang),
        t("col_result", lang),
        t("col_status", lang),
    ]
    body, last = [], None
    for s in items:
        title = s.commitment_title if s.commitment_code != last else ""
        last = s.commitment_code
        body.append([title, s.title, _target_text(s, lang), _value_text(s, lang), _status_text(s, lang)])
    met = sum(1 for s in items if s.met)
    with_target = sum(1 for s in items if s.target is not None)
    blocks = [
        Para(t("summary_intro", lang, period=report.period_text)),
        Table(t("tab_summary", lang), head, body, align="lllrl"),
        Para(t("summary_count", lang, met=met, total=with_target), "note"),
    ]
    return Section("summary", t("sec_summary", lang), blocks)


def other_section(report: Report, items: Sequence[IndicatorStatus]) -> Section:
    """The commitments outside the traffic strand, with their hand-entered values."""
    lang = report.lang
    others = [s for s in items if s.strand != TRAFFIC]
    head = [
        t("col_commitment", lang),
        t("col_indicator", lang),
        t("col_target", lang),
        t("col_result", lang),
        t("col_comment", lang),
    ]
    body = [
        [s.commitment_title, s.title, _target_text(s, lang), _value_text(s, lang), s.note or ""]
        for s in others
    ]
    blocks: list = [Para(t("other_intro", lang))]
    blocks.append(
        Table(t("tab_other", lang), head, body, align="lllrl") if body else Para(t("other_none", lang))
    )
    return Section("other", t("sec_other", lang), blocks)
