"""Benchmark: the HTTP API against a live server on 127.0.0.1, with a bare baseline in the same run.

Run: ``.venv/bin/python bench/api.py [--backend sqlite|postgis|both] [--seconds N]
[--clients 1,8,32] [--reads N] [--checks N] [--quick]``.

For each backend: a fresh database (SQLite: a file in a temporary directory on disk; PostGIS:
``trafiktrygg_bench_api``, dropped and created, URL from ``TRAFIKTRYGG_BENCH_PG_URL``), migrated,
loaded with ``--checks`` demo checks around Mjölby, an officer account and an ongoing operation.
Two uvicorn processes serve it (``--workers 1``, no access log): the real app, and the bare
baseline of ``bench/_server.py`` (one endpoint, one INSERT, same driver and pragmas). The load
generator (asyncio + httpx, one keep-alive connection per client) runs in this process, so it
does not share the servers' GIL.

* Writes: each client POSTs a check (vehicle, finding, outcome ORDNINGSBOT with a fine, a point
  by Mjölby resecentrum) with a fresh client UUID and ``Idempotency-Key`` for ``--seconds``;
  only 201 answers count, and the rows are counted again in the database afterwards.
  Durable: both servers answer only after COMMIT returned (SQLite WAL + synchronous=FULL, i.e.
  an fsync per commit; PostgreSQL fsync=on, synchronous_commit as printed).
* Reads: ``GET /api/v1/checks?f=geojson&limit=1000&bbox=…`` (a box around the town holding more
  than 1,000 checks), ``--reads`` requests after a warm-up, with 1 and 8 clients.

Targets are reported, not asserted: the exit status is non-zero only when something fails
(setup, a server that dies, rows in the database that do not match the 201s counted).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from traffic.actors import Actor  # noqa: E402
from traffic.audit.hook import install_audit  # noqa: E402
from traffic.checks.models import CheckCode, VehicleCheck  # noqa: E402
from traffic.demo import build_demo  # noqa: E402
from traffic.operations.schemas import OperationCreate  # noqa: E402
from traffic.operations.service import create_operation  # noqa: E402
from traffic.orgs.service import add_user, ensure_organisations  # noqa: E402
from traffic.storage.db import make_engine, session_factory, unit_of_work  # noqa: E402
from traffic.storage.migrate import upgrade  # noqa: E402

sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/api.py must not shadow api/
import _server  # noqa: E402
from _procs import cpu_seconds, free_port  # noqa: E402

PG_URL_ENV = "TRAFIKTRYGG_BENCH_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/trafiktrygg_bench_api"
HOST = "127.0.0.1"
STATION = (15.131987, 58.322982)  # Mjölby resecentrum, lon/lat
SEED = 20240517
USERNAME, PASSWORD = "bench-officer", "bench-losenord-2024"
SECRET = "bench-pseudonym-secret"
WRITE_PATH, READ_PATH = "/api/v1/checks", "/api/v1/checks"
WRITE_TARGET_ROWS = 1000.0  # SQLite, 8 clients
WRITE_TARGET_RATIO = 0.5  # of the bare baseline
READ_TARGET_P99_MS = 100.0
PAGE = 1000
PROBE_POSTS = 50
MAX_REQUESTS_PER_LEVEL = 200_000
REQUEST_TIMEOUT_S = 30.0
READ_CLIENTS = (1, 8)
console = Console(width=None if sys.stdout.isatty() else 150)


# ----------------------------------------------------------------------------- databases


@dataclass
class Fixture:
    """A loaded database: what the load needs to know about it."""

    backend: str
    url: str
    operation_id: str
    bbox: tuple[float, float, float, float]
    in_bbox: int
    durability: str
    disk_note: str = ""


def fsync_rate(directory: Path, seconds: float = 1.0) -> float:
    """How many 4 KiB write + fdatasync rounds the disk under ``directory`` does per second."""
    fd, name = tempfile.mkstemp(dir=directory, prefix="fsync-probe-")
    try:
        os.write(fd, b"\0" * 4096 * 64)
        os.fsync(fd)
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            os.pwrite(fd, b"x" * 4096, (n % 64) * 4096)
            os.fdatasync(fd)
            n += 1
        return n / (time.perf_counter() - start)
    finally:
        os.close(fd)
        os.unlink(name)


def fresh_postgis(url: str) -> None:
    """Drop and create the benchmark database (the extension comes with the migration)."""
    import psycopg

    parsed = make_url(url)
    name = parsed.database
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing odd database name {name!r}")
    admin = parsed.set(drivername="postgresql", database="postgres")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def durability_of(engine: sa.Engine) -> str:
    """What "durable" means on this database, as the server's own connections see it."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(
                conn.exec_driver_sql("PRAGMA synchronous").scalar(), "?"
            )
            return f"SQLite journal_mode={mode}, synchronous={sync} (WAL fsync per COMMIT)"
        shown = {
            k: conn.exec_driver_sql(f"SHOW {k}").scalar()
            for k in ("fsync", "synchronous_commit", "wal_sync_method", "commit_delay")
        }
        return "PostgreSQL " + ", ".join(f"{k}={v}" for k, v in shown.items())


def pick_bbox(engine: sa.Engine) -> tuple[tuple[float, float, float, float], int]:
    """The smallest box around the station (from a few sizes) holding over 1.5 pages of checks."""
    lon, lat = STATION
    sql = sa.text(
        "SELECT count(*) FROM vehicle_checks WHERE deleted_at IS NULL"
        " AND bbox_minx >= :x0 AND bbox_maxx <= :x1 AND bbox_miny >= :y0 AND bbox_maxy <= :y1"
    )
    box, count = (lon - 0.1, lat - 0.05, lon + 0.1, lat + 0.05), 0
    with engine.connect() as conn:
        for half_lat in (0.005, 0.01, 0.015, 0.02, 0.03, 0.05):
            half_lon = half_lat * 1.9  # cos(58.3°) ≈ 0.53: about square on the ground
            box = (lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)
            count = conn.execute(sql, dict(zip(("x0", "y0", "x1", "y1"), box, strict=True))).scalar()
            if count >= PAGE * 3 // 2:
                break
    return tuple(round(v, 6) for v in box), int(count)  # type: ignore[return-value]


def prepare(backend: str, workdir: Path, checks: int) -> Fixture:
    """A fresh, migrated, loaded database with an officer and an ongoing operation."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench_api.sqlite'}"
        disk = f"disk under {workdir}: {fsync_rate(workdir):.0f} write+fdatasync/s"
    else:
        url = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
        fresh_postgis(url)
        disk = ""
    upgrade(url)
    install_audit()
    engine = make_engine(url)
    try:
        build_demo(engine, seed=SEED, checks=checks)
        with unit_of_work(session_factory(engine), actor=Actor(username="bench", role="admin")) as s:
            ensure_organisations(s)
            user = add_user(s, username=USERNAME, role="officer", org_code="polisen", password=PASSWORD)
            officer = Actor(username=user.username, role=user.role, org_id=user.org_id, user_id=user.id)
            s.info["actor"] = officer
            op = create_operation(
                s,
                actor=officer,
                data=OperationCreate(
                    title="Bench: A-traktorkontroll vid resecentrum",
                    focus="A_TRAKTOR",
                    status="ONGOING",
                    geometry={"type": "Point", "coordinates": list(STATION)},
                    actual_start=datetime.now(UTC),
                    officer_count=4,
                ),
            )
            op_id = str(op.id)
        _server.create_bare_table(engine)
        if engine.dialect.name == "postgresql":
            # Fresh statistics, as autovacuum would gather after a load (it may be off, as on
            # the dev server): without them the bbox page plans a nested loop over operations.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        bbox, in_bbox = pick_bbox(engine)
        return Fixture(backend, url, op_id, bbox, in_bbox, durability_of(engine), disk)
    finally:
        engine.dispose()


@dataclass
class Stored:
    """What the database holds after the run, against what the servers acknowledged."""

    app_rows: int  # checks of the bench operation
    app_fined: int  # of them with the outcome ORDNINGSBOT
    bare_rows: int
    app_missing: int  # acknowledged with 201 but not in the database
    bare_missing: int

    @property
    def ok(self) -> bool:
        return not self.app_missing and not self.bare_missing and self.app_fined == self.app_rows


def stored(url: str, operation_id: str, app_acked: set[str], bare_acked: set[str]) -> Stored:
    """Count the rows and look up every acknowledged id."""
    checks, codes, bare = VehicleCheck.__table__, CheckCode.__table__, _server.bare_table()
    op = uuid.UUID(operation_id)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            app_ids = {
                str(i) for i in conn.scalars(sa.select(checks.c.id).where(checks.c.operation_id == op))
            }
            fined = conn.scalar(
                sa.select(sa.func.count())
                .select_from(codes.join(checks, checks.c.id == codes.c.check_id))
                .where(checks.c.operation_id == op, codes.c.kind == "outcome", codes.c.code == "ORDNINGSBOT")
            )
            bare_ids = {str(i) for i in conn.scalars(sa.select(bare.c.id))}
        return Stored(
            len(app_ids), int(fined or 0), len(bare_ids), len(app_acked - app_ids), len(bare_acked - bare_ids)
        )
    finally:
        engine.dispose()


def _raw_lookup(url: str, table: str) -> tuple[Callable[[str], bool], Callable[[], None]]:
    """A fast "is this id committed?" check on a raw, already open DB-API connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn: Any = sqlite3.connect(parsed.database, isolation_level=None)  # autocommit reads
        sql = f"SELECT 1 FROM {table} WHERE id = ?"

        def seen(record_id: str) -> bool:
            return conn.execute(sql, (uuid.UUID(record_id).hex,)).fetchone() is not None

    else:
        import psycopg

        dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = psycopg.connect(dsn, autocommit=True)
        sql = f"SELECT 1 FROM {table} WHERE id = %s"

        def seen(record_id: str) -> bool:
            return conn.execute(sql, (uuid.UUID(record_id),)).fetchone() is not None

    return seen, conn.close


def commit_probe(server: Server, path: str, token: str | None, fx: Fixture, table: str, n: int) -> Probe:
    """``n`` sequential POSTs; right after each 201, is the row already committed?

    The look-up runs on another, already open connection as soon as the answer is in. A server
    that answers after COMMIT always passes; one that commits after sending the answer (e.g. in
    a FastAPI yield dependency's teardown) shows rows that are not there yet — unless its commit
    wins the race every time, so a FAIL proves the bug and a PASS does not disprove it.
    """
    probe = Probe(server.name)
    seen, close = _raw_lookup(fx.url, table)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with httpx.Client(base_url=server.base, headers=headers, timeout=REQUEST_TIMEOUT_S) as client:
            for i in range(n):
                body = check_body(fx.operation_id, i)
                try:
                    res = client.post(path, json=body, headers={"Idempotency-Key": f"probe-{uuid.uuid4()}"})
                except httpx.HTTPError as exc:
                    probe.errors[type(exc).__name__] += 1
                    continue
                if res.status_code != 201:
                    probe.errors[str(res.status_code)] += 1
                    continue
                probe.visible += seen(body["id"])
                probe.acked.add(body["id"])
    finally:
        close()
    server.alive()
    return probe


# ----------------------------------------------------------------------------- servers



@dataclass
class Server:
    """A uvicorn subprocess."""

    name: str
    base: str
    proc: subprocess.Popen[bytes]
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the server process has used so far."""
        return cpu_seconds(self.proc.pid)

    def alive(self) -> None:
        """Raise if the server died."""
        if self.proc.poll() is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{self.name} server exited with {self.proc.returncode}:\n{tail}")


@contextlib.contextmanager
def uvicorn_server(
    name: str, target: list[str], env: dict[str, str], logdir: Path, root: Path = ROOT
) -> Iterator[Server]:
    """Run ``uvicorn <target>`` from ``root`` on a free port of 127.0.0.1 until the block ends.

    The server is stopped in ``finally``: also on Ctrl-C and on any error of the load.
    """
    port = free_port()
    log = logdir / f"{name}.log"
    cmd = [
        sys.executable, "-m", "uvicorn", *target, "--host", HOST, "--port", str(port),
        "--workers", "1", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as out:
        # Own process group: Ctrl-C reaches only us, and we stop the server in `finally`.
        proc = subprocess.Popen(
            cmd, cwd=root, env={**os.environ, "PYTHONPATH": str(root), **env},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server = Server(name, f"http://{HOST}:{port}", proc, log)
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
                raise RuntimeError(f"{name} server did not answer /healthz within 60 s")
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


# ----------------------------------------------------------------------------- load


@dataclass
class Level:
    """One measured load level."""

    clients: int
    ok: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    bytes: int = 0
    client_cpu: float = 0.0  # share of one core used by this process
    server_cpu: float = 0.0  # share of one core used by the server
    acked: set[str] = field(default_factory=set)  # ids answered with 201

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return self.pct(99)


@dataclass
class Probe:
    """Sequential POSTs, each followed by a look in the database for the acknowledged row."""

    name: str
    visible: int = 0
    acked: set[str] = field(default_factory=set)
    errors: Counter[str] = field(default_factory=Counter)


def check_body(operation_id: str, n: int, record_id: str | None = None) -> dict[str, Any]:
    """A speeding car stopped by the station, fined on the spot (ordningsbot)."""
    dx, dy = ((n * 37) % 101 - 50) * 2e-5, ((n * 53) % 97 - 48) * 1e-5  # within ~60 m
    return {
        "id": record_id or str(uuid.uuid4()),
        "operation_id": operation_id,
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "geometry": {"type": "Point", "coordinates": [round(STATION[0] + dx, 6), round(STATION[1] + dy, 6)]},
        "vehicle_type": "CAR",
        "findings": ["SPEED"],
        "outcomes": ["ORDNINGSBOT"],
        "fine_amount_sek": 2000,
        "measured_speed_kmh": 47.0,
        "speed_limit_kmh": 30,
        "speed_method": "LASER",
        "plate": f"ABC {n % 1000:03d}",
    }


def _client(base: str, clients: int, token: str | None) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=REQUEST_TIMEOUT_S, headers=headers)


async def write_level(
    server: Server, path: str, token: str | None, operation_id: str, clients: int, seconds: float,
    warmup: float,
) -> Level:  # fmt: skip
    """``clients`` loops POSTing checks for ``seconds`` (after ``warmup`` seconds not counted)."""
    level = Level(clients)
    counter = iter(range(10**12))
    async with _client(server.base, clients, token) as client:

        async def worker(until: float, record: bool) -> None:
            while (
                time.perf_counter() < until and level.ok + sum(level.errors.values()) < MAX_REQUESTS_PER_LEVEL
            ):
                n = next(counter)
                record_id = str(uuid.uuid4())
                body = json.dumps(check_body(operation_id, n, record_id)).encode()
                headers = {"Content-Type": "application/json", "Idempotency-Key": f"bench-{uuid.uuid4()}"}
                t0 = time.perf_counter()
                try:
                    res = await client.post(path, content=body, headers=headers)
                    status = res.status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                dt = (time.perf_counter() - t0) * 1000
                if status == 201:
                    level.acked.add(record_id)  # warm-up rows too: they must be stored as well
                if not record:
                    continue
                if status == 201:
                    level.ok += 1
                    level.latencies_ms.append(dt)
                else:
                    level.errors[str(status)] += 1

        if warmup > 0:
            await asyncio.gather(*(worker(time.perf_counter() + warmup, False) for _ in range(clients)))
        cpu0, srv0, t0 = time.process_time(), server.cpu_seconds(), time.perf_counter()
        await asyncio.gather(*(worker(t0 + seconds, True) for _ in range(clients)))
        level.seconds = time.perf_counter() - t0
        level.client_cpu = (time.process_time() - cpu0) / level.seconds
        level.server_cpu = (server.cpu_seconds() - srv0) / level.seconds
    server.alive()
    return level


async def read_level(server: Server, url: str, token: str, clients: int, requests: int) -> Level:
    """``requests`` GETs of ``url`` shared by ``clients`` loops, after a warm-up of 2 per client."""
    level = Level(clients)
    async with _client(server.base, clients, token) as client:
        left = requests

        async def worker(record: bool, count: int) -> None:
            nonlocal left
            for _ in range(count):
                if record:
                    if left <= 0:
                        return
                    left -= 1
                t0 = time.perf_counter()
                try:
                    res = await client.get(url)
                except httpx.HTTPError as exc:
                    if record:
                        level.errors[type(exc).__name__] += 1
                    continue
                dt = (time.perf_counter() - t0) * 1000
                if not record:
                    continue
                if res.status_code == 200 and res.json().get("numberReturned") == PAGE:
                    level.ok += 1
                    level.latencies_ms.append(dt)
                    level.bytes = len(res.content)
                else:
                    level.errors[f"{res.status_code}"] += 1

        await asyncio.gather(*(worker(False, 2) for _ in range(clients)))
        cpu0, srv0, t0 = time.process_time(), server.cpu_seconds(), time.perf_counter()
        await asyncio.gather(*(worker(True, requests) for _ in range(clients)))
        level.seconds = time.perf_counter() - t0
        level.client_cpu = (time.process_time() - cpu0) / level.seconds
        level.server_cpu = (server.cpu_seconds() - srv0) / level.seconds
    server.alive()
    return level


def login(server: Server) -> str:
    """A bearer token for the bench officer, through the real login route."""
    res = httpx.post(f"{server.base}/api/v1/auth/login", json={"username": USERNAME, "password": PASSWORD})
    if res.status_code != 200:
        raise RuntimeError(f"login failed: {res.status_code} {res.text[:300]}")
    return str(res.json()["access_token"])


# ----------------------------------------------------------------------------- run + report


@dataclass
class Result:
    """Everything measured on one backend."""

    fixture: Fixture
    writes: list[tuple[Level, Level]]  # (app, bare) per client count
    reads: list[Level]
    probes: tuple[Probe, Probe]  # app, bare
    stored: Stored
    wall_s: float
    server_errors: Counter[str] = field(default_factory=Counter)
    app_root: Path = ROOT


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> Result:
    """Prepare, serve, load, verify one backend."""
    started = time.perf_counter()
    console.print(f"[bold]{backend}[/]: preparing a fresh database with {args.checks:,} demo checks …")
    fx = prepare(backend, workdir, args.checks)
    console.print(f"  {fx.durability}" + (f"; {fx.disk_note}" if fx.disk_note else ""))
    if args.app_root.resolve() != ROOT:
        console.print(f"  app served from {args.app_root.resolve()}")
    logdir = workdir / f"logs-{backend}"
    logdir.mkdir(exist_ok=True)
    env_app = {"TRAFIKTRYGG_DATABASE_URL": fx.url, "TRAFIKTRYGG_PSEUDONYM_SECRET": SECRET}
    env_bare = {_server.URL_ENV: fx.url}
    app_target = ["--factory", "api.app:create_app"]
    bare_target = ["--app-dir", str(ROOT / "bench"), "_server:app"]
    with (
        uvicorn_server(f"{backend}-app", app_target, env_app, logdir, args.app_root.resolve()) as app,
        uvicorn_server(f"{backend}-bare", bare_target, env_bare, logdir) as bare,
    ):
        token = login(app)
        bbox = ",".join(f"{v:.6f}" for v in fx.bbox)
        read_url = f"{READ_PATH}?f=geojson&limit={PAGE}&bbox={bbox}"
        reads = []
        for clients in READ_CLIENTS:
            console.print(f"  GET GeoJSON page, {clients} client(s), {args.reads} requests …")
            reads.append(asyncio.run(read_level(app, read_url, token, clients, args.reads)))
        probes = (
            commit_probe(app, WRITE_PATH, token, fx, VehicleCheck.__tablename__, PROBE_POSTS),
            commit_probe(bare, _server.PATH, None, fx, _server.TABLE, PROBE_POSTS),
        )
        writes = []
        for clients in args.clients:
            console.print(
                f"  POST checks, {clients} client(s), {args.seconds:g} s app + {args.seconds:g} s bare …"
            )
            a = asyncio.run(
                write_level(app, WRITE_PATH, token, fx.operation_id, clients, args.seconds, args.warmup)
            )
            b = asyncio.run(
                write_level(bare, _server.PATH, None, fx.operation_id, clients, args.seconds, args.warmup)
            )
            writes.append((a, b))
    app_acked = set().union(probes[0].acked, *(a.acked for a, _ in writes))
    bare_acked = set().union(probes[1].acked, *(b.acked for _, b in writes))
    db = stored(fx.url, fx.operation_id, app_acked, bare_acked)
    problems: Counter[str] = Counter()
    for log in sorted(logdir.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if "Error:" in line and not line.startswith((" ", "\t")):
                problems[f"{log.stem}: {line.strip()[:140]}"] += 1
    wall = time.perf_counter() - started
    return Result(fx, writes, reads, probes, db, wall, problems, args.app_root.resolve())


def _ms(v: float) -> str:
    return f"{v:,.1f}"


def _verdict(ok: bool) -> str:
    return "[green]PASS[/]" if ok else "[red]FAIL[/]"


def _errors(c: Counter[str]) -> str:
    return ", ".join(f"{k}×{v}" for k, v in c.most_common()) or "0"


def _cpu(level: Level) -> str:
    per_request = level.server_cpu * level.seconds / level.ok * 1000 if level.ok else float("nan")
    return f"{level.server_cpu:.0%} ({per_request:.1f} ms/req) / {level.client_cpu:.0%}"


def report(res: Result) -> bool:
    """Print the table of one backend; True when every target it names is met."""
    fx = res.fixture
    title = (
        f"{fx.backend}: API benchmark, 1 uvicorn worker per server, loopback,"
        f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    t = Table(title=title, title_justify="left")
    for col in ("metric", "clients", "value", "baseline", "ratio", "target", "result"):
        t.add_column(col, justify="right" if col in ("clients", "value", "baseline", "ratio") else "left")
    all_ok = True
    for app, bare in res.writes:
        ratio = app.rate / bare.rate if bare.rate else float("nan")
        target, verdict = "—", ""
        if fx.backend == "sqlite" and app.clients == 8:
            ok = app.rate >= WRITE_TARGET_ROWS and ratio >= WRITE_TARGET_RATIO
            all_ok &= ok
            target, verdict = (
                f"≥ {WRITE_TARGET_ROWS:,.0f}/s, ≥ {WRITE_TARGET_RATIO:g}× baseline",
                _verdict(ok),
            )
        n = str(app.clients)
        t.add_row(
            "durable POST, rows/s",
            n,
            f"{app.rate:,.0f}",
            f"{bare.rate:,.0f}",
            f"{ratio:.2f}",
            target,
            verdict,
        )
        t.add_row(
            "  latency p50 / p99 ms",
            n,
            f"{_ms(app.p50)} / {_ms(app.p99)}",
            f"{_ms(bare.p50)} / {_ms(bare.p99)}",
        )
        t.add_row("  errors", n, _errors(app.errors), _errors(bare.errors), "", "0",
                  "" if not (app.errors or bare.errors) else "[yellow]errors[/]")  # fmt: skip
        t.add_row("  CPU server (per req) / client", n, _cpu(app), _cpu(bare))
    for rd in res.reads:
        ok = rd.p99 < READ_TARGET_P99_MS and not rd.errors
        all_ok &= ok
        n = str(rd.clients)
        t.add_row(f"GeoJSON {PAGE:,} checks, p50 / p99 ms", n, f"{_ms(rd.p50)} / {_ms(rd.p99)}", "", "",
                  f"p99 < {READ_TARGET_P99_MS:g} ms", _verdict(ok))  # fmt: skip
        t.add_row("  pages/s, bytes, errors", n, f"{rd.rate:,.1f}, {rd.bytes:,}, {_errors(rd.errors)}")
        t.add_row("  CPU server (per req) / client", n, _cpu(rd))
    pa, pb = res.probes
    probe_ok = bool(pa.acked and pb.acked) and pa.visible == len(pa.acked) and pb.visible == len(pb.acked)
    all_ok &= probe_ok
    t.add_row("201 sent after COMMIT (row seen at once)", "1",
              f"{pa.visible}/{len(pa.acked)}" + (f", errors {_errors(pa.errors)}" if pa.errors else ""),
              f"{pb.visible}/{len(pb.acked)}" + (f", errors {_errors(pb.errors)}" if pb.errors else ""),
              "", "all", _verdict(probe_ok))  # fmt: skip
    db = res.stored
    t.add_row("acknowledged rows missing after run", "",
              f"{db.app_missing:,} of {db.app_rows:,} ({db.app_fined:,} ORDNINGSBOT)",
              f"{db.bare_missing:,} of {db.bare_rows:,}", "", "0", _verdict(db.ok))  # fmt: skip
    console.print(t)
    console.print(
        f"  durable: {fx.durability}" + (f"; {fx.disk_note}" if fx.disk_note else "") + "\n"
        f"  read: bbox {','.join(map(str, fx.bbox))} holds {fx.in_bbox:,} checks; a page is also a"
        " durable write (the app logs every read of police records in the audit trail)\n"
        "  baseline: bench/_server.py, 1 INSERT per request into a vehicle_checks-shaped table, same"
        " driver and pragmas, no auth/validation/audit/idempotency\n"
        f"  took {res.wall_s:.0f} s" + (f"; app served from {res.app_root}" if res.app_root != ROOT else "")
    )
    for line, count in res.server_errors.most_common(4):
        console.print(f"  server log: {count}× {line}")
    console.print()
    return all_ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=("sqlite", "postgis", "both"), default="both")
    p.add_argument("--seconds", type=float, default=10.0, help="measured seconds per write level")
    p.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each write level")
    p.add_argument("--clients", default="1,8,32", help="concurrent writers, comma-separated")
    p.add_argument("--reads", type=int, default=200, help="GeoJSON pages per read level")
    p.add_argument("--checks", type=int, default=20_000, help="demo checks loaded for the read test")
    p.add_argument("--tmpdir", default=None, help="where the SQLite file goes (default: the system's)")
    p.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="serve the app from this checkout (A/B a change without touching this tree)",
    )
    p.add_argument("--quick", action="store_true", help="smoke run: 3 s per level, 50 reads")
    args = p.parse_args(argv)
    if args.quick:
        args.seconds, args.reads, args.warmup = 3.0, 50, 0.5
    args.clients = [int(c) for c in str(args.clients).split(",") if c.strip()]
    if not args.clients or min(args.clients) < 1 or args.seconds <= 0 or args.reads < 1:
        p.error("--clients needs positive numbers; --seconds and --reads must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = ("sqlite", "postgis") if args.backend == "both" else (args.backend,)
    failed = False
    met = True
    with tempfile.TemporaryDirectory(prefix="trafiktrygg-bench-api-", dir=args.tmpdir) as tmp:
        for backend in backends:
            try:
                res = run_backend(backend, args, Path(tmp))
            except KeyboardInterrupt:
                console.print("[red]interrupted[/]")
                return 130
            except Exception as exc:  # noqa: BLE001 - report, go on with the next backend
                console.print_exception(max_frames=8)
                for log in sorted(Path(tmp).glob(f"logs-{backend}/*.log")):
                    console.print(
                        f"[bold]{log.name}[/] (last lines):\n{log.read_text(errors='replace')[-2500:]}"
                    )
                console.print(f"[red]{backend}: failed: {exc}[/]")
                failed = True
                continue
            met &= report(res)
            failed |= not res.stored.ok
    console.print("targets: " + ("all met" if met else "[red]some not met[/] (reported, not asserted)"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
