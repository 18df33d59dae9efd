"""Load benchmark: a bounded mixed load from many clients against the real server on loopback.

Run: ``.venv/bin/python bench/load.py [--duration 60] [--clients 50] [--backends sqlite,postgis]
[--workers 1,2] [--checks 20000]``.

For each backend a fresh database (SQLite: a file in a temporary directory; PostGIS:
``trafiktrygg_bench_load`` from ``TRAFIKTRYGG_BENCH_PG_URL``, dropped and created) is migrated and
loaded with ``build_demo`` (``--checks`` checks around Mjölby), an officer, a planner and an
ongoing operation. Then, for each ``--workers`` count, the app runs as ``uvicorn --factory
api.app:create_app --workers N`` (see ``bench/_procs.py``) and ``--clients`` concurrent clients
(asyncio + httpx, one bounded connection pool, closed loop: a client sends its next request when
the previous one answered) run for ``--duration`` seconds:

* officers (60 %) POST checks with a client id and an ``Idempotency-Key``;
* planners (30 %) GET a GeoJSON page ``/api/v1/checks?f=geojson&bbox=…&limit=…`` of one of a few
  boxes around town;
* planners (10 %) GET the heat map page ``/maps/heatmap``.

A request answered 503 (database busy, with ``Retry-After``) or whose connection dropped is sent
again (a write with the same key), at most :data:`MAX_RETRIES` times; retries are counted.

The table gives, per backend, workers and request kind: requests answered, throughput, p50 and p99
latency, 4xx and 5xx answers and transport errors (after retries), retries, and lost writes (checks
answered 201 but missing from the database after the server stopped). The exit status is non-zero
on any 5xx, transport error or lost write.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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
from traffic.checks.models import VehicleCheck  # noqa: E402
from traffic.demo import build_demo  # noqa: E402
from traffic.operations.schemas import OperationCreate  # noqa: E402
from traffic.operations.service import create_operation  # noqa: E402
from traffic.orgs.service import add_user, ensure_organisations  # noqa: E402
from traffic.storage.db import make_engine, session_factory, unit_of_work  # noqa: E402
from traffic.storage.migrate import upgrade  # noqa: E402

sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/api.py must not shadow api/
from _procs import ServeProcess  # noqa: E402

PG_URL_ENV = "TRAFIKTRYGG_BENCH_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/trafiktrygg_bench_load"
STATION = (15.131987, 58.322982)  # Mjölby resecentrum, lon/lat
SEED = 20241126
PASSWORD = "last-bench-losenord-2024"
SECRET = "load-bench-pseudonym-secret"
KINDS = ("write check", "read GeoJSON", "read heatmap")
MIX = (0.6, 0.3, 0.1)  # share of the clients per kind
PAGE = 200  # GeoJSON features per page
BOXES = (0.004, 0.008, 0.015, 0.03)  # half-heights (degrees of latitude) of the boxes read
MAX_RETRIES = 5
REQUEST_TIMEOUT_S = 60.0
console = Console(width=None if sys.stdout.isatty() else 150)


# ----------------------------------------------------------------------------- the database


@dataclass
class Fixture:
    """A loaded database and what the clients need to know about it."""

    backend: str
    url: str
    operation_id: str
    officer: str
    planner: str
    checks: int


def fresh_postgis(url: str) -> None:
    """Drop and create the benchmark database (PostGIS comes with the migration)."""
    parsed = make_url(url)
    name = parsed.database
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing odd database name {name!r}")
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()


def prepare(backend: str, url: str, checks: int) -> Fixture:
    """Migrate ``url`` (empty), load the demo with ``checks`` checks, add the accounts and operation."""
    upgrade(url)
    install_audit()
    engine = make_engine(url)
    try:
        build_demo(engine, seed=SEED, checks=checks)
        with unit_of_work(session_factory(engine), actor=Actor(username="bench", role="admin")) as s:
            ensure_organisations(s)
            officer = add_user(
                s, username="load-officer", role="officer", org_code="polisen", password=PASSWORD
            )
            add_user(s, username="load-planner", role="planner", org_code="mjolby_kommun", password=PASSWORD)
            actor = Actor(
                username=officer.username, role="officer", org_id=officer.org_id, user_id=officer.id
            )
            s.info["actor"] = actor
            op = create_operation(
                s,
                actor=actor,
                data=OperationCreate(
                    title="Lasttest: kontroll vid resecentrum",
                    focus="A_TRAKTOR",
                    status="ONGOING",
                    geometry={"type": "Point", "coordinates": list(STATION)},
                    actual_start=datetime.now(UTC) - timedelta(hours=1),
                ),
            )
            op_id = str(op.id)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")  # as autovacuum would after a load
    finally:
        engine.dispose()
    return Fixture(backend, url, op_id, "load-officer", "load-planner", checks)


def stored_ids(url: str, operation_id: str) -> set[str]:
    """Ids of the checks of the load's operation in the database."""
    checks = VehicleCheck.__table__
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.scalars(
                sa.select(checks.c.id).where(checks.c.operation_id == uuid.UUID(operation_id))
            )
            return {str(i) for i in rows}
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------- the load


@dataclass
class Kind:
    """What one request kind saw during a run."""

    name: str
    clients: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    status: Counter[int] = field(default_factory=Counter)
    transport: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)  # "503" and "net" (connection dropped)
    acked: set[str] = field(default_factory=set)  # writes answered 201
    lost: int = 0

    @property
    def requests(self) -> int:
        return sum(self.status.values())

    def count(self, low: int) -> int:
        """Answers with a status in [low, low + 100)."""
        return sum(n for s, n in self.status.items() if low <= s < low + 100)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


@dataclass
class Run:
    """One backend × workers run."""

    backend: str
    workers: int
    clients: int
    seconds: float
    kinds: dict[str, Kind]
    server_errors: list[str]

    @property
    def failures(self) -> list[str]:
        """What makes the run fail: any 5xx, transport error or lost write."""
        out = []
        for k in self.kinds.values():
            if k.count(500):
                out.append(f"{k.name}: {k.count(500)} × 5xx {dict(k.status)}")
            if k.transport:
                out.append(f"{k.name}: transport errors {dict(k.transport)}")
            if k.lost:
                out.append(f"{k.name}: {k.lost} acknowledged writes lost")
        return out


def check_body(operation_id: str, rng: random.Random) -> dict[str, Any]:
    """A check near the station, with or without a remark."""
    fined = rng.random() < 0.4
    lon, lat = STATION
    return {
        "id": str(uuid.uuid4()),
        "operation_id": operation_id,
        "checked_at": (datetime.now(UTC) - timedelta(seconds=rng.randint(1, 3000))).isoformat(
            timespec="seconds"
        ),
        "geometry": {
            "type": "Point",
            "coordinates": [
                round(lon + rng.uniform(-8e-4, 8e-4), 6),
                round(lat + rng.uniform(-4e-4, 4e-4), 6),
            ],
        },
        "vehicle_type": rng.choice(("CAR", "CAR", "A_TRAKTOR", "MOPED_I")),
        "findings": ["SPEED"] if fined else [],
        "outcomes": ["ORDNINGSBOT"] if fined else ["UTAN_ANMARKNING"],
        "fine_amount_sek": 2000 if fined else None,
        "measured_speed_kmh": round(rng.uniform(30, 70), 1),
        "speed_limit_kmh": 30,
        "speed_method": "LASER",
    }


def geojson_url(rng: random.Random) -> str:
    """A GeoJSON page of one of the boxes around the station."""
    half_lat = rng.choice(BOXES)
    half_lon = half_lat * 1.9  # cos(58.3°) ≈ 0.53: about square on the ground
    lon, lat = STATION
    bbox = f"{lon - half_lon:.5f},{lat - half_lat:.5f},{lon + half_lon:.5f},{lat + half_lat:.5f}"
    return f"/api/v1/checks?f=geojson&limit={PAGE}&bbox={bbox}"


def split_clients(clients: int) -> list[str]:
    """The kind of each client, in the proportions of :data:`MIX` (at least one of each)."""
    counts = [max(1, round(clients * share)) for share in MIX]
    counts[0] = max(1, clients - sum(counts[1:]))
    return [k for k, n in zip(KINDS, counts, strict=True) for _ in range(n)]


async def send(
    client: httpx.AsyncClient, kind: Kind, method: str, url: str, **kw: Any
) -> httpx.Response | None:
    """One request; after a 503 (database busy) or a dropped connection, the same again.

    A write goes again with the same Idempotency-Key, so a retry never stores it twice. A
    dropped connection is mostly the client reusing a keep-alive connection the server closed.
    """
    for attempt in range(MAX_RETRIES + 1):
        last = attempt == MAX_RETRIES
        t0 = time.perf_counter()
        try:
            res = await client.request(method, url, **kw)
        except httpx.TransportError as exc:
            if last:
                kind.transport[type(exc).__name__] += 1
                return None
            kind.retries["net"] += 1
            await asyncio.sleep(0.2)
            continue
        kind.latencies_ms.append((time.perf_counter() - t0) * 1000)
        if res.status_code != 503 or last:
            return res
        kind.retries["503"] += 1
        await asyncio.sleep(min(float(res.headers.get("Retry-After", "1")), 5.0))
    return None


async def load(
    base: str, fx: Fixture, tokens: dict[str, str], clients: int, seconds: float
) -> dict[str, Kind]:
    """Run the mixed load for ``seconds``; what each kind saw."""
    kinds = {name: Kind(name) for name in KINDS}
    roles = split_clients(clients)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=REQUEST_TIMEOUT_S) as client:

        async def officer(rng: random.Random, kind: Kind) -> None:
            auth = {"Authorization": f"Bearer {tokens['officer']}"}
            while time.perf_counter() < deadline:
                body = check_body(fx.operation_id, rng)
                headers = {**auth, "Idempotency-Key": f"load-{body['id']}"}
                res = await send(client, kind, "POST", "/api/v1/checks", json=body, headers=headers)
                if res is not None:
                    kind.status[res.status_code] += 1
                    if res.status_code == 201:
                        kind.acked.add(body["id"])

        async def planner(rng: random.Random, kind: Kind, heatmap: bool) -> None:
            auth = {"Authorization": f"Bearer {tokens['planner']}"}
            while time.perf_counter() < deadline:
                url = "/maps/heatmap" if heatmap else geojson_url(rng)
                res = await send(client, kind, "GET", url, headers=auth)
                if res is not None:
                    kind.status[res.status_code] += 1

        tasks = []
        for n, name in enumerate(roles):
            kind = kinds[name]
            kind.clients += 1
            rng = random.Random(f"{SEED}-{n}")
            if name == KINDS[0]:
                tasks.append(officer(rng, kind))
            else:
                tasks.append(planner(rng, kind, heatmap=name == KINDS[2]))
        await asyncio.gather(*tasks)
    return kinds


def login(base: str, username: str) -> str:
    """A bearer token through the real login route."""
    res = httpx.post(
        f"{base}/api/v1/auth/login", json={"username": username, "password": PASSWORD}, timeout=60
    )
    if res.status_code != 200:
        raise RuntimeError(f"login {username}: {res.status_code} {res.text[:300]}")
    return str(res.json()["access_token"])


def run_one(fx: Fixture, workers: int, clients: int, seconds: float, logdir: Path) -> Run:
    """Serve ``fx`` with ``workers`` processes, load it, stop it, count the lost writes."""
    log = logdir / f"{fx.backend}-{workers}w.log"
    env = {"TRAFIKTRYGG_DATABASE_URL": fx.url, "TRAFIKTRYGG_PSEUDONYM_SECRET": SECRET}
    server = ServeProcess(env, log, workers=workers, cli=False)
    server.start()
    try:
        tokens = {"officer": login(server.base, fx.officer), "planner": login(server.base, fx.planner)}
        started = time.perf_counter()
        kinds = asyncio.run(load(server.base, fx, tokens, clients, seconds))
        took = time.perf_counter() - started
        server.alive()
    finally:
        server.stop()
    writes = kinds[KINDS[0]]
    writes.lost = len(writes.acked - stored_ids(fx.url, fx.operation_id))
    problems = [
        line.strip()[:160]
        for line in log.read_text(errors="replace").splitlines()
        if ("Error" in line or "error" in line) and not line.startswith((" ", "\t"))
    ]
    return Run(fx.backend, workers, clients, took, kinds, problems)


def run_all(
    backends: list[str], workers: list[int], clients: int, seconds: float, checks: int, workdir: Path,
    pg_url: str | None = None,
) -> list[Run]:  # fmt: skip
    """Prepare each backend once and load it with each worker count."""
    runs = []
    for backend in backends:
        if backend == "sqlite":
            url = f"sqlite:///{workdir / 'load.sqlite'}"
        else:
            url = pg_url or os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
            if pg_url is None:
                fresh_postgis(url)
        console.print(f"[bold]{backend}[/]: migrating and loading the demo with {checks:,} checks …")
        fx = prepare(backend, url, checks)
        for n in workers:
            console.print(f"  {n} worker(s), {clients} clients, {seconds:g} s …")
            runs.append(run_one(fx, n, clients, seconds, workdir))
    return runs


# ----------------------------------------------------------------------------- report


def table(runs: list[Run]) -> Table:
    """The results as a rich table."""
    title = (
        f"Mixed load on loopback, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        f" (clients: {', '.join(f'{round(s * 100)} % {k}' for k, s in zip(KINDS, MIX, strict=True))})"
    )
    t = Table(title=title, title_justify="left")
    for col in ("backend", "workers", "kind", "clients", "requests", "per s", "p50 ms", "p99 ms",
                "4xx", "5xx", "transport", "retries 503/net", "lost writes"):  # fmt: skip
        t.add_column(col, justify="left" if col in ("backend", "kind") else "right")
    for run in runs:
        for k in run.kinds.values():
            write = k.name == KINDS[0]
            t.add_row(
                run.backend, str(run.workers), k.name, str(k.clients), f"{k.requests:,}",
                f"{k.requests / run.seconds:,.1f}", f"{k.percentile(50):,.0f}", f"{k.percentile(99):,.0f}",
                str(k.count(400)), _red(k.count(500)), _red(sum(k.transport.values())),
                f"{k.retries['503']}/{k.retries['net']}", _red(k.lost) if write else "",
            )  # fmt: skip
        t.add_section()
    return t


def _red(n: int) -> str:
    return f"[red]{n}[/]" if n else "0"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load per run")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients")
    p.add_argument("--backends", default="sqlite,postgis", help="comma-separated: sqlite, postgis")
    p.add_argument("--workers", default="1,2", help="worker processes per run, comma-separated")
    p.add_argument("--checks", type=int, default=20_000, help="demo checks loaded before the runs")
    p.add_argument("--tmpdir", default=None, help="where the SQLite file goes (default: the system's)")
    args = p.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    args.workers = [int(w) for w in str(args.workers).split(",") if w.strip()]
    if not set(args.backends) <= {"sqlite", "postgis"} or not args.backends:
        p.error("--backends takes sqlite and/or postgis")
    if not args.workers or min(args.workers) < 1 or args.clients < len(KINDS) or args.duration <= 0:
        p.error(f"--workers must be positive, --clients at least {len(KINDS)}, --duration positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="trafiktrygg-bench-load-", dir=args.tmpdir) as tmp:
        runs = run_all(args.backends, args.workers, args.clients, args.duration, args.checks, Path(tmp))
    console.print(table(runs))
    failed = False
    for run in runs:
        for line in run.failures:
            console.print(f"[red]{run.backend}, {run.workers} worker(s): {line}[/]")
            failed = True
        for line in run.server_errors[:5]:
            console.print(f"  server log ({run.backend}, {run.workers} w): {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
