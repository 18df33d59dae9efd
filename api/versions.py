"""ETag / If-Match: an update made against an old version is refused (412) and loses nothing."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from traffic.errors import DomainError


class PreconditionFailed(DomainError):
    """If-Match names a version that is no longer current."""


def etag(obj: Any) -> str:
    """The strong ETag of a record's version."""
    return f'"v{obj.version}"'


def expected_version(request: Request) -> int | None:
    """The version named by ``If-Match`` (``"v3"`` or ``3``), or None when absent or ``*``."""
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"').removeprefix("v")
    if not value.isdigit():
        raise PreconditionFailed(f"If-Match {header!r} is not an ETag of this API", field="If-Match")
    return int(value)


def check_if_match(request: Request, obj: Any) -> int | None:
    """Refuse with 412 when ``If-Match`` does not name the current version."""
    wanted = expected_version(request)
    if wanted is not None and wanted != obj.version:
        raise PreconditionFailed(
            f"the record is at version {obj.version}, not {wanted}; reload and try again",
            field="If-Match",
        )
    return wanted
