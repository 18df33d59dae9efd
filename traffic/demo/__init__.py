"""Deterministic Mjölby demo data for 2024-01-01 … 2025-12-31 (``trafiktrygg demo``).

Same seed → same rows, ids included. See :func:`traffic.demo.build.build_demo`.
"""

from traffic.demo.build import DEMO_ACTOR, DEMO_TABLES, build_demo, existing_counts, reset_demo
from traffic.demo.clock import AS_OF

__all__ = ["AS_OF", "DEMO_ACTOR", "DEMO_TABLES", "build_demo", "existing_counts", "reset_demo"]
