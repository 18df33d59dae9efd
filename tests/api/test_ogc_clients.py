"""The real clients against a live server: OWSLib and GDAL's OAPIF driver (through pyogrio).

The server runs as a uvicorn *subprocess* on 127.0.0.1: pyogrio holds the GIL while GDAL
fetches pages, so a server thread in the test process would deadlock on the second request.
Each client must read, for every collection its role may read, exactly the features (ids,
geometries within 1e-6, fields) that role gets from ``/api/v1``.

Client quirks these tests pin down:

- OWSLib asks for the landing page at ``/ogc/`` (trailing slash) and copies ``headers=`` into
  a module-level dict (``owslib.ogcapi.REQUEST_HEADERS``), so a token given once leaks into
  every later client in the process; each test here works on its own copy of that dict.
- GDAL's OAPIF driver sends its own ``Accept`` header through the HTTP option that also carries
  ``GDAL_HTTP_HEADERS``, so that config option never reaches the server (GDAL 3.12) and the
  driver has no HEADERS open option; ``GDAL_HTTP_AUTH=BEARER`` + ``GDAL_HTTP_BEARER`` works.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import owslib.ogcapi
import pyogrio
import pyogrio.errors
import pytest
import shapely
from owslib.ogcapi.features import Features
from shapely.geometry import shape
from sqlalchemy import select

from api.db import transaction
from geo.area import SWEDEN_ENVELOPE
from tests.api.test_ogc import READABLE, last_event_id, read_events_after, seed, seed_planned
from tests.builders import make_actor
from traffic.presence.schemas import PresenceCreate
from traffic.presence.service import create_presence
from traffic.zones.models import Zone

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("public", "officer", "planner")
TOLERANCE = 1e-6


@dataclass
class LiveServer:
    """A uvicorn subprocess serving the app on one database."""

    url: str
    port: int
    log: Path
    proc: subprocess.Popen

    @property
    def ogc(self) -> str:
        """The landing page URL."""
        return f"http://127.0.0.1:{self.port}/ogc"

    def log_text(self) -> str:
        """Everything the server has logged so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Terminate the server and wait for it (kill if it will not stop)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(url: str, log: Path) -> LiveServer:
    env = {
        **os.environ,
        "TRAFIKTRYGG_DATABASE_URL": url,
        "TRAFIKTRYGG_PSEUDONYM_SECRET": "test-secret",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    for _attempt in range(3):  # another process may take the free port before uvicorn binds it
        port = _free_port()
        out = log.open("ab")
        cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"]
        cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "info"]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        server = LiveServer(url, port, log, proc)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return server
            except httpx.TransportError:
                time.sleep(0.1)
        server.stop()
    raise RuntimeError(f"uvicorn did not start:\n{log.read_text(errors='replace')}")


@dataclass
class Servers:
    """One live server per database URL, seeded once, all stopped at the end of the module."""

    directory: Path
    running: dict[str, LiveServer] = field(default_factory=dict)

    def get(self, url: str) -> LiveServer:
        """The server for ``url``, started (and the database seeded) on first use."""
        if url not in self.running:
            _seed_for_clients(url)
            log = self.directory / f"uvicorn-{len(self.running)}.log"
            self.running[url] = _start(url, log)
        return self.running[url]

    def stop_all(self) -> None:
        """Stop every server this module started."""
        for server in self.running.values():
            server.stop()
        self.running.clear()


def _seed_for_clients(url: str) -> None:
    """Records of every kind, a planned operation, and a presence check-in with no geometry."""
    seed(url)
    seed_planned(url)
    with transaction(url) as s:
        officer = make_actor(s, "officer", "polisen")
        zone = s.scalars(select(Zone).where(Zone.deleted_at.is_(None)).limit(1)).one()
        create_presence(
            s,
            actor=officer,
            data=PresenceCreate(
                unit="Mjölby 3",
                mode="STATIONARY",
                kind="ZONE_CHECKIN",
                zone_id=zone.id,
                start_at=datetime(2024, 5, 16, 7, 0, tzinfo=UTC),
            ),
        )


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    pool = Servers(tmp_path_factory.mktemp("ogc-live"))
    try:
        yield pool
    finally:
        pool.stop_all()


@pytest.fixture
def live(api, servers: Servers) -> Iterator[LiveServer]:
    server = servers.get(api.url)
    before = len(server.log_text())
    yield server
    new_lines = server.log_text()[before:]
    assert "Traceback" not in new_lines and " 500 " not in new_lines, new_lines[-4000:]


@pytest.fixture
def fresh_owslib_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    """OWSLib merges ``headers=`` into a module-level dict; give each test its own copy."""
    monkeypatch.setattr(owslib.ogcapi, "REQUEST_HEADERS", dict(owslib.ogcapi.REQUEST_HEADERS))


def _token(api, role: str) -> str | None:  # noqa: ANN001
    if role == "public":
        return None
    return api.as_role(role).headers["Authorization"].removeprefix("Bearer ")


# --- what /api/v1 gives the role: the reference every client must match -------------------------


def expected_features(api, role: str, kind: str) -> dict[str, dict[str, Any]]:  # noqa: ANN001
    """Feature id → GeoJSON feature, as ``/api/v1/{kind}`` serves them to ``role`` (all pages)."""
    client = api.public if role == "public" else api.as_role(role)
    out: dict[str, dict[str, Any]] = {}
    url: str | None = f"/api/v1/{kind}"
    params: dict[str, Any] | None = {"f": "geojson", "limit": 1000}
    while url:
        res = client.get(url, params=params)
        assert res.status_code == 200, res.text
        body = res.json()
        out.update({feature["id"]: feature for feature in body["features"]})
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        params = None
    return out


def same_geometry(got: Any, want: dict[str, Any] | None) -> bool:
    """``got`` (shapely or GeoJSON, None for no geometry) equals ``want`` within 1e-6 degrees."""
    if want is None or got is None:
        return want is None and (got is None or shapely.is_empty(got))
    got_shape = shape(got) if isinstance(got, dict) else got
    return bool(shapely.equals_exact(got_shape, shape(want), tolerance=TOLERANCE))


# --- OWSLib ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("fresh_owslib_headers")
@pytest.mark.parametrize("role", ROLES)
def test_owslib_reads_every_collection_the_role_may_read(api, live, role):
    token = _token(api, role)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    client = Features(live.ogc, headers=headers)
    assert "/ogc/collections/{collectionId}/items" in client.api()["paths"]
    assert any(c.endswith("/conf/core") for c in client.conformance()["conformsTo"])
    assert set(client.feature_collections()) == READABLE[role]
    everywhere = list(SWEDEN_ENVELOPE)
    for cid in READABLE[role]:
        meta = client.collection(cid)
        assert meta["id"] == cid and meta["extent"]["spatial"]["bbox"]
        want = expected_features(api, role, cid)
        with_geometry = {fid for fid, f in want.items() if f["geometry"] is not None}
        page = client.collection_items(cid, limit=1000, bbox=everywhere)
        assert page["numberMatched"] == len(with_geometry), cid
        for feature in page["features"]:
            assert feature["id"] in with_geometry
            assert same_geometry(feature["geometry"], want[feature["id"]]["geometry"]), feature["id"]
            assert feature["properties"] == want[feature["id"]]["properties"]
        small = client.collection_items(cid, limit=2)
        assert small["numberReturned"] == min(2, len(want)) and small["numberMatched"] == len(want)
        if want:
            fid = next(iter(want))
            assert client.collection_item(cid, fid)["properties"] == want[fid]["properties"]


@pytest.mark.usefixtures("fresh_owslib_headers")
def test_owslib_token_of_one_client_does_not_reach_a_later_public_one(api, live):
    Features(live.ogc, headers={"Authorization": f"Bearer {_token(api, 'officer')}"})
    owslib.ogcapi.REQUEST_HEADERS.pop("Authorization", None)  # what a careful caller must do
    assert set(Features(live.ogc).feature_collections()) == READABLE["public"]


# --- GDAL (OAPIF driver) through pyogrio --------------------------------------------------------


@contextmanager
def gdal_bearer(token: str | None) -> Iterator[None]:
    """Send ``Authorization: Bearer`` from GDAL for the duration (config options are global)."""
    options = {"GDAL_HTTP_AUTH": "BEARER", "GDAL_HTTP_BEARER": token} if token else {}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"GDAL_HTTP_AUTH": None, "GDAL_HTTP_BEARER": None})


@pytest.mark.parametrize("role", ROLES)
def test_gdal_reads_every_collection_the_role_may_read(api, live, role):
    source = f"OAPIF:{live.ogc}"
    with gdal_bearer(_token(api, role)):
        layers = {str(name) for name, _geom in pyogrio.list_layers(source)}
        assert layers == READABLE[role]
        for cid in sorted(READABLE[role]):
            want = expected_features(api, role, cid)
            df = pyogrio.read_dataframe(source, layer=cid)
            assert len(df) == len(want), cid
            if not want:
                continue
            assert set(df["id"]) == set(want), cid
            for fid, geom in zip(df["id"], df.geometry, strict=True):
                assert same_geometry(geom, want[fid]["geometry"]), (cid, fid)
            hidden = (
                {"note", "vehicle_pseudonym", "officer_ids"} if cid in {"operations", "checks"} else set()
            )
            if role == "planner":
                assert not hidden & set(df.columns), cid  # police-only fields never reach a planner
        for cid in {"operations", "checks", "presence", "incidents"} - READABLE[role]:
            with pytest.raises(pyogrio.errors.DataLayerError):
                pyogrio.read_dataframe(source, layer=cid)


def test_gdal_follows_next_links_and_opens_a_collection_url(api, live):
    with gdal_bearer(_token(api, "officer")):
        want = expected_features(api, "officer", "checks")
        paged = pyogrio.read_dataframe(f"OAPIF:{live.ogc}", layer="checks", PAGE_SIZE=2)
        assert len(want) > 2 and sorted(paged["id"]) == sorted(want)
        one = pyogrio.read_dataframe(f"OAPIF:{live.ogc}/collections/incidents")
        assert sorted(one["id"]) == sorted(expected_features(api, "officer", "incidents"))
    pages = [line for line in live.log_text().splitlines() if "/ogc/collections/checks/items?" in line]
    assert any("offset=2" in line and "limit=2" in line for line in pages)  # GDAL followed "next"


def test_gdal_without_a_token_sees_the_public_layers_only(api, live):
    with gdal_bearer(None):
        assert {str(n) for n, _ in pyogrio.list_layers(f"OAPIF:{live.ogc}")} == READABLE["public"]
        with pytest.raises(pyogrio.errors.DataLayerError):
            pyogrio.read_dataframe(f"OAPIF:{live.ogc}", layer="operations")


# --- parallel reads, as QGIS makes when it loads several layers -------------------------------


def test_parallel_reads_are_all_served_and_all_logged(api, live):
    token = _token(api, "officer")
    paths = [f"/ogc/collections/{cid}/items" for cid in ("operations", "checks", "presence")] * 3
    first = last_event_id(api.url)

    def read_all(worker: int) -> list[int]:
        with httpx.Client(
            base_url=live.ogc.removesuffix("/ogc"), headers={"Authorization": f"Bearer {token}"}
        ) as c:
            return [c.get(paths[(worker + i) % len(paths)]).status_code for i in range(10)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = [s for batch in pool.map(read_all, range(8)) for s in batch]
    assert statuses == [200] * 80
    logged = read_events_after(api.url, first)
    assert len(logged) == 80  # every page held police records, and every one was logged
