"""Vocabularies come from the shipped CSVs with Swedish and English labels; time rules."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from traffic import vocab
from traffic.errors import InvalidTransition, UnknownCode, ValidationFailed
from traffic.timeutil import STOCKHOLM, half_year, local, parse_period

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_every_vocabulary_has_swedish_and_english_labels():
    for name, v in vocab.all_vocabularies().items():
        assert v.terms, name
        for term in v.terms:
            assert term.label_sv and term.label_en, (name, term.code)


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data not beside the repository")
def test_outcomes_and_findings_cover_the_shared_csv_files():
    def codes(name: str) -> set[str]:
        with open(SHARED / name, encoding="utf-8") as fh:
            return {row["code"] for row in csv.DictReader(fh)}

    assert codes("control_outcome_vocabulary.csv") <= vocab.outcomes().codes
    assert codes("vehicle_defect_categories.csv") | codes("traffic_offence_categories.csv") == (
        vocab.findings().codes
    )


def test_unknown_code_lists_valid_ones():
    with pytest.raises(UnknownCode) as err:
        vocab.vocabulary("vehicle_type").check("TRAKTOR", field="vehicle_type")
    assert "A_TRAKTOR" in str(err.value) and err.value.field == "vehicle_type"


@pytest.mark.parametrize(
    ("current", "requested", "ok"),
    [
        ("PROPOSED", "PLANNED", True),
        ("PROPOSED", "REJECTED", True),
        ("PROPOSED", "COMPLETED", False),
        ("PLANNED", "IN_PROGRESS", True),
        ("IN_PROGRESS", "COMPLETED", True),
        ("COMPLETED", "IN_PROGRESS", False),
        ("REJECTED", "PLANNED", False),
    ],
)
def test_measure_transitions(current, requested, ok):
    if ok:
        assert vocab.check_transition("measure_status", current, requested) == requested
    else:
        with pytest.raises(InvalidTransition):
            vocab.check_transition("measure_status", current, requested)


def test_half_years_follow_stockholm_midnight():
    h1 = half_year(2025, 1)
    assert h1.start == datetime(2024, 12, 31, 23, tzinfo=UTC)  # CET is UTC+1 in winter
    assert h1.end == datetime(2025, 6, 30, 22, tzinfo=UTC)  # CEST is UTC+2 in summer
    assert parse_period("2025H1") == h1
    assert h1.previous().label == "2024H2" and h1.year_before().label == "2024H1"
    assert parse_period("2025H2").previous().label == "2025H1"


def test_date_range_period_is_inclusive_and_checked():
    p = parse_period("2025-03-01..2025-03-31")
    assert local(p.start) == datetime(2025, 3, 1, tzinfo=STOCKHOLM)
    assert local(p.end) == datetime(2025, 4, 1, tzinfo=STOCKHOLM)
    with pytest.raises(ValidationFailed, match="before"):
        parse_period("2025-03-31..2025-03-01")
    with pytest.raises(ValidationFailed):
        parse_period("våren 2025")
