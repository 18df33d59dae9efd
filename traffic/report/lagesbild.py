"""Section: the situation picture (lägesbild) — incidents by kind, a density map and hot spots.

Cells and Getis-Ord Gi* hot spots come from :mod:`traffic.spatial_stats` (100 m squares,
false-discovery-rate corrected). The published version uses its public rules: only cells with
at least five incidents are drawn, and counts by kind are suppressed as in the statistics API.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from traffic import vocab
from traffic.actors import Actor
from traffic.aggregates import PublicRules
from traffic.commitments.indicators import Scope
from traffic.incidents.models import Incident
from traffic.queries import RecordFilter
from traffic.report import maps
from traffic.report.families import CURRENT, family, rows
from traffic.report.model import COUNT, SHARE, Figure, Para, Report, Section, Table
from traffic.report.numbers import num, pct
from traffic.report.texts import t
from traffic.spatial_stats import grid_counts, hotspots
from traffic.visibility import PUBLIC

CELL_M = 100.0
HOT = 2  # Gi* bin: hot spot with at least 95 % confidence
# Incidents are visible to every signed-in role; the internal report reads them as one.
READER = Actor(username="report", role="planner")


def _by_kind(session: Session, scope: Scope) -> Counter[str]:
    stmt = select(Incident.kind, func.count()).where(*scope.incidents()).group_by(Incident.kind)
    return Counter({k: int(n) for k, n in session.execute(stmt)})


def build(report: Report, session: Session, scopes: Mapping[str, Scope], rules: PublicRules) -> Section:
    """The lägesbild section."""
    lang, public = report.lang, report.public
    per = {role: _by_kind(session, s) for role, s in scopes.items()}
    labels = vocab.vocabulary("incident_kind").labels(lang)
    figs = family(
        report,
        "incidents.kind",
        list(labels),
        lambda c: labels.get(c, c),
        per,
        {r: sum(c.values()) for r, c in per.items()},
        total_label=t("inc_total", lang),
        total_id="incidents.total",
        min_cell_size=rules.min_cell_size if public else None,
    )
    total = figs.pop()
    roles = list(per)
    head = [t("col_kind", lang)] + [
        report.comparisons[r].label if r != CURRENT else report.period.label for r in roles
    ]
    cur = scopes[CURRENT]
    flt = RecordFilter(start=cur.start, end=cur.end)
    actor = PUBLIC if public else READER
    cells = grid_counts(session, "incidents", actor, flt, cell_m=CELL_M, rules=rules)
    spots = hotspots(session, "incidents", actor, flt, cell_m=CELL_M, rules=rules)
    hot = [c for c in spots.cells if c.gi_bin >= HOT]
    in_hot = sum(c.cell.count for c in hot)
    all_incidents = total.value
    report.add(Figure("lagesbild.grid.cells", t("lb_cells", lang), COUNT, len(cells)))
    report.add(Figure("lagesbild.hotspots.cells", t("lb_hot_cells", lang), COUNT, len(hot)))
    report.add(Figure("lagesbild.hotspots.incidents", t("lb_hot_incidents", lang), COUNT, in_hot))
    share = in_hot / all_incidents if all_incidents and all_incidents >= 10 else None
    report.add(Figure("lagesbild.hotspots.share", t("lb_hot_share", lang), SHARE, share, n=all_incidents))
    text = t(
        "lb_summary",
        lang,
        n=num(all_incidents, lang) if all_incidents is not None else t("suppressed", lang),
        hot=len(hot),
        share=pct(in_hot, all_incidents, lang) if all_incidents is not None else "–",
        cell=num(CELL_M, lang),
    )
    blocks: list = [
        Para(text),
        Table(t("tab_incidents", lang), head, rows([*figs, total], roles, lang)),
        maps.incident_map(session, t("map_incidents", lang), cells, hot, lang),
        Para(t("lb_method", lang, reliable="" if spots.reliable else t("lb_unreliable", lang)), "note"),
    ]
    if public:
        blocks.append(Para(t("lb_public_note", lang, n=rules.min_cell_size), "note"))
    return Section("lagesbild", t("sec_lagesbild", lang), blocks)
