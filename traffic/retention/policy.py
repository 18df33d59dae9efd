"""The retention periods in force: defaults, then a TOML file, then environment overrides.

A file names periods in days per kind and field (``keep`` = never purge)::

    [checks]
    note = 365
    vehicle_pseudonym = 180

    [audit]
    events = 1826

An environment variable ``TRAFIKTRYGG_RETENTION_<KIND>_<FIELD>`` (``…_CHECKS_NOTE=365``)
overrides the file (``TRAFIKTRYGG_RETENTION_FILE`` names the file itself). Unknown names and
bad values are refused with one clear message.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from traffic.errors import DomainError
from traffic.retention.rules import BY_KEY, RULES, Rule

ENV_PREFIX = "TRAFIKTRYGG_RETENTION_"
FILE_ENV = ENV_PREFIX + "FILE"  # the file's path (a setting), not a rule
KEEP = "keep"
MAX_DAYS = 100 * 365


class RetentionConfigError(DomainError):
    """The retention configuration cannot be used (unknown rule, bad period, unreadable file)."""


@dataclass(frozen=True)
class Policy:
    """Days to keep per rule key; ``None`` keeps forever."""

    days: Mapping[str, int | None]

    def active(self) -> list[tuple[Rule, int]]:
        """The rules that purge, with their periods, in catalogue order."""
        return [(r, d) for r in RULES if (d := self.days.get(r.key)) is not None]

    def cutoff(self, key: str, now: datetime) -> datetime | None:
        """Rows older than this go (None: the rule keeps everything)."""
        days = self.days.get(key)
        return None if days is None else now - timedelta(days=days)

    def describe(self) -> dict[str, int | None]:
        """Every rule's period, for the purge's audit event and the dry run."""
        return {r.key: self.days.get(r.key) for r in RULES}


def default_policy() -> Policy:
    """The built-in periods (see docs/operations.md for why)."""
    return Policy({r.key: r.default_days for r in RULES})


def _days(key: str, value: Any, origin: str) -> int | None:
    if key not in BY_KEY:
        known = ", ".join(BY_KEY)
        raise RetentionConfigError(f"{origin}: unknown retention rule {key!r}; known rules: {known}")
    if isinstance(value, str) and value.strip().lower() == KEEP:
        return None
    if isinstance(value, bool):
        value = None
    try:
        days = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        days = None
    if days is None or not 1 <= days <= MAX_DAYS:
        raise RetentionConfigError(
            f"{origin}: retention {key} = {value!r} is not a whole number of days (1–{MAX_DAYS}) or {KEEP!r}"
        )
    return days


def _from_file(path: Path) -> dict[str, int | None]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RetentionConfigError(f"{path}: cannot read retention file ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RetentionConfigError(f"{path}: not valid TOML ({exc})") from exc
    out: dict[str, int | None] = {}
    for kind, fields in data.items():
        if not isinstance(fields, dict):
            raise RetentionConfigError(f"{path}: {kind!r} must be a table like [{kind}] with field = days")
        for name, value in fields.items():
            key = f"{kind}.{name}"
            out[key] = _days(key, value, str(path))
    return out


def _from_env(environ: Mapping[str, str]) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for name, value in environ.items():
        if not name.upper().startswith(ENV_PREFIX) or name.upper() == FILE_ENV:
            continue
        kind, _, field = name[len(ENV_PREFIX) :].lower().partition("_")
        key = f"{kind}.{field}"
        out[key] = _days(key, value, name)
    return out


def load_policy(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Policy:
    """Defaults, overridden by the TOML file ``path`` and then by ``TRAFIKTRYGG_RETENTION_*``."""
    days: dict[str, int | None] = dict(default_policy().days)
    if path is not None:
        days.update(_from_file(Path(path)))
    days.update(_from_env(environ or {}))
    return Policy(days)
