"""``trafiktrygg export map KIND --out FILE.html``: the same map as one file that works offline.

The file is opened from disk in Chromium with every request that is not ``file:`` or ``data:``
aborted: the map, its layers, markers (Font Awesome icons inlined) and legend must all draw.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from api.mapsweb.settings import get_map_settings
from api.settings import get_settings
from tests.web.conftest import NASTY, screenshot, wait_for_map


@pytest.fixture
def cli(live_sqlite, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The CLI on the live demo database."""
    monkeypatch.setenv("TRAFIKTRYGG_DATABASE_URL", live_sqlite.db_url)
    monkeypatch.delenv("TRAFIKTRYGG_MAP_TILES", raising=False)
    get_settings.cache_clear()
    get_map_settings.cache_clear()
    yield live_sqlite
    get_settings.cache_clear()
    get_map_settings.cache_clear()


def export(*args: object) -> object:
    return CliRunner().invoke(app, ["export", "map", *[str(a) for a in args]])


def test_public_heatmap_file_draws_offline(cli, tmp_path: Path, open_page):
    out = tmp_path / "heatmap.html"
    res = export("heatmap", "--out", out, "--period", "2025")
    assert res.exit_code == 0, res.output
    assert "public" in res.output
    html = out.read_text(encoding="utf-8")
    assert "/static/vendor/" not in html and "<script src=" not in html
    watched = open_page(None, local_files=True)
    watched.page.goto(out.as_uri(), wait_until="load")
    wait_for_map(watched.page)
    assert watched.page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() > 10
    assert "Publicerade siffror" in watched.page.locator(".tt-title").inner_text()
    screenshot(watched.page, "export-heatmap-public")
    assert watched.real_errors() == []
    assert watched.outside_non_tiles() == []


def test_lead_overview_file_with_markers_and_safe_popups(cli, tmp_path: Path, open_page):
    out = tmp_path / "overview.html"
    res = export(
        "overview",
        "--out",
        out,
        "--as-role",
        "lead",
        "--org",
        "polisen",
        "--zone",
        "xss_test",
        "--tiles",
        "none",
    )
    assert res.exit_code == 0, res.output
    watched = open_page(None, local_files=True)
    page = watched.page
    page.goto(out.as_uri(), wait_until="load")
    wait_for_map(page)
    title = page.title()
    marker = page.locator(".leaflet-marker-pane .awesome-marker")
    assert marker.count() == 1
    # the inlined Font Awesome font draws the icon (a glyph of real width, not an empty box)
    assert page.evaluate("document.fonts.check('900 14px \"Font Awesome 6 Free\"')")
    marker.click()
    page.wait_for_selector(".leaflet-popup-content h3")
    assert page.locator(".leaflet-popup-content h3").inner_text() == NASTY
    page.wait_for_timeout(400)
    screenshot(page, "export-overview-lead")
    assert page.evaluate("typeof window.__pwned") == "undefined" and page.title() == title
    assert watched.outside == []  # --tiles none: nothing at all was asked from outside the file
    assert watched.real_errors() == []


def test_export_refuses_what_the_role_may_not_see_and_bad_options(cli, tmp_path: Path):
    out = tmp_path / "x.html"
    for args, needle in [
        (["presence", "--out", out], "may not see the presence map"),
        (["gaps", "--out", out], "may not see the gaps map"),
        (["presence", "--out", out, "--as-role", "planner", "--org", "mjolby_kommun"], "may not see"),
        (["presence", "--out", out, "--as-role", "lead"], "--org"),
        (["nope", "--out", out], "unknown map"),
        (["heatmap", "--out", out, "--tiles", "ftp://x"], "tiles"),
        (["heatmap", "--out", out, "--period", "2025H3"], "period"),
        (["heatmap", "--out", out, "--focus", "NOPE"], "focus"),
    ]:
        res = export(*args)
        assert res.exit_code == 2, (args, res.output)
        assert needle in res.output, (args, res.output)
        assert not out.exists()


def test_plain_export_still_works(cli, tmp_path: Path):
    out = tmp_path / "zones.geojson"
    res = CliRunner().invoke(app, ["export", "zones", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists()
    helptext = CliRunner().invoke(app, ["export", "--help"]).output
    assert "export map KIND" in " ".join(helptext.split())
