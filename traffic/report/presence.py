"""Section: presence in and around resecentrum — hours against the weekly target, visits, gaps.

Every zone with a weekly target is reported (the demo and the promise: ``resecentrum_300m``).
The published version gives hours per week, the Koper share and the weeks that met the target,
but not *when* or *where* the police were (weekday × hour, gaps, the map): that is tactical.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.presence import HOUR
from traffic.presence.analysis import (
    DEFAULT_ZONE,
    SessionRow,
    ZonePresence,
    analyse_zone,
    hours_per_week,
    load_sessions,
    presence_cells,
    rows_in,
)
from traffic.report import charts, maps
from traffic.report.families import CURRENT
from traffic.report.model import (
    COUNT,
    DAYS,
    HOURS,
    HOURS_PER_WEEK,
    MINUTES,
    SHARE,
    Figure,
    Para,
    Report,
    Section,
    Table,
    Target,
    Value,
)
from traffic.report.numbers import enough, hours, minutes_text, num, pct
from traffic.report.texts import t
from traffic.timeutil import Period
from traffic.zones.models import Zone

WEEKDAYS = {
    "sv": ("mån", "tis", "ons", "tor", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def target_zones(session: Session) -> list[Zone]:
    """Zones with a weekly presence target (else the default zone, if it exists)."""
    live = Zone.deleted_at.is_(None)
    zones = list(
        session.scalars(select(Zone).where(live, Zone.weekly_target_hours.is_not(None)).order_by(Zone.code))
    )
    if not zones:
        zones = list(session.scalars(select(Zone).where(live, Zone.code == DEFAULT_ZONE)))
    return zones


def load(session: Session, periods: Sequence[Period]) -> list[SessionRow]:
    """Sessions of every compared period, in one query."""
    return load_sessions(session, min(p.start for p in periods), max(p.end for p in periods))


def build(
    report: Report, session: Session, periods: Mapping[str, Period], *, as_of: datetime
) -> tuple[Section, dict[str, float]]:
    """The presence section, and hours per week by zone code (for the commitments)."""
    lang = report.lang
    rows = load(session, list(periods.values()))
    blocks: list = []
    per_week: dict[str, float] = {}
    for zone in target_zones(session):
        current = analyse_zone(
            session, periods[CURRENT], zone.code, as_of=as_of, rows=rows_in(rows, periods[CURRENT])
        )
        others = [p for role, p in periods.items() if role != CURRENT]
        earlier = hours_per_week(session, others, zone.code, as_of=as_of, rows=rows)
        per_week[zone.code] = current.analysis.hours_per_week
        compared = {role: earlier[p.label] for role, p in periods.items() if role != CURRENT}
        blocks += _zone_blocks(report, session, current, compared, rows, as_of)
    if not blocks:
        blocks.append(Para(t("pres_no_zone", lang)))
    if report.public:
        blocks.append(Para(t("pres_public_note", lang), "note"))
    blocks.append(Para(t("pres_method", lang), "note"))
    return Section("presence", t("sec_presence", lang), blocks), per_week


def _zone_blocks(
    report: Report,
    session: Session,
    zp: ZonePresence,
    compared: Mapping[str, float],
    rows: Sequence[SessionRow],
    as_of: datetime,
) -> list:
    lang, public = report.lang, report.public
    a = zp.analysis
    z = f"presence.{zp.zone_code}"
    target = zp.target_hours

    def add(key: str, label: str, unit: str, value: float | None, **kw: object) -> Figure:
        return report.add(Figure(f"{z}.{key}", label, unit, value, **kw))  # type: ignore[arg-type]

    hpw = add(
        "hours_per_week",
        t("pres_hpw", lang),
        HOURS_PER_WEEK,
        round(a.hours_per_week, 2),
        comparisons={
            role: Value(report.comparisons[role].label, round(h, 2)) for role, h in compared.items()
        },
        target=Target(target, ">=", zp.meets_target) if target is not None else None,
    )
    full = [w for w in a.weeks if w.full]
    meeting = a.weeks_meeting(target) if target is not None else None
    add("patrol_hours", t("pres_patrol_hours", lang), HOURS, round(a.patrol_s / HOUR, 2))
    add("weeks.full", t("pres_weeks_full", lang), COUNT, len(full))
    if meeting is not None:
        add("weeks.meeting_target", t("pres_weeks_meeting", lang), COUNT, meeting)
    visits = len(a.visits)
    secs = a.visit_seconds
    add("visits", t("pres_visits", lang), COUNT, visits)
    add("visits.koper_band", t("pres_band_count", lang), COUNT, a.in_band)
    koper = add(
        "visits.koper_share",
        t("pres_band_share", lang),
        SHARE,
        a.in_band / visits if enough(visits) else None,
        n=visits,
        note=None if enough(visits) else "too_few",
    )
    short = int(np.count_nonzero(secs < a.rules.band_min[0] * 60))
    add("visits.under_band", t("pres_short_count", lang), COUNT, short)
    key_rows = [
        [hpw.label, hours(hpw.value, lang), num(target, lang, 1) if target is not None else "–"]
        + [hours(hpw.comparisons[r].value, lang) for r in hpw.comparisons],
        [
            t("pres_weeks_meeting", lang),
            f"{meeting} / {len(full)}" if meeting is not None else "–",
            "",
            "",
            "",
        ],
        [t("pres_visits", lang), num(visits, lang), "", "", ""],
        [koper.label, pct(a.in_band, visits, lang), "", "", ""],
    ]
    if not public:
        key_rows += _internal_figures(report, z, zp)
    head = [t("col_indicator", lang), report.period.label, t("col_target", lang)] + [
        report.comparisons[r].label for r in hpw.comparisons
    ]
    blocks: list = [
        Para(_summary(report, zp, hpw, meeting, len(full))),
        Table(t("tab_presence", lang, zone=zp.zone_name), head, key_rows, align="lrrrr"),
        charts.weekly_hours(
            t("chart_weekly", lang, zone=zp.zone_name),
            [w.label for w in a.weeks],
            [w.patrol_s / HOUR for w in a.weeks],
            [w.full for w in a.weeks],
            target,
            lang,
        ),
        charts.visit_lengths(t("chart_visits", lang), a.length_counts(), lang),
    ]
    if not public:
        blocks.append(_matrix_table(report, z, zp))
        cells = presence_cells(session, rows, zp.zone_code, zp.period, as_of=as_of)
        blocks.append(
            maps.presence_map(session, t("map_presence", lang, zone=zp.zone_name), cells, a.days / 7.0, lang)
        )
    return blocks


def _internal_figures(report: Report, z: str, zp: ZonePresence) -> list[list[str]]:
    lang, a = report.lang, zp.analysis
    add = report.add
    officer = add(
        Figure(f"{z}.officer_hours", t("pres_officer_hours", lang), HOURS, round(a.officer_s / HOUR, 2))
    )
    for kind, km in zp.by_kind.items():
        add(Figure(f"{z}.sessions.kind.{kind}", t(f"pres_kind_{kind}", lang), COUNT, km.sessions))
        add(Figure(f"{z}.minutes.kind.{kind}", t(f"pres_kind_{kind}", lang), MINUTES, round(km.minutes, 1)))
    secs = a.visit_seconds
    median = float(np.median(secs)) if len(secs) else None
    add(
        Figure(
            f"{z}.visits.median_minutes",
            t("pres_median_visit", lang),
            MINUTES,
            round(median / 60, 2) if median is not None else None,
        )
    )
    for code, n in a.length_counts().items():
        add(Figure(f"{z}.visits.length.{code}", t(f"len_{code}", lang), COUNT, n))
    revisit = a.rules.revisit_max_min * 60
    days = [d for d in a.day_gaps if d.visits]
    two = [d for d in a.day_gaps if d.longest_gap_s is not None]
    within = sum(1 for d in two if d.longest_gap_s <= revisit)  # type: ignore[operator]
    gap_median = float(np.median([d.longest_gap_s for d in two])) if two else None
    add(Figure(f"{z}.days", t("pres_days", lang), DAYS, a.days))
    add(Figure(f"{z}.days.with_presence", t("pres_days_with", lang), DAYS, len(days)))
    add(Figure(f"{z}.days.two_or_more_visits", t("pres_days_two", lang), DAYS, len(two)))
    add(Figure(f"{z}.days.gaps_within_revisit", t("pres_days_within", lang), DAYS, within))
    add(
        Figure(
            f"{z}.days.longest_gap_median_minutes",
            t("pres_day_gap_median", lang),
            MINUTES,
            round(gap_median / 60, 1) if gap_median is not None else None,
        )
    )
    ev = a.evening_gaps
    ev_with = [e for e in ev if e.covered_s > 0]
    ev_within = sum(1 for e in ev if e.longest_gap_s <= revisit)
    ev_median = float(np.median([e.longest_gap_s for e in ev])) if ev else None
    add(Figure(f"{z}.evenings.with_presence", t("pres_evenings_with", lang), DAYS, len(ev_with)))
    add(Figure(f"{z}.evenings.gaps_within_revisit", t("pres_evenings_within", lang), DAYS, ev_within))
    add(
        Figure(
            f"{z}.evenings.longest_gap_median_minutes",
            t("pres_evening_gap_median", lang),
            MINUTES,
            round(ev_median / 60, 1) if ev_median is not None else None,
        )
    )
    blank = ["", "", ""]
    return [
        [officer.label, hours(officer.value, lang), *blank],
        [t("pres_median_visit", lang), minutes_text(median, lang), *blank],
        [
            t("pres_short_count", lang),
            pct(int(np.count_nonzero(secs < a.rules.band_min[0] * 60)), len(secs), lang),
            *blank,
        ],
        [t("pres_days_with", lang), f"{len(days)} / {a.days}", *blank],
        [t("pres_day_gap_median", lang), minutes_text(gap_median, lang), *blank],
        [t("pres_days_within", lang), f"{within} / {len(two)}", *blank],
        [t("pres_evenings_with", lang), f"{len(ev_with)} / {len(ev)}", *blank],
        [t("pres_evening_gap_median", lang), minutes_text(ev_median, lang), *blank],
        [t("pres_evenings_within", lang), f"{ev_within} / {len(ev)}", *blank],
    ]


def _matrix_table(report: Report, z: str, zp: ZonePresence) -> Table:
    lang, a = report.lang, zp.analysis
    weeks = a.days / 7.0 if a.days else 1.0
    minutes = a.matrix_s / 60.0
    for wd in range(7):
        for hr in range(24):
            day = WEEKDAYS["en"][wd]
            value = round(float(minutes[wd, hr]), 2)
            report.add(Figure(f"{z}.matrix.{day.lower()}.{hr:02d}", f"{day} {hr:02d}", MINUTES, value))
    per_week = minutes / weeks
    top = float(per_week.max()) or 1.0
    rows = [[WEEKDAYS[lang][wd]] + [num(per_week[wd, hr], lang) for hr in range(24)] for wd in range(7)]
    return Table(
        t("tab_matrix", lang),
        [""] + [f"{hr:02d}" for hr in range(24)],
        rows,
        note=t("note_matrix", lang),
        small=True,
        shade=(per_week / top).round(3).tolist(),
    )


def _summary(report: Report, zp: ZonePresence, hpw: Figure, meeting: int | None, full: int) -> str:
    lang = report.lang
    a = zp.analysis
    status = (
        t("status_met" if zp.meets_target else "status_not_met", lang) if zp.target_hours is not None else ""
    )
    return t(
        "pres_summary",
        lang,
        zone=zp.zone_name,
        target=num(zp.target_hours, lang, 0) if zp.target_hours is not None else "–",
        hpw=hours(hpw.value, lang),
        total=num(a.patrol_s / HOUR, lang),
        status=status,
        meeting=meeting if meeting is not None else "–",
        full=full,
        share=pct(a.in_band, len(a.visits), lang),
    )
