"""Stable ids for reference rows, so every fresh database names them the same."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("5f0c6a52-2c1e-4b8e-9a55-6d4a0e1b7c31")


def stable_id(kind: str, code: str) -> uuid.UUID:
    """A UUIDv5 from the record kind and its code (organisation, zone, commitment, …)."""
    return uuid.uuid5(NAMESPACE, f"{kind}:{code}")
