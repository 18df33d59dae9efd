"""Security headers on every kind of response, CORS only when configured, docs on/off, production mode.

The app is built from :func:`api.app.create_app` on a migrated SQLite file, as in production.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli.main import app as cli
from api.mapsweb.settings import MapSettings
from api.security.csp import SCRIPT_HASHES_HEADER, script_hash
from api.security.production import InsecureSettings
from api.settings import DEV_SECRET, Settings, get_settings
from tests.conftest import missing_service
from traffic.storage.migrate import upgrade

STRONG = "k3Jq9-ZtW2rXo8LbV4mNc7YpHs1FgD6eAu0QiTy5"  # 40 varied characters
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sec') / 'sec.sqlite'}"
    upgrade(url)
    return url


def make_client(db: str, *, https: bool = False, **settings: object) -> TestClient:
    app = create_app(Settings(database_url=db, pseudonym_secret=STRONG, **settings))  # type: ignore[arg-type]
    base = "https://testserver" if https else "http://testserver"
    return TestClient(app, base_url=base, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    with make_client(db) as c:
        yield c


def directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        name, *values = part.split()
        assert name not in out, f"{name} twice"
        out[name] = values
    return out


def assert_locked_down(res, *, tls: bool = False) -> dict[str, list[str]]:
    h = res.headers
    csp = directives(h["content-security-policy"])
    assert csp["script-src"][0] == "'self'"
    assert all(t.startswith("'sha256-") for t in csp["script-src"][1:]), csp["script-src"]
    assert csp["script-src-attr"] == ["'none'"]
    assert csp["default-src"] == ["'self'"] and csp["connect-src"] == ["'self'"]
    assert csp["worker-src"] == ["'self'"] and csp["manifest-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert not any("unsafe" in t for k, v in csp.items() if k != "style-src" for t in v)
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"
    assert "geolocation=(self)" in h["permissions-policy"] and "camera=()" in h["permissions-policy"]
    assert h["x-frame-options"] == "DENY"
    assert ("strict-transport-security" in h) == tls
    assert SCRIPT_HASHES_HEADER not in h
    assert len(h.get_list("content-security-policy")) == 1
    return csp


def test_json(client):
    res = client.get("/healthz")
    assert res.status_code == 200 and res.headers["content-type"] == "application/json"
    csp = assert_locked_down(res)
    assert csp["script-src"] == ["'self'"]  # no inline script allowed where none was written
    assert csp["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]


def test_problem_json(client):
    res = client.get("/api/v1/checks")
    assert res.status_code == 401 and res.headers["content-type"].startswith("application/problem+json")
    assert_locked_down(res)


def test_not_found(client):
    res = client.get("/ingen/sadan/sida")
    assert res.status_code == 404
    assert_locked_down(res)


def test_body_too_large_still_413_with_headers(db):
    with make_client(db, max_body_bytes=100) as c:
        res = c.post("/api/v1/auth/login", content=b"x" * 500, headers={"content-type": "application/json"})
    assert res.status_code == 413 and res.headers["content-type"] == "application/problem+json"
    assert_locked_down(res)


def test_server_error_carries_headers_too(db):
    c = make_client(db)

    def boom() -> None:
        raise RuntimeError("test-only crash")

    c.app.add_api_route("/test-only-boom", boom)
    res = c.get("/test-only-boom")
    assert res.status_code == 500
    assert_locked_down(res)


def test_landing_page_html(client):
    res = client.get("/")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    csp = assert_locked_down(res)
    # whatever inline scripts the page has must be hashed, and nothing else
    assert sorted(csp["script-src"][1:]) == sorted({script_hash(s) for s in INLINE_SCRIPT.findall(res.text)})


def test_map_page_allows_exactly_its_own_inline_scripts(client):
    res = client.get("/maps/overview")
    assert res.status_code == 200
    csp = assert_locked_down(res)
    scripts = INLINE_SCRIPT.findall(res.text)
    assert len(scripts) >= 2 and len(scripts[-1]) > 1000  # folium's switches and its big map script
    assert sorted(csp["script-src"][1:]) == sorted({script_hash(s) for s in scripts})
    assert res.headers["cache-control"] == "private, no-store"


def test_static_file(client):
    res = client.get("/static/vendor/leaflet/leaflet.js")
    if res.status_code == 404:
        missing_service("map assets not installed: run `make venv`")  # fails with CI=true
    assert res.status_code == 200
    assert_locked_down(res)
    assert res.headers["x-content-type-options"] == "nosniff"  # once, not twice
    assert len(res.headers.get_list("x-content-type-options")) == 1


def test_img_src_follows_the_tile_setting(db):
    c = make_client(db)
    c.app.state.map_settings = MapSettings(tiles="none")
    assert directives(c.get("/healthz").headers["content-security-policy"])["img-src"] == ["'self'", "data:"]
    c.app.state.map_settings = MapSettings(tiles="https://karta.mjolby.se/tiles/{z}/{x}/{y}.png")
    img = directives(c.get("/healthz").headers["content-security-policy"])["img-src"]
    assert img == ["'self'", "data:", "https://karta.mjolby.se"]


def test_hsts_only_over_tls(db):
    assert "strict-transport-security" not in make_client(db).get("/healthz").headers
    res = make_client(db, https=True).get("/healthz")
    assert_locked_down(res, tls=True)
    assert res.headers["strict-transport-security"].startswith("max-age=31536000")


PREFLIGHT = {"Origin": "https://karta.example.se", "Access-Control-Request-Method": "POST"}


def test_no_cors_by_default(client):
    pre = client.options("/api/v1/checks", headers=PREFLIGHT)
    assert not [k for k in pre.headers if k.startswith("access-control-")]
    res = client.get("/healthz", headers={"Origin": "https://karta.example.se"})
    assert not [k for k in res.headers if k.startswith("access-control-")]


def test_cors_for_exactly_the_configured_origins(db):
    c = make_client(db, cors_origins="https://karta.example.se, http://localhost:5173/")
    pre = c.options(
        "/api/v1/checks", headers={**PREFLIGHT, "Access-Control-Request-Headers": "authorization"}
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "https://karta.example.se"
    assert "authorization" in pre.headers["access-control-allow-headers"].lower()
    assert_locked_down(pre)
    res = c.get("/healthz", headers={"Origin": "http://localhost:5173"})
    assert res.headers["access-control-allow-origin"] == "http://localhost:5173"
    other = c.get("/healthz", headers={"Origin": "https://ond.example.com"})
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-credentials" not in res.headers  # bearer tokens, no cookies


@pytest.mark.parametrize("bad", ["*", "karta.example.se", "https://x.se/path", "javascript:alert(1)"])
def test_cors_setting_must_be_origins(db, bad):
    with pytest.raises(InsecureSettings, match="TRAFIKTRYGG_CORS_ORIGINS"):
        create_app(Settings(database_url=db, cors_origins=bad))


def test_docs_on_are_self_hosted(client):
    res = client.get("/docs")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    csp = assert_locked_down(res)
    assets = re.findall(r'(?:src|href)="([^"]+)"', res.text)
    assert assets and all(a.startswith("/static/swagger/") for a in assets), assets
    assert "cdn" not in res.text.lower()
    scripts = INLINE_SCRIPT.findall(res.text)
    assert scripts and csp["script-src"][1:] == [script_hash(s) for s in scripts]
    for url in assets:
        got = client.get(url)
        assert got.status_code == 200 and len(got.content) > 500, url
        assert_locked_down(got)
    assert client.get("/static/swagger/index.html").status_code == 404  # only the listed files
    assert client.get("/static/swagger/..%2F..%2F__init__.py").status_code == 404
    assert client.get("/redoc").status_code == 404
    rels = {link["rel"]: link["href"] for link in client.get("/ogc").json()["links"]}
    assert rels["service-doc"].endswith("/docs") and rels["service-desc"].endswith("/openapi.json")


def test_docs_off(db):
    c = make_client(db, docs=False)
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect", "/static/swagger/swagger-ui-bundle.js"):
        res = c.get(path)
        assert res.status_code == 404, path
        assert_locked_down(res)
    assert c.get("/openapi.json").status_code == 200  # the OGC landing page's service-desc
    rels = {link["rel"] for link in c.get("/ogc").json()["links"]}
    assert "service-desc" in rels and "service-doc" not in rels


@pytest.mark.parametrize(
    ("secret", "why"),
    [(DEV_SECRET, "default development secret"), ("kort-hemlighet", "too weak"), ("a" * 64, "too weak")],
)
def test_production_refuses_default_or_weak_secret(db, secret, why):
    with pytest.raises(InsecureSettings, match=why) as info:
        create_app(Settings(database_url=db, production=True, pseudonym_secret=secret))
    message = str(info.value)
    assert "TRAFIKTRYGG_PSEUDONYM_SECRET" in message and "\n" not in message


def test_production_starts_with_a_strong_secret_and_dev_mode_with_the_default(db):
    assert create_app(Settings(database_url=db, production=True, pseudonym_secret=STRONG))
    assert create_app(Settings(database_url=db, pseudonym_secret=DEV_SECRET))


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch, db: str) -> Iterator[list]:
    started: list = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append((app, kw)))
    monkeypatch.setenv("TRAFIKTRYGG_DATABASE_URL", db)
    monkeypatch.setenv("TRAFIKTRYGG_PRODUCTION", "true")
    monkeypatch.delenv("TRAFIKTRYGG_PSEUDONYM_SECRET", raising=False)
    get_settings.cache_clear()
    yield started
    get_settings.cache_clear()


def test_serve_in_production_with_default_secret_is_one_line_and_exit_2(no_server):
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2, result.output
    out = result.output.strip()
    assert "TRAFIKTRYGG_PSEUDONYM_SECRET" in out and "TRAFIKTRYGG_PRODUCTION" in out
    assert "Traceback" not in out and len(out.splitlines()) == 1, out
    assert no_server == []


def test_serve_in_production_with_many_workers_refuses_before_any_starts(no_server):
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"])
    assert result.exit_code == 2 and no_server == []


def test_serve_in_production_with_a_strong_secret_starts(no_server, monkeypatch):
    monkeypatch.setenv("TRAFIKTRYGG_PSEUDONYM_SECRET", STRONG)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert len(no_server) == 1 and no_server[0][1]["port"] == 8123
