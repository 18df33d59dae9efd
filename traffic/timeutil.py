"""Time: stored in UTC, shown in Europe/Stockholm; half-year periods like ``2025H1``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from traffic.errors import ValidationFailed

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_HALF_YEAR = re.compile(r"^(\d{4})H([12])$")
# Periods lie in these years; outside them a year is a typing error (and year 0 or 9999's end
# cannot be a Python datetime at all, which would otherwise surface as a server error).
YEARS = range(1900, 3000)


def to_utc(value: datetime, *, field: str = "time") -> datetime:
    """Return ``value`` in UTC; a naive datetime is read as Europe/Stockholm wall time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=STOCKHOLM)
    return value.astimezone(UTC)


def local(value: datetime) -> datetime:
    """Return ``value`` in Europe/Stockholm for display."""
    return value.astimezone(STOCKHOLM)


def check_order(start: datetime | None, end: datetime | None, *, field: str) -> None:
    """Refuse an interval whose end is before its start."""
    if start is not None and end is not None and end < start:
        raise ValidationFailed(
            f"end ({end.isoformat()}) is before start ({start.isoformat()})", field=field
        )


@dataclass(frozen=True)
class Period:
    """A half-open UTC interval ``[start, end)`` with a label like ``2025H1``."""

    label: str
    start: datetime
    end: datetime

    def previous(self) -> Period:
        """The half-year before this one (only for half-year periods)."""
        year, half = _parse_half(self.label)
        return half_year(year - 1, 2) if half == 1 else half_year(year, 1)

    def year_before(self) -> Period:
        """The same half-year a year earlier."""
        year, half = _parse_half(self.label)
        return half_year(year - 1, half)


def _parse_half(label: str) -> tuple[int, int]:
    m = _HALF_YEAR.match(label)
    if not m:
        raise ValidationFailed(f"{label!r} is not a half-year like 2025H1", field="period")
    return _year(int(m.group(1)), label), int(m.group(2))


def _year(year: int, text: str) -> int:
    if year not in YEARS:
        raise ValidationFailed(
            f"{text!r}: the year must be from {YEARS.start} to {YEARS.stop - 1}", field="period"
        )
    return year


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=STOCKHOLM).astimezone(UTC)


def half_year(year: int, half: int) -> Period:
    """The half-year in Stockholm time: H1 = Jan–Jun, H2 = Jul–Dec."""
    if half == 1:
        return Period(f"{year}H1", _midnight(date(year, 1, 1)), _midnight(date(year, 7, 1)))
    return Period(f"{year}H2", _midnight(date(year, 7, 1)), _midnight(date(year + 1, 1, 1)))


def parse_period(text: str) -> Period:
    """Parse ``2025H1``, ``2025`` or ``2025-01-01..2025-03-31`` (dates inclusive, Stockholm)."""
    text = text.strip()
    if _HALF_YEAR.match(text):
        return half_year(*_parse_half(text))
    if re.fullmatch(r"\d{4}", text):
        y = _year(int(text), text)
        return Period(text, _midnight(date(y, 1, 1)), _midnight(date(y + 1, 1, 1)))
    if ".." in text:
        a, b = text.split("..", 1)
        try:
            start, end = date.fromisoformat(a), date.fromisoformat(b)
        except ValueError as exc:
            raise ValidationFailed(f"{text!r}: {exc}", field="period") from exc
        _year(start.year, text), _year(end.year, text)
        if end < start:
            raise ValidationFailed(f"end {end} is before start {start}", field="period")
        return Period(text, _midnight(start), _midnight(end + timedelta(days=1)))
    raise ValidationFailed(
        f"{text!r} is not a period; use 2025H1, 2025 or 2025-01-01..2025-06-30", field="period"
    )
