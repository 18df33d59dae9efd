"""Browser fixtures: the real app under uvicorn on 127.0.0.1 with the Mjölby demo data, and Chromium.

* :func:`live_sqlite` / :func:`live_postgis` — a migrated database with ``build_demo`` data, the
  XSS records of :class:`Nasty`, one user per role, served by uvicorn in a background thread on
  a free port (one server per backend and xdist worker).
* :func:`browser` — Debian's Chromium (``TRAFIKTRYGG_CHROMIUM``, default ``/usr/bin/chromium``)
  driven by Playwright. Missing Chromium or missing map assets skip locally and fail with
  ``CI=true`` (:func:`tests.conftest.missing_service`).
* :func:`open_page` — a page signed in as a role (the ``tt_session`` cookie from the real login
  route) whose every request not to the app is aborted (tiles included) and whose console
  errors, page errors and outside requests are collected.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.db import engine_for, transaction
from api.settings import Settings
from maps.assets import assets_installed
from tests.builders import make_actor, make_check, make_measure, make_operation, point
from tests.conftest import _pg_base, create_postgis_database, missing_service
from traffic.demo.build import build_demo
from traffic.orgs.service import add_user, ensure_organisations
from traffic.storage.migrate import upgrade
from traffic.zones.schemas import ZoneCreate
from traffic.zones.service import create_zone

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("TRAFIKTRYGG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "webbtestens-langa-losenord"
ROLE_ORGS = {"officer": "polisen", "lead": "polisen", "planner": "mjolby_kommun", "admin": "mjolby_kommun"}
ROLES = ("public", *ROLE_ORGS)
TILE_HOSTS = ("https://tile.openstreetmap.org/",)
NASTY = (
    "<img src=x onerror=window.__pwned=1> ${document.title='x'} `tick` back\\slash \\` "
    "{{ 7*7 }} {% if 1 %}jinja{% endif %} end"  # Jinja: branca renders map output as a template again
)
XSS_SPOT = (15.20, 58.36)  # east of Mjölby town, inside the municipality, away from the demo data


@dataclass(frozen=True)
class Nasty:
    """Records whose every text field holds :data:`NASTY`, inside the zone ``xss_test``."""

    zone: str = "xss_test"
    text: str = NASTY


@dataclass
class LiveApp:
    """A running app: its base URL, database, users and the FastAPI app (for settings)."""

    backend: str
    base: str
    db_url: str
    app: Any
    users: dict[str, str] = field(default_factory=dict)
    nasty: Nasty = field(default_factory=Nasty)

    def url(self, path: str) -> str:
        """Absolute URL of ``path``."""
        return self.base + path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _square(lon: float, lat: float, d: float) -> dict:
    ring = [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def add_nasty_records(url: str) -> None:
    """A zone, a completed operation with a check, and a completed measure, all named :data:`NASTY`."""
    lon, lat = XSS_SPOT
    done = datetime.now(UTC) - timedelta(days=40)
    with transaction(url) as session:
        admin = make_actor(session, role="admin", org="polisen")
        create_zone(
            session,
            actor=admin,
            data=ZoneCreate(code=Nasty.zone, name=NASTY, kind="CUSTOM", geometry=_square(lon, lat, 0.006)),
        )
        officer = make_actor(session, role="officer", org="polisen")
        op = make_operation(
            session,
            officer,
            title=NASTY,
            place_name=NASTY,
            note=NASTY,
            status="COMPLETED",
            geometry=point(lon, lat),
            actual_start=done - timedelta(hours=2),
            actual_end=done,
        )
        make_check(session, op, officer, checked_at=done - timedelta(hours=1), geometry=point(lon, lat))
        planner = make_actor(session, role="planner", org="mjolby_kommun")
        make_measure(
            session,
            planner,
            title=NASTY,
            description=NASTY,
            status="COMPLETED",
            completed_on="2025-04-01",
            geometry=_square(lon + 0.002, lat + 0.002, 0.0008),
        )


def _users(url: str) -> dict[str, str]:
    names = {}
    with transaction(url) as session:
        ensure_organisations(session)
        for role, org in ROLE_ORGS.items():
            names[role] = f"web-{role}-{uuid.uuid4().hex[:8]}"
            add_user(session, username=names[role], role=role, org_code=org, password=PASSWORD)
    return names


def _serve(backend: str, db_url: str) -> Iterator[LiveApp]:
    upgrade(db_url)
    build_demo(engine_for(db_url))
    add_nasty_records(db_url)
    users = _users(db_url)
    app = create_app(Settings(database_url=db_url, pseudonym_secret="web-test-secret"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{backend}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveApp(backend, f"http://127.0.0.1:{port}", db_url, app, users)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The app on a SQLite file with the demo data."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite'}"
    yield from _serve("sqlite", url)


@pytest.fixture(scope="session")
def live_postgis() -> Iterator[LiveApp]:
    """The app on a fresh PostGIS database with the demo data."""
    url = create_postgis_database(_pg_base(), suffix="_web")
    yield from _serve("postgis", url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright (skips locally, fails in CI when missing)."""
    if not Path(CHROMIUM).exists():
        missing_service(
            f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set TRAFIKTRYGG_CHROMIUM)"
        )
    if not assets_installed():
        missing_service("map assets not installed in maps/static/vendor: run `make venv`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watched:
    """A page with what it logged and asked for."""

    page: Any
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # requests not to the app (all aborted)

    def real_errors(self) -> list[str]:
        """Console and page errors, except failed loads of tiles (aborted on purpose)."""
        return [e for e in self.errors if not (e.startswith("resource ") and _is_tile(e.split(" ", 2)[1]))]

    def outside_non_tiles(self) -> list[str]:
        """Requests that left for anything but a tile server (must be none)."""
        return [u for u in self.outside if not _is_tile(u)]


def _is_tile(url: str) -> bool:
    return url.startswith(TILE_HOSTS)


def _watch(page: Any, allowed: Callable[[str], bool]) -> Watched:
    watched = Watched(page)

    def route(r: Any) -> None:
        if allowed(r.request.url):
            r.continue_()
        else:
            watched.outside.append(r.request.url)
            r.abort()

    def console(msg: Any) -> None:
        if msg.type == "error":
            where = (msg.location or {}).get("url", "")
            kind = "resource" if msg.text.startswith("Failed to load resource") else "console"
            watched.errors.append(f"{kind} {where} {msg.text}")

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda exc: watched.errors.append(f"pageerror - {exc}"))
    return watched


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Watched]]:
    """``open_page(live, role)`` → a watched page signed in as ``role`` (``public``: no cookie)."""
    contexts: list[Any] = []

    def make(live: LiveApp | None, role: str = "public", *, local_files: bool = False) -> Watched:
        state = _signed_in(browser, live, role) if live is not None and role != "public" else None
        context = browser.new_context(
            viewport={"width": 1280, "height": 850}, locale="sv-SE", storage_state=state
        )
        contexts.append(context)
        page = context.new_page()
        if local_files:
            return _watch(page, lambda u: u.startswith(("file://", "data:")))
        base = live.base if live is not None else "http://127.0.0.1"
        return _watch(page, lambda u: u.startswith((base + "/", "data:")))

    yield make
    for context in contexts:
        context.close()


_STATES: dict[tuple[str, str], dict] = {}  # (base URL, role) → cookies: one login per role and server


def _signed_in(browser: Any, live: LiveApp, role: str) -> dict:
    """The browser state after logging in as ``role`` through the real login route (cached)."""
    key = (live.base, role)
    if key not in _STATES:
        context = browser.new_context()
        try:
            res = context.request.post(
                live.url("/api/v1/auth/login"), data={"username": live.users[role], "password": PASSWORD}
            )
            assert res.status == 200, res.text()
            assert any(c["name"] == "tt_session" for c in context.cookies())
            _STATES[key] = context.storage_state()
        finally:
            context.close()
    return _STATES[key]


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot under test-artifacts/screenshots/ (kept as a CI artifact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".png")
    page.screenshot(path=str(path))
    return path


def wait_for_map(page: Any) -> None:
    """Wait until Leaflet has drawn the map and the outlines."""
    page.wait_for_selector(".leaflet-container")
    page.wait_for_function("document.querySelectorAll('.leaflet-ttOutlines-pane path').length > 0")
    page.wait_for_timeout(300)  # let marker clusters and the legend settle
