"""Controlled vocabularies (Swedish first, English available), loaded from shipped CSV files.

The CSVs in ``data/`` are copies of the project's sourced files (see ``data/SOURCES.md``)
plus small design-choice lists; each row keeps its source.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

from traffic.errors import InvalidTransition, UnknownCode


@dataclass(frozen=True)
class Term:
    """One code with its labels and the rest of its CSV row."""

    code: str
    label_sv: str
    label_en: str
    group: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def label(self, lang: str = "sv") -> str:
        """The label in ``lang`` ("sv" or "en")."""
        return self.label_en if lang == "en" else self.label_sv


@dataclass(frozen=True)
class Vocabulary:
    """An ordered set of terms with code validation."""

    name: str
    terms: tuple[Term, ...]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    @cached_property
    def codes(self) -> frozenset[str]:
        """All valid codes."""
        return frozenset(t.code for t in self.terms)

    def get(self, code: str) -> Term:
        """Return the term for ``code`` or raise KeyError."""
        for term in self.terms:
            if term.code == code:
                return term
        raise KeyError(code)

    def check(self, code: object, *, field: str) -> str:
        """Return ``code`` if valid, else raise :class:`UnknownCode` naming ``field``."""
        if not isinstance(code, str) or code not in self.codes:
            raise UnknownCode(field, code, self.codes)
        return code

    def check_all(self, codes: Iterable[object], *, field: str) -> list[str]:
        """Validate a list of codes; keeps order, drops duplicates."""
        out: list[str] = []
        for i, code in enumerate(codes):
            self.check(code, field=f"{field}[{i}]")
            if code not in out:
                out.append(code)  # type: ignore[arg-type]
        return out

    def labels(self, lang: str = "sv") -> dict[str, str]:
        """Map code → label."""
        return {t.code: t.label(lang) for t in self.terms}


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("traffic.vocab").joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _simple(name: str, filename: str) -> Vocabulary:
    terms = tuple(
        Term(r["code"], r["label_sv"], r["label_en"], r.get("next", "") or "", extra=r)
        for r in _rows(filename)
    )
    return Vocabulary(name, terms)


@cache
def outcomes() -> Vocabulary:
    """Control outcomes (utfall), from control_outcome_vocabulary.csv plus "utan anmärkning"."""
    extra = [
        Term(r["code"], r["term_sv"], r["gloss_en"], r["kind"], r)
        for r in _rows("extra_outcomes.csv")
    ]
    sourced = [
        Term(r["code"], r["term_sv"], r["gloss_en"], r["kind"], r)
        for r in _rows("control_outcome_vocabulary.csv")
    ]
    return Vocabulary("outcome", tuple(extra + sourced))


@cache
def findings() -> Vocabulary:
    """Findings (anmärkningar): vehicle defects and traffic offences, one code space."""
    defects = [
        Term(r["code"], r["category_sv"], r["category_en"], "defect", r)
        for r in _rows("vehicle_defect_categories.csv")
    ]
    offences = [
        Term(r["code"], r["term_sv"], r["gloss_en"], "offence", r)
        for r in _rows("traffic_offence_categories.csv")
    ]
    return Vocabulary("finding", tuple(defects + offences))


VOCABULARY_FILES = {
    "vehicle_type": "vehicle_types.csv",
    "focus": "operation_focus.csv",
    "speed_method": "speed_methods.csv",
    "measure_kind": "measure_kinds.csv",
    "measure_status": "measure_statuses.csv",
    "operation_status": "operation_statuses.csv",
    "incident_kind": "incident_kinds.csv",
    "incident_source": "incident_sources.csv",
    "severity": "severities.csv",
    "presence_mode": "presence_modes.csv",
    "role": "roles.csv",
    "zone_kind": "zone_kinds.csv",
    "organisation_kind": "organisation_kinds.csv",
}


@cache
def vocabulary(name: str) -> Vocabulary:
    """Return a vocabulary by name (see :data:`VOCABULARY_FILES`, plus outcome and finding)."""
    if name == "outcome":
        return outcomes()
    if name == "finding":
        return findings()
    return _simple(name, VOCABULARY_FILES[name])


def all_vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary, by name."""
    names = ["outcome", "finding", *VOCABULARY_FILES]
    return {n: vocabulary(n) for n in names}


def check_transition(
    vocab_name: str, current: str, requested: str, *, field: str = "status"
) -> str:
    """Allow ``current → requested`` only if the status vocabulary lists it as a next step."""
    vocab = vocabulary(vocab_name)
    vocab.check(requested, field=field)
    allowed = vocab.get(current).group.split()
    if requested != current and requested not in allowed:
        raise InvalidTransition(field, current, requested, allowed)
    return requested


NO_REMARK = "UTAN_ANMARKNING"
