"""Benchmark: the half-year follow-up report with 100,000 checks and 20,000 presence sessions.

Run: ``.venv/bin/python bench/report.py [--checks N] [--presence N] [--backend sqlite|postgis|both]
[--runs 3] [--keep]``.

The data: the Mjölby demo (``build_demo``: two years of operations, checks, presence, measures,
incidents and the promise, so the comparison periods and the effects have data) topped up so
that the reported half-year, **2025H1**, itself holds ``--checks`` vehicle checks (with their
finding and outcome codes, a quarter A-/EPA-traktorer with their A-traktor fields) and
``--presence`` presence sessions at resecentrum (check-ins, point stays and GPS tracks crossing
the zone, several units overlapping). Generating and loading is not timed.

What is timed, per backend, on a warm process (a first, untimed build loads the libraries and
fills caches as a running server would have them), median of ``--runs`` runs:

* ``build`` — ``build_report(session, "2025H1")``: every figure of the report, the comparison
  half-years, presence analysis, effects of every completed measure, hot spots;
* ``build + json`` / ``+ html`` / ``+ pdf`` — ``build`` plus rendering that format (charts and
  maps drawn for HTML as SVG and for PDF as PNG: nothing is shared between the formats' timings).

Each cell gives wall-clock seconds and, in brackets, the CPU seconds of the benchmark process
(on PostGIS the server's work is not in the brackets). The machine is shared: compare the load
average printed under the table.

Target (issue 5): the half-year report in under 3 s on both databases — judged on ``build``
and on each format, reported beside the figures, never asserted (exit status non-zero only
when something fails).

PostGIS: drops and creates the database named in ``TRAFIKTRYGG_BENCH_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/trafiktrygg_bench_report``); dropped at the end
unless ``--keep``. SQLite: a file in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table
from shapely.geometry import LineString, Point
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.crs import wgs84_lonlat  # noqa: E402
from geo.dbtypes import bbox_of  # noqa: E402
from traffic.demo import build_demo  # noqa: E402
from traffic.models import Base  # noqa: E402
from traffic.report import build_report, render  # noqa: E402
from traffic.storage.db import make_engine  # noqa: E402
from traffic.storage.migrate import upgrade  # noqa: E402
from traffic.timeutil import parse_period  # noqa: E402

PG_URL_ENV = "TRAFIKTRYGG_BENCH_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/trafiktrygg_bench_report"
PERIOD = "2025H1"
TARGET_S = 3.0
SEED = 5
BATCH = 5000
AS_OF = datetime(2025, 12, 20, 19, 0, tzinfo=UTC)  # the demo's "now"
VEHICLES = (("CAR", .45), ("A_TRAKTOR", .22), ("EPA", .03), ("MOPED_I", .06), ("MOPED_II", .03),
            ("MC", .05), ("HEAVY", .07), ("LIGHT_TRUCK", .07), ("OTHER", .02))  # fmt: skip
# (findings, outcomes, fine, A-traktor only, A-traktor fields, weight)
PATTERNS: list[tuple[list[str], list[str], int | None, bool, dict[str, Any], float]] = [
    ([], ["UTAN_ANMARKNING"], None, False, {}, .60),
    (["LIGHTS"], ["TILLSAGELSE"], None, False, {}, .10),
    (["SPEED"], ["ORDNINGSBOT"], 2000, False, {}, .10),
    (["TYRES", "BRAKES"], ["KORFORBUD"], None, False, {}, .04),
    (["SEATBELT_DRIVER"], ["ORDNINGSBOT"], 1500, False, {}, .05),
    (["UNLICENSED"], ["RAPPORT"], None, False, {}, .03),
    (["SPEED_LIMITER_TAMPERING"], ["RAPPORT", "BESLAG"], None, True, {"limiter_tampered": True}, .03),
    (["LGF"], ["ORDNINGSBOT"], 1500, True, {"lgf_sign_ok": False}, .03),
    (["PASSENGERS"], ["ORDNINGSBOT"], 1500, True, {"passengers": 3}, .02),
]  # fmt: skip


def _table(name: str) -> sa.Table:
    return Base.metadata.tables[name]


def _insert(session: Session, name: str, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), BATCH):
        session.execute(sa.insert(_table(name)), rows[i : i + BATCH])


def _record(rid: uuid.UUID, org: uuid.UUID, at: datetime) -> dict[str, Any]:
    return {"id": rid, "org_id": org, "created_by": None, "created_at": at, "updated_at": at,
            "deleted_at": None, "version": 1}  # fmt: skip


def _spatial(geom: Any) -> dict[str, Any]:
    minx, miny, maxx, maxy = bbox_of(geom)
    return {"geom": geom, "bbox_minx": minx, "bbox_miny": miny, "bbox_maxx": maxx, "bbox_maxy": maxy}


def _count(session: Session, table: str, column: str, start: datetime, end: datetime) -> int:
    col = _table(table).c[column]
    return int(
        session.scalar(sa.select(sa.func.count()).select_from(_table(table)).where(col >= start, col < end))
    )


CHECK_DEFAULTS = {
    "fine_amount_sek": None, "limiter_tampered": None, "lgf_sign_ok": None, "rear_space_blocked": None,
    "passengers": None, "measured_speed_kmh": None, "speed_limit_kmh": None, "speed_method": None,
    "vehicle_pseudonym": None, "note": None,
}  # fmt: skip
STATION_E, STATION_N = 507731.3, 6464677.2  # SWEREF 99 TM (data/mjolby_reference_points.csv)


def _check_rows(
    rng: np.random.Generator, n: int, operations: list[Any], org: uuid.UUID, start: datetime, span: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` checks scattered around the station (σ 900 m) and their codes."""
    e, nn = STATION_E + rng.normal(0, 900, n), STATION_N + rng.normal(0, 900, n)
    lon, lat = wgs84_lonlat(e, nn)
    when = np.sort(rng.uniform(0, span, n))
    vehicle = rng.choice(len(VEHICLES), n, p=[p for _, p in VEHICLES])
    weights = np.array([p[5] for p in PATTERNS])
    pattern = rng.choice(len(PATTERNS), n, p=weights / weights.sum())
    op_index = rng.integers(0, len(operations), n)
    checks, codes = [], []
    for i in range(n):
        vtype = VEHICLES[vehicle[i]][0]
        a_type = vtype in ("A_TRAKTOR", "EPA")
        chosen = PATTERNS[pattern[i]] if a_type or not PATTERNS[pattern[i]][3] else PATTERNS[0]
        findings, outcomes, fine, _, a_fields, _ = chosen
        cid = uuid.UUID(bytes=rng.bytes(16), version=4)
        at = start + timedelta(seconds=float(when[i]))
        row = {**_record(cid, org, at), **_spatial(Point(lon[i], lat[i])), **CHECK_DEFAULTS}
        row.update(sweref_e=float(e[i]), sweref_n=float(nn[i]), operation_id=operations[op_index[i]][0],
                   checked_at=at, vehicle_type=vtype, fine_amount_sek=fine)  # fmt: skip
        if a_type:
            row.update(limiter_tampered=False, lgf_sign_ok=True, rear_space_blocked=True, passengers=1)
            row.update(a_fields)
            if rng.random() < 0.4:
                speed = round(float(rng.uniform(22, 58)), 1)
                row.update(measured_speed_kmh=speed, speed_limit_kmh=30, speed_method="LASER")
        checks.append(row)
        codes += [
            {"check_id": cid, "kind": "finding", "code": c, "position": k} for k, c in enumerate(findings)
        ]
        codes += [
            {"check_id": cid, "kind": "outcome", "code": c, "position": k} for k, c in enumerate(outcomes)
        ]
    return checks, codes


def _presence_rows(
    rng: np.random.Generator, m: int, zone: uuid.UUID, org: uuid.UUID, start: datetime, span: float
) -> list[dict[str, Any]]:
    """``m`` sessions at resecentrum: 55 % check-ins, 40 % point stays, 5 % GPS tracks across the zone."""
    no_geom = {"geom": None, "bbox_minx": None, "bbox_miny": None, "bbox_maxx": None, "bbox_maxy": None}
    rows = []
    for i in range(m):
        at = start + timedelta(seconds=float(rng.uniform(0, span - 7200)))
        minutes = float(rng.choice([8, 12, 15, 20, 25, 35, 50]))
        end = at + timedelta(minutes=minutes)
        row = {**_record(uuid.UUID(bytes=rng.bytes(16), version=4), org, end), **no_geom}
        row.update(unit=f"Patrull {2100 + i % 9}", officers=int(rng.integers(1, 4)), mode="FOOT",
                   zone_id=None, start_at=at, end_at=end, track_times=None, note=None)  # fmt: skip
        r = rng.random()
        if r < 0.55:
            row.update(kind="ZONE_CHECKIN", zone_id=zone)
        elif r < 0.95:
            px, py = wgs84_lonlat(STATION_E + rng.normal(0, 180, 1), STATION_N + rng.normal(0, 180, 1))
            row.update(kind="POINT", **_spatial(Point(float(px[0]), float(py[0]))))
        else:
            ang = rng.uniform(0, 2 * np.pi)
            steps = np.linspace(-450, 450, 9)
            tx, ty = wgs84_lonlat(STATION_E + steps * np.cos(ang), STATION_N + steps * np.sin(ang))
            times = [(at + timedelta(seconds=minutes * 60 * k / 8)).isoformat() for k in range(9)]
            line = LineString(np.column_stack([tx, ty]))
            row.update(kind="TRACK", mode="BIKE", track_times=times, **_spatial(line))
        rows.append(row)
    return rows


def top_up(session: Session, checks: int, presence: int, rng: np.random.Generator) -> tuple[int, int]:
    """Add checks and presence sessions to 2025H1 until it holds ``checks`` and ``presence``."""
    period = parse_period(PERIOD)
    start, span = period.start, (period.end - period.start).total_seconds()
    op = _table("operations").c
    started = (op.actual_start >= start, op.actual_start < period.end)
    operations = list(session.execute(sa.select(op.id, op.org_id).where(op.status == "COMPLETED", *started)))
    org = operations[0][1]
    zone = session.scalar(sa.select(_table("zones").c.id).where(_table("zones").c.code == "resecentrum_300m"))
    n = max(0, checks - _count(session, "vehicle_checks", "checked_at", start, period.end))
    check_rows, code_rows = _check_rows(rng, n, operations, org, start, span)
    _insert(session, "vehicle_checks", check_rows)
    _insert(session, "check_codes", code_rows)
    m = max(0, presence - _count(session, "presence_sessions", "start_at", start, period.end))
    _insert(session, "presence_sessions", _presence_rows(rng, m, zone, org, start, span))
    session.flush()
    return (
        _count(session, "vehicle_checks", "checked_at", start, period.end),
        _count(session, "presence_sessions", "start_at", start, period.end),
    )


def _postgis(url: str, *, drop: bool = False) -> str:
    parsed = make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        if not drop:
            conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    if not drop:
        eng = sa.create_engine(parsed)
        with eng.begin() as conn:
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        eng.dispose()
    return parsed.render_as_string(hide_password=False)


def prepare(url: str, checks: int, presence: int, console: Console) -> tuple[sa.Engine, int, int]:
    """Migrate, load the demo, top up 2025H1; return the engine and the period's volumes."""
    upgrade(url)
    engine = make_engine(url)
    t0 = time.perf_counter()
    build_demo(engine)
    with Session(engine) as session:
        n_checks, n_presence = top_up(session, checks, presence, np.random.default_rng(SEED))
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE")
    console.print(f"  data loaded in {time.perf_counter() - t0:.0f} s", style="dim")
    return engine, n_checks, n_presence


def timed(engine: sa.Engine, fmt: str | None, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``build_report`` (+ rendering ``fmt``) over ``runs`` runs."""
    wall, cpu = [], []
    for _ in range(runs):
        with Session(engine) as session:
            t0, c0 = time.perf_counter(), time.process_time()
            report = build_report(session, PERIOD)
            if fmt:
                render(report, fmt)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            session.rollback()
    return statistics.median(wall), statistics.median(cpu)


def run_backend(name: str, url: str, args: argparse.Namespace, console: Console) -> dict[str, Any]:
    """Load data into one backend and time the report."""
    console.print(f"[bold]{name}[/]: loading data …")
    engine, n_checks, n_presence = prepare(url, args.checks, args.presence, console)
    with Session(engine) as session:  # warm-up: imports, fonts, caches (a server has them)
        t0 = time.perf_counter()
        report = build_report(session, PERIOD)
        for fmt in ("json", "html", "pdf"):
            render(report, fmt)
        cold = time.perf_counter() - t0
    row = {"backend": name, "checks": n_checks, "presence": n_presence, "cold": cold}
    for fmt in (None, "json", "html", "pdf"):
        row[fmt or "build"], row[f"{fmt or 'build'} cpu"] = timed(engine, fmt, args.runs)
    engine.dispose()
    return row


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=100_000)
    parser.add_argument("--presence", type=int, default=20_000)
    parser.add_argument("--backend", choices=("sqlite", "postgis", "both"), default="both")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the PostGIS database")
    args = parser.parse_args(argv)
    console = Console(width=150)
    rows = []
    backends: list[tuple[str, Callable[[], str]]] = []
    tmp = tempfile.TemporaryDirectory()
    if args.backend in ("sqlite", "both"):
        backends.append(("SQLite", lambda: f"sqlite:///{Path(tmp.name) / 'report.sqlite'}"))
    pg_url = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
    if args.backend in ("postgis", "both"):
        backends.append(("PostGIS", lambda: _postgis(pg_url)))
    try:
        for name, make in backends:
            rows.append(run_backend(name, make(), args, console))
    finally:
        if args.backend in ("postgis", "both") and not args.keep:
            _postgis(pg_url, drop=True)
        tmp.cleanup()
    title = f"Half-year report {PERIOD}: wall seconds (CPU of this process), median of {args.runs} warm runs"
    table = Table(title=title)
    heads = ("backend", "checks in period", "presence in period", "build", "build + json", "build + html",
             "build + pdf", "first run (cold)", f"all < {TARGET_S:g} s")  # fmt: skip
    for col in heads:
        table.add_column(col, justify="left" if col == "backend" else "right")
    for r in rows:
        ok = all(r[k] < TARGET_S for k in ("build", "json", "html", "pdf"))
        times = [f"{r[k]:.2f} ({r[k + ' cpu']:.2f})" for k in ("build", "json", "html", "pdf")]
        volume = [f"{r['checks']:,}", f"{r['presence']:,}"]
        table.add_row(r["backend"], *volume, *times, f"{r['cold']:.2f}", "yes" if ok else "NO")
    console.print(table)
    load = os.getloadavg()
    console.print(
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores", style="dim"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
