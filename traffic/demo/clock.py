"""The demo's calendar: 2024-01-01 … 2025-12-31 in Europe/Stockholm, stored as UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from traffic.timeutil import STOCKHOLM

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2025, 12, 31)
# The demo is seen "as of" this moment (a Saturday evening): earlier operations are over,
# one is under way and a few are planned for the rest of December 2025.
AS_OF = datetime(2025, 12, 20, 20, 0, tzinfo=STOCKHOLM).astimezone(UTC)


def local_time(day: date, minutes: float) -> datetime:
    """``minutes`` after local midnight of ``day`` (wall clock, may pass midnight), in UTC."""
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=float(minutes))
    return wall.replace(tzinfo=STOCKHOLM).astimezone(UTC)


def days(first: date = FIRST_DAY, last: date = LAST_DAY) -> list[date]:
    """Every day from ``first`` to ``last`` inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def as_of_day() -> date:
    """The local date of :data:`AS_OF`."""
    return AS_OF.astimezone(STOCKHOLM).date()
