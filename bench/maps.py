"""Benchmark: the heat-map page against a live server, beside folium's HeatMap of the raw points.

Run: ``.venv/bin/python bench/maps.py [--sizes 10000,100000,1000000] [--backend sqlite|postgis|both]
[--runs N] [--quick]`` (``--quick``: 10,000 and 100,000 checks only).

For each backend and each size, a fresh database (SQLite: a file in a temporary directory,
removed after that size; PostGIS: ``trafiktrygg_bench_maps``, dropped and created for every
size, URL from ``TRAFIKTRYGG_BENCH_PG_URL``; the last one is kept for ``EXPLAIN``), migrated,
loaded with ``build_demo(engine, checks=size)`` and given a ``lead`` account. One size, one
database: nothing is sampled from a bigger one.

* **Page.** The real app runs as a uvicorn subprocess (``--workers 1``, no access log) on a
  free port of 127.0.0.1. After a login through ``POST /api/v1/auth/login``, ``GET
  /maps/heatmap`` is requested with the bearer token (pages read the ``tt_session`` cookie or
  the ``Authorization`` header alike): the first request after the server started is reported
  as *cold* (and is the warm-up), then ``--runs`` requests on the same keep-alive connection,
  one at a time; each is timed from sending the request to the last byte of the body (what a
  browser has before it fetches the cached vendor scripts). The page must answer 200, hold the
  heat layer and the cell layers, and give the same bytes every time. CPU per warm request is
  read from ``/proc`` for the uvicorn process and, on PostgreSQL, for its backends.
* **Raw-point HeatMap.** In this process, after the server stopped, in the same run:
  ``SELECT bbox_miny, bbox_minx FROM vehicle_checks WHERE deleted_at IS NULL`` (a point's
  lat/lon), ``folium.Map`` + ``folium.plugins.HeatMap(points)`` + ``Map.get_root().render()``.
  Timed as query + build + render, median of 3 runs up to 200,000 points, else 1 run. This side
  is favoured: no HTTP, no account, no visibility rules, no self-hosted asset rewriting.

Targets (issue 4, judged at 1,000,000 checks on both backends): the page under 1 MB, served in
under 1 s (median), at least 10× faster than the raw-point HeatMap. They are reported, not
asserted: the exit status is non-zero only when something fails (setup, a server that dies, a
page that is not a heat map).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/api.py must not shadow api/
import folium  # noqa: E402
from _procs import cpu_seconds, free_port  # noqa: E402
from folium.plugins import HeatMap  # noqa: E402

from api.mapsweb.settings import MapSettings  # noqa: E402
from traffic.actors import Actor  # noqa: E402
from traffic.audit.hook import install_audit  # noqa: E402
from traffic.demo import build_demo  # noqa: E402
from traffic.demo.build import DEFAULT_SEED, DEMO_SECRET  # noqa: E402
from traffic.orgs.service import add_user, ensure_organisations  # noqa: E402
from traffic.storage.db import make_engine, session_factory, unit_of_work  # noqa: E402
from traffic.storage.migrate import upgrade  # noqa: E402

PG_URL_ENV = "TRAFIKTRYGG_BENCH_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/trafiktrygg_bench_maps"
HOST = "127.0.0.1"
PAGE_PATH = "/maps/heatmap"
USERNAME, PASSWORD = "bench-lead", "bench-losenord-2024"
CENTRE = (58.3245, 15.1270)  # Mjölby, lat/lon: where the raw map opens
SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
TARGET_SIZE = 1_000_000
TARGET_BYTES = 1_000_000  # "under 1 MB"
TARGET_MS = 1000.0
TARGET_SPEEDUP = 10.0
RAW_MANY_RUNS_UP_TO = 200_000
REQUEST_TIMEOUT_S = 600.0
console = Console(width=None if sys.stdout.isatty() else 170)


# ----------------------------------------------------------------------------- databases


def fresh_postgis(url: str) -> None:
    """Drop and create the benchmark database (the extension comes with the migration)."""
    import psycopg

    parsed = make_url(url)
    name = parsed.database
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing odd database name {name!r}")
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Fixture:
    """A loaded database."""

    backend: str
    size: int
    url: str
    checks: int  # rows in vehicle_checks
    incidents: int
    build_s: float
    db_bytes: int


def db_bytes(engine: sa.Engine) -> int:
    """Size of the database on disk (SQLite: main file + WAL; PostgreSQL: pg_database_size)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            path = Path(str(engine.url.database))
            wal = path.with_name(path.name + "-wal")
            return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() or 0)


def prepare(backend: str, size: int, workdir: Path, seed: int) -> Fixture:
    """A fresh, migrated database with ``size`` demo checks and a lead account."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'bench_maps_{size}.sqlite'}"
    else:
        url = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
        fresh_postgis(url)
    upgrade(url)
    install_audit()
    engine = make_engine(url)
    try:
        t0 = time.perf_counter()
        counts = build_demo(engine, seed=seed, checks=size)
        build_s = time.perf_counter() - t0
        with unit_of_work(session_factory(engine), actor=Actor(username="bench", role="admin")) as s:
            ensure_organisations(s)
            add_user(s, username=USERNAME, role="lead", org_code="polisen", password=PASSWORD)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if engine.dialect.name == "postgresql":
                # What autovacuum does soon after a bulk load: statistics and the visibility map.
                conn.exec_driver_sql("VACUUM ANALYZE")
            else:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            n = int(conn.exec_driver_sql("SELECT count(*) FROM vehicle_checks").scalar() or 0)
        return Fixture(backend, size, url, n, counts.get("incidents", 0), build_s, db_bytes(engine))
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------- the server



@dataclass
class Server:
    """A uvicorn subprocess."""

    base: str
    proc: subprocess.Popen[bytes]
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the server process has used so far."""
        return cpu_seconds(self.proc.pid)

    def rss_mb(self) -> float:
        """Peak resident memory of the server (VmHWM), MiB."""
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def alive(self) -> None:
        """Raise if the server died."""
        if self.proc.poll() is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"server exited with {self.proc.returncode}:\n{tail}")


@contextlib.contextmanager
def app_server(url: str, logdir: Path) -> Iterator[Server]:
    """``uvicorn --factory api.app:create_app`` for ``url`` on a free port, stopped when the block ends."""
    port = free_port()
    log = logdir / f"server-{port}.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TRAFIKTRYGG_DATABASE_URL": url,
        "TRAFIKTRYGG_PSEUDONYM_SECRET": DEMO_SECRET,
    }
    cmd = [
        sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", HOST,
        "--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as out:
        # Own process group: Ctrl-C reaches only us, and the server is stopped in `finally`.
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://{HOST}:{port}", proc, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            server.alive()
            try:
                if httpx.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /healthz within 60 s")
            time.sleep(0.1)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def login(server: Server) -> str:
    """A bearer token for the bench lead, through the real login route."""
    res = httpx.post(f"{server.base}/api/v1/auth/login", json={"username": USERNAME, "password": PASSWORD})
    if res.status_code != 200:
        raise RuntimeError(f"login failed: {res.status_code} {res.text[:300]}")
    return str(res.json()["access_token"])


# ----------------------------------------------------------------------------- measuring


@dataclass
class PageRun:
    """The heat-map page as served."""

    cold_ms: float
    ms: list[float]
    bytes: int
    features: int  # GeoJSON features in the page (cells of three layers and the zones)
    heat_points: int  # weighted cell centres fed to the heat layer
    server_cpu_ms: float  # CPU of the uvicorn process per warm request (SQLite runs inside it)
    db_cpu_ms: float | None  # CPU of the PostgreSQL backends per warm request (None: SQLite)
    server_rss_mb: float
    same_bytes: bool
    load: float  # 1-minute load average when the warm requests ended

    @property
    def median_ms(self) -> float:
        return statistics.median(self.ms)


@dataclass
class RawRun:
    """folium's HeatMap of every point."""

    points: int
    query_ms: float
    build_ms: float  # folium.Map + HeatMap(points) (validates every point)
    render_ms: float
    bytes: int
    runs: int
    load: float = 0.0

    @property
    def total_ms(self) -> float:
        return self.query_ms + self.build_ms + self.render_ms


HEAT_DATA = re.compile(r"L\.heatLayer\(\s*(\[\[.*?\]\])\s*,", re.DOTALL)


def check_page(res: httpx.Response) -> tuple[int, int]:
    """Raise unless ``res`` is the heat-map page; return (GeoJSON features, heat points)."""
    if res.status_code != 200:
        raise RuntimeError(f"{PAGE_PATH} answered {res.status_code}: {res.text[:300]}")
    html = res.text
    if "L.heatLayer(" not in html or "L.geoJson(" not in html:
        raise RuntimeError(f"{PAGE_PATH} holds no heat layer or no cell layer")
    features = html.count('"type": "Feature"') + html.count('"type":"Feature"')
    m = HEAT_DATA.search(html)
    heat = m.group(1).count("],") + 1 if m else 0
    return features, heat


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


class BackendCpu:
    """CPU seconds used by the PostgreSQL backends serving one database (from /proc, same host).

    Backends that start during the measurement count from zero; short-lived parallel workers
    that end before the second look are missed (none were planned here).
    """

    def __init__(self, url: str) -> None:
        import psycopg

        parsed = make_url(url)
        self.db = parsed.database
        self.conn = psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False),
                                    autocommit=True)  # fmt: skip

    def _pids(self) -> list[int]:
        sql = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        return [int(r[0]) for r in self.conn.execute(sql, (self.db,))]

    def sample(self) -> dict[int, float]:
        return {pid: _proc_cpu(pid) for pid in self._pids()}

    @staticmethod
    def used(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

    def close(self) -> None:
        self.conn.close()


def measure_page(server: Server, token: str, runs: int, url: str) -> PageRun:
    """One cold request, then ``runs`` warm ones, on one keep-alive connection, one at a time."""
    backends = BackendCpu(url) if make_url(url).get_backend_name() == "postgresql" else None
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    with httpx.Client(base_url=server.base, headers=headers, timeout=REQUEST_TIMEOUT_S) as client:
        t0 = time.perf_counter()
        res = client.get(PAGE_PATH)  # returns after the last byte of the body
        cold = (time.perf_counter() - t0) * 1000
        features, heat = check_page(res)
        size, body = len(res.content), res.content
        same = True
        times: list[float] = []
        cpu0 = server.cpu_seconds()
        db0 = backends.sample() if backends else {}
        for _ in range(runs):
            t0 = time.perf_counter()
            res = client.get(PAGE_PATH)
            times.append((time.perf_counter() - t0) * 1000)
            check_page(res)
            same &= res.content == body
        cpu = (server.cpu_seconds() - cpu0) / runs * 1000
        db_cpu = BackendCpu.used(db0, backends.sample()) / runs * 1000 if backends else None
    if backends:
        backends.close()
    server.alive()
    return PageRun(cold, times, size, features, heat, cpu, db_cpu, server.rss_mb(), same, os.getloadavg()[0])


def raw_heatmap_once(url: str) -> RawRun:
    """Query every point, build folium's HeatMap of them, render the page."""
    engine = make_engine(url)
    try:
        t0 = time.perf_counter()
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT bbox_miny, bbox_minx FROM vehicle_checks"
                " WHERE deleted_at IS NULL AND bbox_minx IS NOT NULL"
            ).all()
        points = [[lat, lon] for lat, lon in rows]
        t1 = time.perf_counter()
        m = folium.Map(location=list(CENTRE), zoom_start=13)
        HeatMap(points).add_to(m)
        t2 = time.perf_counter()
        html = m.get_root().render()
        t3 = time.perf_counter()
        n = len(points)
        size = len(html.encode("utf-8"))
    finally:
        engine.dispose()
    del rows, points, m, html
    gc.collect()
    return RawRun(n, (t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000, size, 1)


def raw_heatmap(url: str, size: int) -> RawRun:
    """The median run (by total time) of 3 runs up to 200,000 points, else the only one."""
    runs = [raw_heatmap_once(url) for _ in range(3 if size <= RAW_MANY_RUNS_UP_TO else 1)]
    best = sorted(runs, key=lambda r: r.total_ms)[len(runs) // 2]
    best.runs = len(runs)
    best.load = os.getloadavg()[0]
    return best


# ----------------------------------------------------------------------------- run + report


@dataclass
class Row:
    """One size on one backend."""

    fixture: Fixture
    page: PageRun
    raw: RawRun

    @property
    def speedup(self) -> float:
        return self.raw.total_ms / self.page.median_ms if self.page.median_ms else float("nan")

    @property
    def checks(self) -> tuple[bool, bool, bool]:
        return (
            self.page.bytes < TARGET_BYTES,
            self.page.median_ms < TARGET_MS,
            self.speedup >= TARGET_SPEEDUP,
        )


@dataclass
class Result:
    """Everything measured on one backend."""

    backend: str
    rows: list[Row] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall_s: float = 0.0


def run_size(backend: str, size: int, args: argparse.Namespace, workdir: Path) -> Row:
    """Prepare, serve, measure one size on one backend (the SQLite file is removed afterwards)."""
    console.print(f"[bold]{backend}[/] {size:,} checks: fresh database, migrate, build_demo …")
    fx = prepare(backend, size, workdir, args.seed)
    console.print(
        f"  built in {fx.build_s:.0f} s: {fx.checks:,} checks, {fx.incidents:,} incidents,"
        f" {fx.db_bytes / 1e6:,.0f} MB on disk"
    )
    logdir = workdir / "logs"
    logdir.mkdir(exist_ok=True)
    try:
        with app_server(fx.url, logdir) as server:
            token = login(server)
            console.print(f"  GET {PAGE_PATH}: 1 cold + {args.runs} warm …")
            page = measure_page(server, token, args.runs, fx.url)
        console.print(f"  page {page.median_ms:,.0f} ms, {page.bytes:,} B; raw-point HeatMap …")
        raw = raw_heatmap(fx.url, size)
    finally:
        if backend == "sqlite":
            for p in workdir.glob(f"bench_maps_{size}.sqlite*"):
                p.unlink()
    return Row(fx, page, raw)


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> Result:
    result = Result(backend)
    started = time.perf_counter()
    for size in args.sizes:
        try:
            result.rows.append(run_size(backend, size, args, workdir))
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - report, go on with the next size
            console.print_exception(max_frames=8)
            for log in sorted((workdir / "logs").glob("*.log")):
                console.print(f"[bold]{log.name}[/] (last lines):\n{log.read_text(errors='replace')[-2500:]}")
            result.failures.append(f"{size:,}: {exc}")
    result.wall_s = time.perf_counter() - started
    return result


def _verdict(ok: bool) -> str:
    return "[green]PASS[/]" if ok else "[red]FAIL[/]"


def report(res: Result, cell_m: float) -> bool | None:
    """Print the table of one backend; whether the 1,000,000 targets are met (None: not measured)."""
    title = (
        f"{res.backend}: GET {PAGE_PATH} (lead, {cell_m:g} m cells, 1 uvicorn worker, loopback) beside"
        f" folium HeatMap of the raw points; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    t = Table(title=title, title_justify="left")
    columns = (
        "checks", "page ms median (min–max)", "cold ms", "page bytes", "CPU ms/req app+db",
        "raw HeatMap ms (query+build+render)", "raw bytes", "speed-up",
        "< 1 MB", "< 1 s", "≥ 10×",
    )  # fmt: skip
    for col in columns:
        t.add_column(col, justify="left" if col.startswith(("<", "≥")) else "right")
    met: bool | None = None
    for row in res.rows:
        p, r = row.page, row.raw
        ok = row.checks
        judged = row.fixture.size >= TARGET_SIZE
        if judged:
            met = (met is None or met) and all(ok)

        def v(x: bool, judged: bool = judged) -> str:
            return _verdict(x) if judged else ("[dim]pass[/]" if x else "[dim]fail[/]")

        t.add_row(
            f"{row.fixture.checks:,}",
            f"{p.median_ms:,.0f} ({min(p.ms):,.0f}–{max(p.ms):,.0f})",
            f"{p.cold_ms:,.0f}",
            f"{p.bytes:,}",
            f"{p.server_cpu_ms:,.0f}" + (f"+{p.db_cpu_ms:,.0f}" if p.db_cpu_ms is not None else ""),
            f"{r.total_ms:,.0f} ({r.query_ms:,.0f}+{r.build_ms:,.0f}+{r.render_ms:,.0f})",
            f"{r.bytes:,}",
            f"{row.speedup:,.1f}×",
            v(ok[0]),
            v(ok[1]),
            v(ok[2]),
        )
    console.print(t)
    for row in res.rows:
        fx, p, r = row.fixture, row.page, row.raw
        same = "yes" if p.same_bytes else "[red]no[/]"
        console.print(
            f"  {fx.checks:,}: page {len(p.ms)} warm runs, {p.features:,} GeoJSON features"
            f" (cells of 3 layers + zones), {p.heat_points:,} weighted heat points, same bytes every"
            f" time: {same}, server peak RSS {p.server_rss_mb:,.0f} MiB, load {p.load:.1f};"
            f" raw: {r.points:,} points, {r.runs} run(s), load {r.load:.1f}; demo build"
            f" {fx.build_s:,.0f} s ({fx.incidents:,} incidents), database {fx.db_bytes / 1e6:,.0f} MB"
        )
    console.print(
        "  targets judged at 1,000,000 checks (smaller sizes in dim, for information): page < 1 MB,"
        " median < 1 s, raw-point HeatMap ÷ page median ≥ 10"
    )
    console.print(f"  took {res.wall_s:,.0f} s")
    for f in res.failures:
        console.print(f"  [red]failed[/] {f}")
    console.print()
    return met


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default=",".join(map(str, SIZES)), help="checks per database, comma-separated")
    p.add_argument("--backend", choices=("sqlite", "postgis", "both"), default="both")
    p.add_argument("--runs", type=int, default=5, help="warm page requests after the cold one (median)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="demo data seed")
    p.add_argument("--tmpdir", default=None, help="where the SQLite files go (default: the system's)")
    p.add_argument("--quick", action="store_true", help="10,000 and 100,000 checks only")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes = ",".join(map(str, QUICK_SIZES))
    args.sizes = [int(s.replace("_", "")) for s in str(args.sizes).split(",") if s.strip()]
    if not args.sizes or min(args.sizes) < 1 or args.runs < 5:
        p.error("--sizes needs positive numbers; --runs must be at least 5")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = ("sqlite", "postgis") if args.backend == "both" else (args.backend,)
    cell_m = MapSettings().cell_m
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="trafiktrygg-bench-maps-", dir=args.tmpdir) as tmp:
        for backend in backends:
            try:
                results.append(run_backend(backend, args, Path(tmp)))
            except KeyboardInterrupt:
                console.print("[red]interrupted[/]")
                return 130
    verdicts = []
    for res in results:  # all tables together at the end, one per backend
        verdicts.append(report(res, cell_m))
    failed = any(res.failures for res in results)
    judged = [v for v in verdicts if v is not None]
    if not judged:
        console.print("targets: not judged (no 1,000,000-check run)")
    else:
        ok = all(judged) and len(judged) == len(backends)
        console.print("targets: " + ("all met" if ok else "[red]not all met[/] (reported, not asserted)"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
