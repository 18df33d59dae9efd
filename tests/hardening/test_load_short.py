"""The short version of ``bench/load.py`` in CI: a few seconds of mixed load on each database,
with one and with two worker processes; any 5xx, transport error or lost write fails.

Smaller than the benchmark (fewer clients, seconds and demo checks) to keep CI fast; the
request kinds, the retry of 503s and the lost-write count are the benchmark's own code.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from tests.hardening.conftest import bench_module, new_url

load = bench_module("load")
SECONDS = 5.0
CLIENTS = 12
CHECKS = 1000


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_short_mixed_load_loses_nothing(backend: str, tmp_path: Path) -> None:
    fx = load.prepare(backend, new_url(backend, tmp_path), CHECKS)
    runs = [load.run_one(fx, workers, CLIENTS, SECONDS, tmp_path) for workers in (1, 2)]
    Console(width=150).print(load.table(runs))  # shown with -s, and in the report of a failure
    for run in runs:
        assert run.failures == [], (run.workers, run.failures, run.server_errors[:5])
        for kind in run.kinds.values():
            assert kind.clients > 0 and kind.count(200) > 0, (run.workers, kind.name, dict(kind.status))
            assert kind.count(400) == 0, (run.workers, kind.name, dict(kind.status))
        writes = run.kinds[load.KINDS[0]]
        assert len(writes.acked) == writes.status[201] > 0
