"""Deterministic record ids and random streams: the same seed gives the same rows."""

from __future__ import annotations

import uuid

import numpy as np

# Fixed namespace for uuid5 ids of demo records (any constant UUID would do).
DEMO_NAMESPACE = uuid.UUID("5e1f0d2c-3b7a-5c1e-9a47-6d6a6f6c6279")

# One independent random stream per record kind, so that asking for more checks does not
# change the incidents or the presence sessions.
STREAMS = {
    "operations": 1,
    "checks": 2,
    "tallies": 3,
    "presence": 4,
    "measures": 5,
    "incidents": 6,
    "commitments": 7,
}


def demo_id(seed: int, kind: str, index: int) -> uuid.UUID:
    """The id of the ``index``-th demo record of ``kind`` for ``seed`` (a version-5 UUID)."""
    return uuid.uuid5(DEMO_NAMESPACE, f"{seed}/{kind}/{index}")


def stream(seed: int, kind: str) -> np.random.Generator:
    """The random generator for one record kind."""
    return np.random.default_rng([seed, STREAMS[kind]])
