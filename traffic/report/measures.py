"""Section: traffic-safety measures — completed this period, status of all, a map, before/after effects.

The published version shows completed measures only (as the measures API does for the
public), and hides a before/after count of 1–4 together with the ratio it would reveal.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from traffic import vocab
from traffic.commitments.indicators import Scope
from traffic.effects import CAVEAT, DEFAULT_RADIUS_M, Effect, measure_effects
from traffic.measures.models import SafetyMeasure
from traffic.orgs.models import Organisation
from traffic.report import maps
from traffic.report.model import COUNT, DAYS, RATIO, Figure, Heading, Para, Report, Section, Table
from traffic.report.numbers import day_text, num, ratio_text
from traffic.report.texts import t

COMPLETED = "COMPLETED"


def build(report: Report, session: Session, scope: Scope, *, as_of: datetime) -> tuple[Section, int]:
    """The measures section, and how many measures were completed in the period."""
    lang, public = report.lang, report.public
    kinds = vocab.vocabulary("measure_kind").labels(lang)
    statuses = vocab.vocabulary("measure_status").labels(lang)
    done = list(
        session.scalars(
            select(SafetyMeasure).where(*scope.measures_completed()).order_by(SafetyMeasure.completed_on)
        )
    )
    orgs = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    report.add(Figure("measures.completed.total", t("meas_completed", lang), COUNT, len(done)))
    by_kind = Counter(m.kind for m in done)
    for code in kinds:
        report.add(Figure(f"measures.completed.kind.{code}", kinds[code], COUNT, by_kind.get(code, 0)))
    blocks: list = [Para(t("meas_summary", lang, n=len(done), period=report.period_text))]
    if done:
        blocks.append(
            Table(
                t("tab_meas_done", lang),
                [t("col_measure", lang), t("col_kind", lang), t("col_completed", lang), t("col_owner", lang)],
                [
                    [
                        m.title,
                        kinds.get(m.kind, m.kind),
                        day_text(m.completed_on, lang),
                        orgs.get(m.org_id, ""),
                    ]
                    for m in done
                ],
                align="llll",
            )
        )
    live = SafetyMeasure.deleted_at.is_(None)
    counts = dict(
        session.execute(
            select(SafetyMeasure.status, func.count()).where(live).group_by(SafetyMeasure.status)
        ).all()
    )
    shown = [COMPLETED] if public else list(statuses)
    status_rows = []
    for code in shown:
        fig = report.add(
            Figure(f"measures.all.status.{code}", statuses[code], COUNT, int(counts.get(code, 0)))
        )
        status_rows.append([fig.label, num(fig.value, lang)])
    blocks.append(
        Table(t("tab_meas_status", lang), [t("col_status", lang), t("col_count", lang)], status_rows)
    )
    mapped = session.scalars(
        select(SafetyMeasure).where(live, *([SafetyMeasure.status == COMPLETED] if public else []))
    )
    blocks.append(maps.measures_map(session, t("map_measures", lang), list(mapped), lang))
    blocks += _effects(report, session, scope, as_of)
    return Section("measures", t("sec_measures", lang), blocks), len(done)


def _effects(report: Report, session: Session, scope: Scope, as_of: datetime) -> list:
    lang = report.lang
    effects = measure_effects(session, as_of=as_of, data_before=scope.before)
    rows = []
    for e in effects:
        rows.append(_effect_row(report, e))
    blocks: list = [
        Heading(t("sub_effects", lang)),
        Para(t("eff_intro", lang, radius=num(DEFAULT_RADIUS_M, lang), outer=num(2 * DEFAULT_RADIUS_M, lang))),
    ]
    if rows:
        head = [
            t("col_measure", lang),
            t("col_completed", lang),
            t("col_days", lang),
            t("col_before", lang),
            t("col_after", lang),
            t("col_comparison", lang),
            t("col_ratio", lang),
        ]
        blocks.append(
            Table(
                t("tab_effects", lang), head, rows, align="llrrrrr", small=True, note=t("note_effects", lang)
            )
        )
    else:
        blocks.append(Para(t("eff_none", lang)))
    blocks.append(Para(CAVEAT[lang], "caveat"))
    return blocks


def _effect_row(report: Report, e: Effect) -> list[str]:
    lang, public = report.lang, report.public
    p = f"effects.{e.measure_id}"
    site = e.site
    hide = public and any(0 < n < 5 for n in (site.before, site.after))

    def add(key: str, label: str, unit: str, value: float | None, **kw: object) -> Figure:
        return report.add(Figure(f"{p}.{key}", f"{e.title}: {label}", unit, value, **kw))  # type: ignore[arg-type]

    add("days", t("col_days", lang), DAYS, e.days)
    for key, value in (("site_before", site.before), ("site_after", site.after)):
        small = public and 0 < value < 5
        add(key, t(f"eff_{key}", lang), COUNT, None if small else value, suppressed=small)
    if not public:
        add("incidents_before", t("eff_incidents_before", lang), COUNT, e.incidents.before)
        add("incidents_after", t("eff_incidents_after", lang), COUNT, e.incidents.after)
        add("remarks_before", t("eff_remarks_before", lang), COUNT, e.remarks.before)
        add("remarks_after", t("eff_remarks_after", lang), COUNT, e.remarks.after)
    add("comparison_before", t("eff_comparison_before", lang), COUNT, e.comparison.before)
    add("comparison_after", t("eff_comparison_after", lang), COUNT, e.comparison.after)
    ratio = None if hide else e.ratio
    note = "too_few" if (hide or e.reason == "too_few") else e.reason
    add("ratio", t("col_ratio", lang), RATIO, ratio, n=site.total, note=note if ratio is None else None)
    add("ci_low", t("eff_ci_low", lang), RATIO, None if hide or e.ci is None or e.ratio is None else e.ci[0])
    add(
        "ci_high", t("eff_ci_high", lang), RATIO, None if hide or e.ci is None or e.ratio is None else e.ci[1]
    )
    if e.reason == "too_short":
        effect = t("eff_too_short", lang)
    elif ratio is None:
        effect = t("too_few", lang) if note == "too_few" else t(f"eff_{note}", lang)
    else:
        effect = ratio_text(ratio, e.ci, lang)

    def count(n: int) -> str:
        return t("suppressed", lang) if public and 0 < n < 5 else num(n, lang)

    compared = f"{num(e.comparison.before, lang)} → {num(e.comparison.after, lang)}" if e.days else "–"
    return [
        e.title,
        day_text(e.completed_on, lang),
        num(e.days, lang) if e.days else "–",
        count(site.before) if e.days else "–",
        count(site.after) if e.days else "–",
        compared,
        effect,
    ]
