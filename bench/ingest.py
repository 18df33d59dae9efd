"""Benchmark: bulk import of vehicle checks and "checks within 300 m of the station in 2024-H1".

Run: ``.venv/bin/python bench/ingest.py [--rows N] [--backend sqlite|postgis|both]``.
See bench/README.md for what each figure means. Targets are reported, not asserted: the exit
status is non-zero only when something fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import sqlalchemy as sa
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.crs import WGS84_SRID, metric_xy, wgs84_lonlat  # noqa: E402
from geo.zones import station_point  # noqa: E402
from traffic.actors import Actor  # noqa: E402
from traffic.audit.hook import install_audit  # noqa: E402
from traffic.checks.bulk import bulk_insert_checks  # noqa: E402
from traffic.checks.query import checks_within, count_checks_within  # noqa: E402
from traffic.demo.places import PLACES  # noqa: E402
from traffic.operations.schemas import OperationCreate  # noqa: E402
from traffic.operations.service import create_operation  # noqa: E402
from traffic.orgs.service import ensure_organisations  # noqa: E402
from traffic.storage.db import make_engine  # noqa: E402
from traffic.storage.migrate import upgrade  # noqa: E402
from traffic.timeutil import parse_period  # noqa: E402

SEED = 20240101
PG_URL_ENV = "TRAFIKTRYGG_BENCH_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/trafiktrygg_bench"
IMPORT_TARGET = 1 / 3  # bulk rows/s divided by the raw baseline's rows/s
QUERY_TARGET_MS = 100.0  # PostGIS, 1,000,000 checks
QUERY_RUNS, WARMUP_RUNS = 20, 3
RADIUS_M = 300.0
PERIOD = "2024H1"
CHECK_COLUMNS = (
    "id", "operation_id", "checked_at", "vehicle_type", "fine_amount_sek", "limiter_tampered",
    "lgf_sign_ok", "rear_space_blocked", "passengers", "measured_speed_kmh", "speed_limit_kmh",
    "speed_method", "vehicle_pseudonym", "note", "created_at", "updated_at", "deleted_at", "version",
    "org_id", "created_by", "sweref_e", "sweref_n", "geom", "bbox_minx", "bbox_miny", "bbox_maxx",
    "bbox_maxy",
)  # fmt: skip
CODE_COLUMNS = ("check_id", "kind", "code", "position")

# Where the synthetic operations stand (the demo's places, traffic/demo/places.py), their share
# of the checks, and how far checks scatter around them (normal, metres). Resecentrum,
# Järnvägsgatan and Magasinsgatan all lie within 300 m of the station, as in the demo world.
SITES = [
    ("resecentrum", "A_TRAKTOR", 0.12, 60),
    ("jarnvagsgatan", "DANGEROUS_BEHAVIOUR", 0.10, 60),
    ("magasinsgatan", "DEFECTIVE_VEHICLES", 0.08, 60),
    ("kungsvagen_centrum", "A_TRAKTOR", 0.15, 80),
    ("kungsvagen_vast", "SPEED", 0.10, 80),
    ("skolomradet", "SPEED", 0.08, 60),
    ("handelsomradet", "A_TRAKTOR", 0.07, 80),
    ("e4_norra", "SOBRIETY", 0.10, 80),
    ("e4_sodra", "SOBRIETY", 0.10, 80),
    ("kungsvagen_centrum", "DANGEROUS_BEHAVIOUR", 0.10, 1200),  # mobile controls across town
]
VEHICLES = [("CAR", .45), ("A_TRAKTOR", .20), ("EPA", .03), ("MOPED_I", .05), ("MOPED_II", .04),
            ("MC", .05), ("HEAVY", .08), ("LIGHT_TRUCK", .07), ("OTHER", .03)]  # fmt: skip
# (findings, outcomes, fine SEK, speed measured, A-traktor only, A-traktor fields, weight)
PATTERNS: list[tuple[list[str], list[str], int | None, bool, bool, dict[str, bool], float]] = [
    ([], [], None, False, False, {}, .55),
    ([], ["UTAN_ANMARKNING"], None, False, False, {}, .05),
    (["LIGHTS"], ["TILLSAGELSE"], None, False, False, {}, .10),
    (["SPEED"], ["ORDNINGSBOT"], 2000, True, False, {}, .10),
    (["TYRES", "BRAKES"], ["KORFORBUD"], None, False, False, {}, .04),
    (["SEATBELT_DRIVER"], ["ORDNINGSBOT"], 1500, False, False, {}, .05),
    (["UNLICENSED"], ["RAPPORT"], None, False, False, {}, .03),
    (["DRUNK_DRIVING"], ["RAPPORT", "OMHANDERTAGANDE_KORKORT"], None, False, False, {}, .02),
    (["SPEED_LIMITER_TAMPERING"], ["RAPPORT", "BESLAG"], None, True, True, {"limiter_tampered": True}, .03),
    (["LGF"], ["ORDNINGSBOT"], 1000, False, True, {"lgf_sign_ok": False}, .03),
]  # fmt: skip


# -- synthetic data -----------------------------------------------------------------------------


@dataclass
class Synthetic:
    """N checks as column arrays (sorted by time, as logged) plus the operations they belong to."""

    ids: list[uuid.UUID]
    op_ids: list[uuid.UUID]
    op_index: np.ndarray
    checked_at: list[datetime]
    lon: np.ndarray
    lat: np.ndarray
    vehicle: np.ndarray
    pattern: np.ndarray
    speed: np.ndarray
    a_fields: np.ndarray  # A-traktor rows examined without remark

    def rows(self) -> list[dict[str, Any]]:
        """The rows as the bulk path takes them (plain dicts, CheckCreate field names)."""
        out = []
        vehicles = [v for v, _ in VEHICLES]
        for i in range(len(self.ids)):
            findings, outcomes, fine, speed, _, a_fields, _ = PATTERNS[self.pattern[i]]
            row: dict[str, Any] = {
                "id": self.ids[i],
                "operation_id": self.op_ids[self.op_index[i]],
                "checked_at": self.checked_at[i],
                "lon": float(self.lon[i]),
                "lat": float(self.lat[i]),
                "vehicle_type": vehicles[self.vehicle[i]],
                "findings": findings,
                "outcomes": outcomes,
            }
            if fine:
                row["fine_amount_sek"] = fine
            if speed:
                row.update(measured_speed_kmh=float(self.speed[i]), speed_limit_kmh=30, speed_method="LASER")
            row.update(a_fields)
            if self.a_fields[i]:
                row.update(limiter_tampered=False, lgf_sign_ok=True, rear_space_blocked=True)
            out.append(row)
        return out


def synthesize(n: int, seed: int = SEED) -> Synthetic:
    """Deterministic checks around Mjölby over 2024-2025 (same seed, same rows)."""
    rng = np.random.default_rng(seed)
    centre = np.array([PLACES[code].metric for code, *_ in SITES])
    shares = np.array([s[2] for s in SITES])
    spread = np.array([s[3] for s in SITES], dtype=float)
    site = rng.choice(len(SITES), n, p=shares / shares.sum())
    e = centre[site, 0] + rng.normal(0, 1, n) * spread[site]
    nn = centre[site, 1] + rng.normal(0, 1, n) * spread[site]
    lon, lat = wgs84_lonlat(e, nn)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    seconds = np.sort(rng.integers(0, 2 * 365 * 86400, n))
    vehicle = rng.choice(len(VEHICLES), n, p=[p for _, p in VEHICLES])
    is_a = np.isin(vehicle, [1, 2])
    weights = np.array([p[6] for p in PATTERNS])
    pattern = rng.choice(len(PATTERNS), n, p=weights / weights.sum())
    a_only = np.array([p[4] for p in PATTERNS])
    pattern[a_only[pattern] & ~is_a] = 0  # A-traktor findings only on A-traktor/EPA rows
    a_fields = is_a & (pattern == 0) & (rng.random(n) < 0.5)
    raw = rng.bytes(16 * n)
    ids = [uuid.UUID(bytes=raw[16 * i : 16 * i + 16], version=4) for i in range(n)]
    op_rng = np.random.default_rng(seed + 1)
    op_ids = [uuid.UUID(bytes=op_rng.bytes(16), version=4) for _ in SITES]
    return Synthetic(
        ids=ids,
        op_ids=op_ids,
        op_index=site,
        checked_at=[start + timedelta(seconds=int(s)) for s in seconds],
        lon=lon,
        lat=lat,
        vehicle=vehicle,
        pattern=pattern,
        speed=rng.uniform(35, 80, n).round(1),
        a_fields=a_fields,
    )


# -- databases ----------------------------------------------------------------------------------


def create_postgis_database(url: str) -> str:
    """Drop and create the database named in ``url`` with PostGIS; return the URL."""
    parsed = make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return parsed.render_as_string(hide_password=False)


def drop_postgis_database(url: str) -> None:
    """Drop the database named in ``url``."""
    parsed = make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def prepare(url: str, data: Synthetic) -> tuple[sa.Engine, Actor, uuid.UUID]:
    """Migrate a fresh database and add the organisations and operations; return the org id."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        org = ensure_organisations(session)["polisen"]
        actor = Actor(username="bench", role="lead", org_id=org.id)
        session.info["actor"] = actor
        for op_id, (code, focus, *_rest) in zip(data.op_ids, SITES, strict=True):
            place = PLACES[code]
            op = OperationCreate(
                id=op_id,
                title=f"Kontroll {place.where}",
                focus=focus,
                status="COMPLETED",
                place_name=place.name,
                geometry={"type": "Point", "coordinates": [place.lon, place.lat]},
                actual_start=datetime(2024, 1, 1, tzinfo=UTC),
                actual_end=datetime(2025, 12, 31, tzinfo=UTC),
            )
            create_operation(session, actor=actor, data=op)
        session.commit()
        return engine, actor, org.id


def checkpoint(engine: sa.Engine) -> None:
    """Start each timed run from the same state: PostgreSQL checkpoint, SQLite WAL checkpoint."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("CHECKPOINT"))
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.commit()


# -- the raw baseline ---------------------------------------------------------------------------


def raw_rows(
    data: Synthetic, org_id: uuid.UUID, postgres: bool
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The same checks pre-serialised as the database stores them (no validation)."""
    e, n = metric_xy(data.lon, data.lat)
    points = shapely.points(data.lon, data.lat)
    if postgres:
        geoms = shapely.to_wkb(shapely.set_srid(points, WGS84_SRID), hex=True, include_srid=True)
    else:
        geoms = shapely.to_wkb(points)
    now = datetime.now(UTC)
    sql_uuid: Callable[[uuid.UUID], Any] = str if postgres else (lambda u: u.hex)
    sql_time: Callable[[datetime], str] = (
        (lambda t: t.isoformat()) if postgres else (lambda t: t.strftime("%Y-%m-%d %H:%M:%S.%f"))
    )
    org, stamp, vehicles = sql_uuid(org_id), sql_time(now), [v for v, _ in VEHICLES]
    ops = [sql_uuid(o) for o in data.op_ids]
    checks, codes = [], []
    for i, check_id in enumerate(data.ids):
        findings, outcomes, fine, speed, _, a_fields, _ = PATTERNS[data.pattern[i]]
        a = (
            {"limiter_tampered": False, "lgf_sign_ok": True, "rear_space_blocked": True}
            if data.a_fields[i]
            else a_fields
        )
        cid, x, y = sql_uuid(check_id), float(data.lon[i]), float(data.lat[i])
        checks.append((
            cid, ops[data.op_index[i]], sql_time(data.checked_at[i]), vehicles[data.vehicle[i]], fine,
            a.get("limiter_tampered"), a.get("lgf_sign_ok"), a.get("rear_space_blocked"), None,
            float(data.speed[i]) if speed else None, 30 if speed else None, "LASER" if speed else None,
            None, None, stamp, stamp, None, 1, org, None, float(e[i]), float(n[i]), geoms[i], x, y, x, y,
        ))  # fmt: skip
        outcomes = outcomes or ["UTAN_ANMARKNING"]
        codes += [(cid, "finding", c, k) for k, c in enumerate(findings)]
        codes += [(cid, "outcome", c, k) for k, c in enumerate(outcomes)]
    return checks, codes


def copy_text(rows: list[tuple[Any, ...]]) -> bytes:
    """COPY text format (our values hold no tab, newline or backslash)."""

    def cell(v: Any) -> str:
        if v is None:
            return "\\N"
        if isinstance(v, bool):
            return "t" if v else "f"
        return str(v)

    return "".join("\t".join(cell(v) for v in r) + "\n" for r in rows).encode()


def run_raw(engine: sa.Engine, checks: list[tuple[Any, ...]], codes: list[tuple[Any, ...]]) -> float:
    """Insert pre-serialised rows with the plain DB-API (executemany / COPY); return seconds."""
    postgres = engine.dialect.name == "postgresql"
    payload = (copy_text(checks), copy_text(codes)) if postgres else None
    checkpoint(engine)
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        t0 = time.perf_counter()
        if payload is not None:
            with dbapi.cursor() as cur:  # type: ignore[union-attr]
                for table, cols, text in zip(
                    ("vehicle_checks", "check_codes"), (CHECK_COLUMNS, CODE_COLUMNS), payload, strict=True
                ):
                    with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                        for k in range(0, len(text), 1 << 20):
                            cp.write(text[k : k + (1 << 20)])
        else:
            cur = dbapi.cursor()  # type: ignore[union-attr]
            cur.execute("BEGIN")  # make_engine hands transaction control to us (isolation_level None)
            for table, cols, rows in (
                ("vehicle_checks", CHECK_COLUMNS, checks),
                ("check_codes", CODE_COLUMNS, codes),
            ):
                marks = ", ".join("?" * len(cols))
                cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
        dbapi.commit()  # type: ignore[union-attr]
        return time.perf_counter() - t0
    finally:
        raw.close()


# -- the measured paths -------------------------------------------------------------------------


def run_bulk(engine: sa.Engine, actor: Actor, rows: list[dict[str, Any]], console: Console) -> float:
    """Validate and insert through ``bulk_insert_checks``; return seconds (commit included)."""
    checkpoint(engine)
    with Session(engine) as session, Progress(console=console, transient=True) as bar:
        session.info["actor"] = actor
        task = bar.add_task(f"bulk import ({engine.dialect.name})", total=len(rows))
        t0 = time.perf_counter()
        report = bulk_insert_checks(session, rows, actor=actor, progress=lambda k: bar.advance(task, k))
        session.commit()
        seconds = time.perf_counter() - t0
    if not report.ok or report.inserted != len(rows):
        raise RuntimeError(f"bulk import refused rows: {report.errors[:5]}")
    return seconds


def run_query(engine: sa.Engine) -> tuple[float, int, float]:
    """Median ms and matches of ``checks_within``, and median ms of ``count_checks_within``."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    question = {"geom": station_point(), "metres": RADIUS_M, "period": parse_period(PERIOD)}
    with Session(engine) as session:
        ids_ms, ids = median_ms(lambda: checks_within(session, **question))
        count_ms, count = median_ms(lambda: count_checks_within(session, **question))
    if count != len(ids):
        raise RuntimeError(f"count_checks_within gave {count}, checks_within {len(ids)} ids")
    return ids_ms, len(ids), count_ms


def median_ms(run: Callable[[], Any]) -> tuple[float, Any]:
    """Median wall time of :data:`QUERY_RUNS` runs after :data:`WARMUP_RUNS`, and the last result."""
    for _ in range(WARMUP_RUNS):
        run()
    times = []
    for _ in range(QUERY_RUNS):
        t0 = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def table_counts(engine: sa.Engine) -> tuple[int, int]:
    """Rows in vehicle_checks and check_codes."""
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("vehicle_checks", "check_codes")
        )


@dataclass
class Result:
    """One backend's figures."""

    backend: str
    rows: int
    seconds: float
    raw_seconds: float
    query_ms: float
    matches: int
    count_ms: float


@contextmanager
def databases(backend: str, pg_url: str) -> Iterator[tuple[str, str]]:
    """Two fresh databases (bulk, raw baseline) for ``backend``; removed afterwards (bulk kept on PG)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="trafiktrygg-bench-") as tmp:
            yield f"sqlite:///{tmp}/bulk.sqlite", f"sqlite:///{tmp}/raw.sqlite"
        return
    raw_url = make_url(pg_url)
    raw_url = raw_url.set(database=f"{raw_url.database}_raw").render_as_string(hide_password=False)
    bulk = create_postgis_database(pg_url)
    raw = create_postgis_database(raw_url)
    try:
        yield bulk, raw
    finally:
        drop_postgis_database(raw)


def bench(backend: str, data: Synthetic, rows: list[dict[str, Any]], pg_url: str, console: Console) -> Result:
    """Raw baseline, bulk import and query on fresh databases of one backend."""
    with databases(backend, pg_url) as (bulk_url, raw_url):
        engine, _, org_id = prepare(raw_url, data)
        checks, codes = raw_rows(data, org_id, postgres=backend == "postgis")
        raw_seconds = run_raw(engine, checks, codes)
        del checks, codes
        raw_counts = table_counts(engine)
        engine.dispose()
        console.print(f"{backend}: raw baseline {len(rows) / raw_seconds:,.0f} rows/s")
        engine, actor, _ = prepare(bulk_url, data)
        seconds = run_bulk(engine, actor, rows, console)
        console.print(f"{backend}: bulk_insert_checks {len(rows) / seconds:,.0f} rows/s")
        if table_counts(engine) != raw_counts:
            raise RuntimeError(
                f"bulk and baseline stored different rows: {table_counts(engine)} != {raw_counts}"
            )
        query_ms, matches, count_ms = run_query(engine)
        engine.dispose()
    return Result(backend, len(rows), seconds, raw_seconds, query_ms, matches, count_ms)


def verdict(ok: bool) -> str:
    """PASS/FAIL, coloured."""
    return "[green]PASS[/]" if ok else "[red]FAIL[/]"


def query_verdict(r: Result, ms: float) -> str:
    """The query target applies to PostGIS with 1,000,000 checks."""
    if r.backend != "postgis":
        return "no target"
    return verdict(ms < QUERY_TARGET_MS) + ("" if r.rows >= 1_000_000 else " (target: 1M rows)")


def print_table(results: list[Result], console: Console) -> None:
    """One line per backend, targets judged beside the figures."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    table = Table(
        title=f"Vehicle-check ingest and '{RADIUS_M:g} m of the station in {PERIOD}' query",
        caption=f"{os.cpu_count()} CPUs, load average now {load} (1, 5, 15 min)",
    )
    for name in ("backend", "rows", "seconds", "rows/s", "baseline rows/s", "ratio", "import ≥ 1/3",
                 "matches", "ids ms", "ids < 100 ms", "count ms", "count < 100 ms"):  # fmt: skip
        table.add_column(name, justify="left" if name == "backend" else "right")
    for r in results:
        rate, raw_rate = r.rows / r.seconds, r.rows / r.raw_seconds
        ratio = rate / raw_rate
        table.add_row(
            r.backend, f"{r.rows:,}", f"{r.seconds:.1f}", f"{rate:,.0f}", f"{raw_rate:,.0f}", f"{ratio:.2f}",
            verdict(ratio >= IMPORT_TARGET), f"{r.matches:,}", f"{r.query_ms:.1f}",
            query_verdict(r, r.query_ms), f"{r.count_ms:.1f}", query_verdict(r, r.count_ms),
        )  # fmt: skip
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic checks (default 1,000,000)")
    parser.add_argument("--backend", choices=("sqlite", "postgis", "both"), default="both")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 160)
    install_audit()
    pg_url = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
    t0 = time.perf_counter()
    data = synthesize(args.rows, args.seed)
    rows = data.rows()
    console.print(f"generated {len(rows):,} checks in {time.perf_counter() - t0:.1f} s (seed {args.seed})")
    backends = ["sqlite", "postgis"] if args.backend == "both" else [args.backend]
    results = []
    try:
        for backend in backends:
            results.append(bench(backend, data, rows, pg_url, console))
    except Exception:
        console.print_exception()
        if results:
            print_table(results, console)
        return 1
    print_table(results, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
