"""Property: any text given as a period is a half-open Stockholm interval or a ValidationFailed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from traffic.errors import ValidationFailed
from traffic.timeutil import parse_period

year = st.integers(min_value=0, max_value=99999).map(str)
period_text = st.one_of(
    st.builds(lambda y, h: f"{y}H{h}", year, st.integers(0, 9)),
    year,
    st.builds(lambda a, b: f"{a}..{b}", st.dates().map(str) | st.text(max_size=10), st.dates().map(str)),
    st.text(max_size=25),
)


@settings(max_examples=300, deadline=None)
@given(period_text)
def test_period_text_gives_period_or_validation_failed(text):
    try:
        p = parse_period(text)
    except ValidationFailed as exc:
        assert exc.field == "period" and exc.message
    else:
        assert p.start < p.end and p.start.tzinfo is not None
        if p.label.endswith(("H1", "H2")):
            assert p.previous().end == p.start and p.year_before().label[:4] == str(int(p.label[:4]) - 1)
