"""Every map page for every role in a real Chromium with the outside network blocked.

For each page and role: the status the permission table gives; for an allowed role the Leaflet
map, every expected layer in the layer control, the layers drawn (SVG paths, markers), the
municipal and zone outlines drawn without tiles, no console or page error, no request outside
the app but the (aborted) tiles, and a screenshot in test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from api.mapsweb.settings import MapSettings
from api.permissions import allowed
from tests.web.conftest import ROLES, screenshot, wait_for_map

PERMISSION = {
    "overview": "public",
    "heatmap": "stats:read",
    "measures": "measures:read",
    "presence": "presence:read",
    "hotspots": "stats:read",
    "gaps": "checks:read",
}
OUTLINES = ["Kommungräns", "Områden"]
LAYERS = {
    "overview": [*OUTLINES, "Trafiksäkerhetsåtgärder", "Kontrollerade fordon", "Händelser och synpunkter"],
    "heatmap": [
        *OUTLINES,
        "Kontrollerade fordon",
        "Kontroller med anmärkning",
        "Händelser och synpunkter",
        "Kontrollerade fordon: täthet (utjämnad)",
    ],
    "measures": [*OUTLINES, "Trafiksäkerhetsåtgärder"],
    "presence": [*OUTLINES, "Närvaro"],
    "hotspots": [*OUTLINES, "Hot spots (Getis-Ord Gi*): kontrollerade fordon"],
    "gaps": [*OUTLINES, "Luckor: problem mot insatser"],
}
# Least SVG paths each page draws in the overlay pane (cells, measures) on the demo data.
MIN_PATHS = {"overview": 5, "heatmap": 20, "measures": 5, "presence": 20, "hotspots": 20, "gaps": 20}
QUERY = "?period=2025"


def expected_status(page: str, role: str) -> int:
    if allowed(role, PERMISSION[page]):
        return 200
    return 401 if role == "public" else 403


def layer_names(page) -> list[str]:
    return [t.strip() for t in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]


def check_page(live, open_page, page_name: str, role: str, query: str = QUERY) -> None:
    watched = open_page(live, role)
    page = watched.page
    response = page.goto(live.url(f"/maps/{page_name}{query}"), wait_until="load")
    status = expected_status(page_name, role)
    assert response.status == status, response.text()[:300]
    if status != 200:
        assert response.headers["content-type"].startswith("application/problem+json")
        return
    wait_for_map(page)
    names = layer_names(page)
    expected = LAYERS[page_name] + (
        ["Trafikinsatser"] if page_name == "overview" and role != "public" else []
    )
    assert sorted(names) == sorted(expected), names
    # outlines: municipality + resecentrum zones drawn as vectors above the cells, tiles or not
    assert page.locator(".leaflet-ttOutlines-pane path").count() >= 4
    paths = page.locator(".leaflet-overlay-pane path.leaflet-interactive").count()
    if page_name == "presence" and role == "admin":
        assert paths == 0  # presence is the police's: an admin of the kommun sees none
        assert "Inga data" in page.locator(".tt-legend").inner_text()
    else:
        assert paths >= MIN_PATHS[page_name], paths
    markers = page.locator(".leaflet-marker-pane .leaflet-marker-icon").count()
    if page_name == "overview":
        assert (markers > 0) == (role != "public"), markers  # the public never sees an operation
    assert page.locator(".tt-legend h2").count() >= 2
    assert page.locator(".tt-title h1").inner_text().startswith("Trafiktrygg")
    screenshot(page, f"{live.backend}-{page_name}-{role}")
    assert watched.real_errors() == []
    assert watched.outside_non_tiles() == []
    assert page.evaluate("typeof L") == "object"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page_name", list(PERMISSION))
def test_page_for_role_sqlite(live_sqlite, open_page, page_name, role):
    check_page(live_sqlite, open_page, page_name, role)


@pytest.mark.postgis
@pytest.mark.parametrize("role", ["lead", "public"])
@pytest.mark.parametrize("page_name", list(PERMISSION))
def test_page_for_role_postgis(live_postgis, open_page, page_name, role):
    check_page(live_postgis, open_page, page_name, role)


def test_tiles_were_asked_for_and_blocked_yet_the_map_draws(live_sqlite, open_page):
    watched = open_page(live_sqlite, "lead")
    watched.page.goto(live_sqlite.url("/maps/heatmap"), wait_until="load")
    wait_for_map(watched.page)
    watched.page.wait_for_timeout(500)
    assert watched.outside and all(u.startswith("https://tile.openstreetmap.org/") for u in watched.outside)
    assert watched.page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() > 20


def test_without_tiles_nothing_is_asked_from_outside(live_sqlite, open_page):
    live_sqlite.app.state.map_settings = MapSettings(tiles="none")
    try:
        watched = open_page(live_sqlite, "planner")
        watched.page.goto(live_sqlite.url("/maps/measures"), wait_until="load")
        wait_for_map(watched.page)
        assert watched.outside == []
        assert watched.page.locator(".leaflet-tile").count() == 0
        assert "Utan bakgrundskarta" in watched.page.locator(".tt-title").inner_text()
        screenshot(watched.page, f"{live_sqlite.backend}-measures-planner-no-tiles")
        assert watched.real_errors() == []
    finally:
        del live_sqlite.app.state.map_settings


def test_time_slider_steps_through_months(live_sqlite, open_page):
    watched = open_page(live_sqlite, "lead")
    page = watched.page
    page.goto(live_sqlite.url("/maps/heatmap?step=month&period=2025H1"), wait_until="load")
    wait_for_map(page)
    date = page.locator(".timecontrol-date")
    assert date.inner_text().strip() == "2025-01"
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 0")
    first = page.locator(".leaflet-overlay-pane path").count()
    page.locator(".timecontrol-forward").click()
    page.wait_for_function("document.querySelector('.timecontrol-date').innerText.trim() === '2025-02'")
    page.wait_for_timeout(500)
    assert page.locator(".leaflet-overlay-pane path").count() > 0 and first > 0
    screenshot(page, f"{live_sqlite.backend}-heatmap-time-lead")
    assert watched.real_errors() == []
    assert watched.outside_non_tiles() == []


def test_english_page(live_sqlite, open_page):
    watched = open_page(live_sqlite, "public")
    watched.page.goto(live_sqlite.url("/maps/hotspots?lang=en"), wait_until="load")
    wait_for_map(watched.page)
    assert "Zones" in layer_names(watched.page)
    legend = watched.page.locator(".tt-legend").inner_text()
    assert "Hot spot, 99% confidence" in legend and "Not significant" in legend
    assert watched.page.evaluate("document.documentElement.lang") == "en"
    assert watched.real_errors() == []


def test_popup_of_a_heat_cell_and_the_legend_are_readable(live_sqlite, open_page):
    watched = open_page(live_sqlite, "planner")
    page = watched.page
    page.goto(live_sqlite.url("/maps/heatmap"), wait_until="load")
    wait_for_map(page)
    page.locator(".leaflet-overlay-pane path.leaflet-interactive").first.hover(force=True)
    page.wait_for_selector(".leaflet-tooltip")
    assert "Antal" in page.locator(".leaflet-tooltip").inner_text()
    legend = page.locator(".tt-legend")
    assert legend.is_visible()
    box = legend.bounding_box()
    assert box and box["width"] > 150 and box["height"] > 80
