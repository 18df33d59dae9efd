"""The report period, the periods it is compared with, and how they are written."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from traffic.report.numbers import span_text
from traffic.report.texts import t
from traffic.timeutil import STOCKHOLM, Period, parse_period

PREVIOUS, YEAR_BEFORE = "previous", "year_before"
HALF_YEAR = re.compile(r"^(\d{4})H([12])$")


def days_of(period: Period) -> tuple[date, date]:
    """The first and the last local date of ``period`` (inclusive)."""
    first = period.start.astimezone(STOCKHOLM).date()
    last = (period.end.astimezone(STOCKHOLM) - timedelta(microseconds=1)).date()
    return first, last


def _shifted(first: date, last: date) -> Period:
    return parse_period(f"{first.isoformat()}..{last.isoformat()}")


def _year_earlier(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def comparisons(period: Period) -> dict[str, Period]:
    """The previous period and the same period a year before.

    A half-year compares with the half-year before and the same half-year a year earlier; any
    other range with the range of equal length just before it and the same dates a year earlier.
    """
    if HALF_YEAR.match(period.label):
        return {PREVIOUS: period.previous(), YEAR_BEFORE: period.year_before()}
    first, last = days_of(period)
    length = (last - first).days + 1
    prev_last = first - timedelta(days=1)
    return {
        PREVIOUS: _shifted(prev_last - timedelta(days=length - 1), prev_last),
        YEAR_BEFORE: _shifted(_year_earlier(first), _year_earlier(last)),
    }


def period_text(period: Period, lang: str = "sv") -> str:
    """``första halvåret 2025 (1 januari–30 juni 2025)`` or the date span of a range."""
    first, last = days_of(period)
    span = span_text(first, last, lang)
    m = HALF_YEAR.match(period.label)
    if m:
        half = t("half_1" if m.group(2) == "1" else "half_2", lang)
        return f"{half} {m.group(1)} ({span})"
    return span


def short_label(period: Period, lang: str = "sv") -> str:
    """``2025H1`` for half-years, else ``2025-01-01–2025-03-31``."""
    if HALF_YEAR.match(period.label):
        return period.label
    first, last = days_of(period)
    return f"{first.isoformat()}–{last.isoformat()}"


def ended(period: Period, now: datetime) -> bool:
    """Whether the period is over at ``now``."""
    return now >= period.end
