"""Map pages over HTTP (no browser): visibility, published-figure rules, headers, assets, filters.

Runs against the same demo database as the browser tests (``live_sqlite``), in process.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from jinja2.utils import htmlsafe_json_dumps
from sqlalchemy import select

from api.auth.tokens import issue_token
from api.db import transaction
from maps.safe import safe_text
from tests.builders import make_actor, make_check, make_operation, point
from traffic.measures.models import SafetyMeasure
from traffic.orgs.models import User
from traffic.orgs.service import add_user

PAGES = ("overview", "heatmap", "measures", "presence", "hotspots", "gaps")
FEATURES = re.compile(r"_add\((\{\"features\": .*?\})\);\n", re.S)
SCRIPT_OR_STYLE = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)\s*=\s*"(?P<url>[^"]+)"')


def client(live, role: str, org: str | None = None) -> TestClient:
    """A client with a bearer token of ``role`` (``public``: none)."""
    c = TestClient(live.app, client=("maps-http", 50000))
    if role == "public":
        return c
    with transaction(live.db_url) as session:
        if org is None:
            user = session.scalar(select(User).where(User.username == live.users[role]))
        else:
            name = f"web-{role}-{uuid.uuid4().hex[:8]}"
            user = add_user(session, username=name, role=role, org_code=org, password="x" * 20)
        raw, _ = issue_token(session, user)
    c.headers["Authorization"] = f"Bearer {raw}"
    return c


def forms(text: str) -> set[str]:
    """How ``text`` can appear in a page: as is, escaped for HTML, and inside a script's JSON."""
    escaped = safe_text(text)
    return {text, escaped, *(str(htmlsafe_json_dumps(t))[1:-1] for t in (text, escaped))}


def shows(html: str, text: str) -> bool:
    """True if the page carries ``text`` in any of its :func:`forms`."""
    return any(f in html for f in forms(text))


def cell_counts(html: str) -> list[int]:
    """The record counts ("n") of every cell layer in a page."""
    out = []
    for match in FEATURES.finditer(html):
        for f in json.loads(match.group(1))["features"]:
            if "n" in f["properties"] and "v" not in f["properties"]:
                out.append(int(f["properties"]["n"]))
    return out


def test_every_page_loads_only_local_scripts_and_styles(live_sqlite):
    lead = client(live_sqlite, "lead")
    for page in PAGES:
        res = lead.get(f"/maps/{page}")
        assert res.status_code == 200, res.text[:300]
        urls = [m.group("url") for m in SCRIPT_OR_STYLE.finditer(res.text)]
        assert urls and all(u.startswith("/static/vendor/") for u in urls), urls
        assert not re.search(r"""<(?:script|link)[^>]+(?:src|href)\s*=\s*["']?(?:https?:)?//""", res.text)
        for url in urls:
            asset = lead.get(url)
            assert asset.status_code == 200 and asset.content, url


def test_public_pages_have_no_cell_under_five_no_operation_and_no_free_text(live_sqlite):
    public, planner, lead = (client(live_sqlite, r) for r in ("public", "planner", "lead"))
    for page in ("overview", "heatmap", "hotspots"):
        counts = cell_counts(public.get(f"/maps/{page}").text)
        assert counts and min(counts) >= 5, (page, sorted(counts)[:5])
    assert min(cell_counts(lead.get("/maps/heatmap").text)) < 5  # the rule is doing something
    overview = public.get("/maps/overview").text
    assert "L.marker(" not in overview and not shows(overview, "Trafikinsatser")
    with transaction(live_sqlite.db_url) as session:
        texts = {
            m.description
            for m in session.scalars(select(SafetyMeasure))
            if m.description not in (None, m.title)
        }
    assert texts
    for page in ("overview", "measures"):
        shown = public.get(f"/maps/{page}").text
        assert not [t for t in texts if shows(shown, t)], page
    assert any(shows(planner.get("/maps/measures").text, t) for t in texts)


def test_public_measures_are_completed_ones_only(live_sqlite):
    public, planner = client(live_sqlite, "public"), client(live_sqlite, "planner")
    assert not shows(public.get("/maps/measures").text, "föreslagen")
    assert shows(planner.get("/maps/measures").text, "föreslagen")


def test_planned_and_ongoing_operations_change_nothing_for_outsiders(live_sqlite):
    observers = {
        "public": client(live_sqlite, "public"),
        "planner": client(live_sqlite, "planner"),
        "admin": client(live_sqlite, "admin"),
        "lead of trafikverket": client(live_sqlite, "lead", org="trafikverket"),
    }
    urls = [f"/maps/{p}" for p in PAGES] + ["/maps/heatmap?step=week&period=2026", "/maps/overview?lang=en"]
    before = {n: {u: _answer(c, u) for u in urls} for n, c in observers.items()}
    tag = uuid.uuid4().hex[:8]
    soon = datetime.now(UTC) + timedelta(days=2)
    with transaction(live_sqlite.db_url) as session:
        officer = make_actor(session, role="officer", org="polisen")
        make_operation(session, officer, title=f"HEMLIG planerad {tag}", planned_start=soon)
        ongoing = make_operation(
            session, officer, title=f"HEMLIG pågående {tag}", status="ONGOING", note=f"HEMLIG {tag}"
        )
        for k in range(6):
            make_check(
                session,
                ongoing,
                officer,
                checked_at=datetime.now(UTC) - timedelta(minutes=k),
                geometry=point(),
            )
    lead = client(live_sqlite, "lead")
    assert shows(lead.get("/maps/overview").text, f"HEMLIG pågående {tag}")  # the owners see it
    for name, c in observers.items():
        for url in urls:
            status, text = _answer(c, url)
            assert (status, text) == before[name][url], f"{name}: {url} changed"
            assert tag not in text


def _answer(c: TestClient, url: str) -> tuple[int, str]:
    res = c.get(url)
    return res.status_code, res.text


def test_pages_render_the_same_bytes_twice(live_sqlite):
    planner = client(live_sqlite, "planner")
    assert planner.get("/maps/overview").text == planner.get("/maps/overview").text


def test_headers_keep_pages_private_and_code_local(live_sqlite):
    res = client(live_sqlite, "lead").get("/maps/presence")
    csp = res.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "img-src 'self' data: https://tile.openstreetmap.org" in csp
    (scripts,) = [d.strip() for d in csp.split(";") if d.strip().startswith("script-src ")]
    assert scripts.startswith("script-src 'self' 'sha256-") and "unsafe" not in scripts
    assert res.headers["cache-control"] == "private, no-store"
    assert res.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("role", "page", "status"),
    [
        ("public", "presence", 401),
        ("planner", "presence", 403),
        ("public", "gaps", 401),
        ("officer", "gaps", 200),
    ],
)
def test_permissions(live_sqlite, role, page, status):
    res = client(live_sqlite, role).get(f"/maps/{page}")
    assert res.status_code == status
    if status != 200:
        assert res.headers["content-type"].startswith("application/problem+json")


def test_a_stale_cookie_reads_as_the_public(live_sqlite):
    c = TestClient(live_sqlite.app, cookies={"tt_session": "no-such-token"})
    assert c.get("/maps/overview").status_code == 200
    assert c.get("/maps/presence").status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=2025H3", "period"),
        ("focus=NOPE", "focus"),
        ("finding=NOPE", "finding"),
        ("outcome=NOPE", "outcome"),
        ("zone=no_such_zone", "zone"),
        ("organisation=nobody", "organisation"),
        ("bbox=1,2,3", "bbox"),
        ("cell_m=1", "cell_m"),
        ("datetime=2025-01-01&period=2025H1", "period"),
    ],
)
def test_bad_filters_name_the_parameter(live_sqlite, query, field):
    res = client(live_sqlite, "planner").get(f"/maps/heatmap?{query}")
    assert res.status_code in (400, 422), res.text
    body = res.json()
    assert field in json.dumps(body)


def test_filters_narrow_the_map_and_are_listed(live_sqlite):
    lead = client(live_sqlite, "lead")
    everything = cell_counts(lead.get("/maps/heatmap").text)
    half = lead.get("/maps/heatmap?period=2025H1&outcome=ORDNINGSBOT&cell_m=250").text
    assert sum(cell_counts(half)) < sum(everything)
    assert shows(half, "Period: 2025H1") and shows(half, "Utfall: ordningsbot")
    assert shows(half, "Rutor på 250 m")
    assert shows(
        half, "/maps/overview?period=2025H1&outcome=ORDNINGSBOT&cell_m=250"
    )  # links keep the filters


def test_hexagons_and_records_options(live_sqlite):
    lead = client(live_sqlite, "lead")
    hexes = lead.get("/maps/hotspots?shape=hex&records=incidents").text
    assert shows(hexes, "Hot spots (Getis-Ord Gi*): händelser och synpunkter")
    layers = [json.loads(m.group(1))["features"] for m in FEATURES.finditer(hexes)]
    (cells,) = [fs for fs in layers if fs and "bin" in fs[0]["properties"]]
    ring = cells[0]["geometry"]["coordinates"][0]
    assert len(ring) == 7  # six corners, closed
    heat = lead.get("/maps/heatmap?shape=hex").text
    assert shows(heat, "Sexhörningar 100 m isär (SWEREF 99 TM).")
    assert all(
        len(f["geometry"]["coordinates"][0]) == 7 for f in json.loads(FEATURES.findall(heat)[-1])["features"]
    )


def test_vendor_route_serves_files_and_nothing_else(live_sqlite):
    c = client(live_sqlite, "public")
    res = c.get("/static/vendor/leaflet/leaflet.css")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/css")
    assert (
        c.get("/static/vendor/fontawesome/webfonts/fa-solid-900.woff2").headers["content-type"]
        == "font/woff2"
    )
    for path in (
        "/static/vendor/../__init__.py",
        "/static/vendor/%2e%2e/render.py",
        "/static/vendor/nope.js",
    ):
        assert c.get(path).status_code == 404, path
