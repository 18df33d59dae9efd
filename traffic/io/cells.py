"""Cell values: the type of each field, parsing text cells, and formula-safe writing.

Parsing turns what a spreadsheet or a GeoJSON property holds into what the pydantic Create
schema expects: ``ja``/``nej`` into booleans, ``A|B`` into lists, ``12 000`` and ``12,5`` into
numbers, a time without offset into Europe/Stockholm wall time. Anything still wrong is left to
the schema, so the messages are the same as through the API.
"""

from __future__ import annotations

import math
import types
import typing
import uuid
from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel

from traffic.timeutil import STOCKHOLM

TEXT, INT, FLOAT, BOOL, LIST, DATE, DATETIME, UUID, JSON = (
    "text",
    "int",
    "float",
    "bool",
    "list",
    "date",
    "datetime",
    "uuid",
    "json",
)
TRUE_WORDS = frozenset({"true", "ja", "1", "yes", "sant", "j", "y"})
FALSE_WORDS = frozenset({"false", "nej", "0", "no", "falskt", "n"})
LIST_SEPARATOR = "|"
# OWASP CSV injection: a spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UNESCAPE_AFTER_QUOTE = ("=", "+", "-", "@")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")


class CellError(ValueError):
    """A cell that cannot be read as its field's type."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _base(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _base(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _base(args[0])
    return origin or annotation


def type_of(annotation: Any) -> str:
    """The cell type of a pydantic field annotation (``int | None`` → ``"int"``)."""
    base = _base(annotation)
    if base is bool:
        return BOOL
    table = {int: INT, float: FLOAT, list: LIST, dict: JSON, uuid.UUID: UUID, date: DATE}
    if base is AwareDatetime or base is datetime:
        return DATETIME
    return table.get(base, TEXT)


def schema_types(schema: type[BaseModel]) -> dict[str, str]:
    """Field name → cell type for every field of ``schema``."""
    return {name: type_of(info.annotation) for name, info in schema.model_fields.items()}


def is_blank(value: Any) -> bool:
    """None, NaN and empty or all-space text count as "not given"."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _quoted_formula(text: str) -> bool:
    """``'=…``, ``''+…``: quotes in front of something a spreadsheet would run."""
    return text.startswith("'") and text.lstrip("'").startswith(UNESCAPE_AFTER_QUOTE)


def unescape_formula(text: str) -> str:
    """Undo the export's formula guard: drop ONE leading ``'`` that guards ``= + - @``."""
    return text[1:] if _quoted_formula(text) else text


def escape_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (or that is guarded already)."""
    return "'" + text if text.startswith(FORMULA_START) or _quoted_formula(text) else text


def _number_text(text: str) -> str:
    text = text.strip().translate(_SPACES)
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")  # Swedish decimal comma
    return text


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise CellError(field, f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(_number_text(str(value)))
    except ValueError:
        raise CellError(field, f"expected a whole number, got {value!r}") from None


def _float(value: Any, field: str) -> float:
    if isinstance(value, bool):
        raise CellError(field, f"expected a number, got {value!r}")
    try:
        number = float(value) if isinstance(value, int | float) else float(_number_text(value))
    except (TypeError, ValueError):
        raise CellError(field, f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise CellError(field, f"expected a finite number, got {value!r}")
    return number


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(field, f"expected true/false, ja/nej or 1/0, got {value!r}")


def _datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return value  # the schema names the problem
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=STOCKHOLM)  # wall time in Sweden
    return value


def parse_cell(value: Any, kind: str, *, field: str, from_csv: bool = False) -> Any:
    """Turn one non-blank cell or property into the value the schema expects."""
    if kind == INT:
        return _int(value, field)
    if kind == FLOAT:
        return _float(value, field)
    if kind == BOOL:
        return _bool(value, field)
    if kind == LIST:
        if isinstance(value, str):
            return [c.strip() for c in value.split(LIST_SEPARATOR) if c.strip()]
        return value
    if kind == DATETIME:
        return _datetime(value)
    if kind == TEXT and from_csv and isinstance(value, str):
        return unescape_formula(value.strip())
    return value


def local_iso(value: datetime) -> str:
    """A stored UTC time as ISO 8601 in Europe/Stockholm with its offset."""
    return value.astimezone(STOCKHOLM).isoformat()


def plain(value: Any) -> Any:
    """A value as JSON carries it: times in Stockholm with offset, dates and ids as text."""
    if isinstance(value, datetime):
        return local_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def csv_cell(value: Any, kind: str) -> str:
    """A value as one CSV cell; text is formula-guarded, numbers and codes are written as-is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, int | float):
        return repr(value)
    value = plain(value)
    return escape_formula(value) if kind == TEXT else str(value)
