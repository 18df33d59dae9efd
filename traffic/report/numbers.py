"""Numbers as a Swedish (or English) reader expects them, honest about small numbers.

Swedish: ``1 234`` (no-break space between thousands), ``12,5``, ``45 %``. English:
``1,234``, ``12.5``, ``45%``. A share is only shown as a percentage over at least
:data:`MIN_CASES` cases; below that the text says "för få för att redovisa".
"""

from __future__ import annotations

import math
from datetime import date

from traffic.report.texts import t

MIN_CASES = 10
NBSP = "\u00a0"
MONTHS = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
           "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}  # fmt: skip


def num(value: float | None, lang: str = "sv", decimals: int = 0) -> str:
    """A number with thousands separators and the decimal mark of ``lang``; "–" for None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def pct(part: float | None, whole: float | None, lang: str = "sv", decimals: int = 0) -> str:
    """``part / whole`` as a percentage, or "för få för att redovisa" under ten cases."""
    if part is None or whole is None:
        return "–"
    if whole < MIN_CASES:
        return t("too_few", lang)
    return share_text(part / whole, lang, decimals)


def share_text(share: float | None, lang: str = "sv", decimals: int = 0) -> str:
    """A share 0–1 as a percentage (no small-number check: use :func:`pct` for counts)."""
    if share is None:
        return "–"
    sign = f"{NBSP}%" if lang == "sv" else "%"
    return num(100 * share, lang, decimals) + sign


def enough(n: int | None) -> bool:
    """Whether a share over ``n`` cases may be shown."""
    return n is not None and n >= MIN_CASES


def hours(value: float | None, lang: str = "sv") -> str:
    """Hours with one decimal."""
    return num(value, lang, 1)


def minutes_text(seconds: float | None, lang: str = "sv") -> str:
    """``1 h 05 min`` / ``45 min`` from seconds."""
    if seconds is None:
        return "–"
    m = int(round(seconds / 60))
    h, rest = divmod(m, 60)
    return f"{h}{NBSP}h {rest:02d}{NBSP}min" if h else f"{rest}{NBSP}min"


def day_text(d: date, lang: str = "sv", *, year: bool = True) -> str:
    """``3 mars 2025`` / ``3 March 2025``."""
    month = MONTHS[lang][d.month - 1]
    return f"{d.day} {month}" + (f" {d.year}" if year else "")


def span_text(first: date, last: date, lang: str = "sv") -> str:
    """``1 januari–30 juni 2025`` (both days inclusive)."""
    if first.year == last.year:
        return f"{day_text(first, lang, year=False)}–{day_text(last, lang)}"
    return f"{day_text(first, lang)}–{day_text(last, lang)}"


def ratio_text(value: float | None, ci: tuple[float, float] | None, lang: str = "sv") -> str:
    """``0,53 (0,16–1,53)``."""
    if value is None:
        return "–"
    if ci is None:
        return num(value, lang, 2)
    return f"{num(value, lang, 2)} ({num(ci[0], lang, 2)}–{num(ci[1], lang, 2)})"
