"""What an import did: rows stored, rows rejected and why; errors about the file itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from traffic.errors import ValidationFailed


class ImportFileError(ValidationFailed):
    """The file as a whole cannot be read (encoding, structure, columns, CRS); nothing is stored."""


class Rejection(NamedTuple):
    """One problem with one input row: its number, the line it starts on, the field, why."""

    row: int
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f" (line {self.line})" if self.line else "")
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


@dataclass
class ImportReport:
    """The outcome of one import: ``accepted`` rows stored and every ``rejected`` row problem."""

    kind: str
    total: int
    accepted: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    partial: bool = False

    @property
    def rejected_rows(self) -> int:
        """How many distinct rows were rejected (a row may have several problems)."""
        return len({r.row for r in self.rejected})

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return not self.rejected

    def lines(self) -> list[str]:
        """One line per problem, ``row N (line L): field: message``, in row order."""
        return [str(r) for r in sorted(self.rejected, key=lambda r: r.row)]

    def summary(self) -> str:
        """A one-line bilingual summary for the CLI."""
        head = f"{self.accepted} rader importerade / {self.accepted} rows imported"
        if self.ok:
            return head
        tail = f"{self.rejected_rows} of {self.total} rejected"
        if self.partial:
            return f"{head}: {tail}"
        return f"{head}: {tail}, nothing stored (use --partial to keep the good rows)"
