"""Text typed into records is shown as typed in popups and tooltips and never runs.

The records of :class:`tests.web.conftest.Nasty` (a zone, a completed operation with its note
and place, a completed measure with its description) carry ``<img src=x onerror=…>``,
``${document.title='x'}``, backticks and backslashes. Popups and tooltips are opened by
clicking and hovering as a user would; afterwards ``window.__pwned`` must still be undefined,
the document title unchanged and the text exactly as typed.
"""

from __future__ import annotations

from tests.web.conftest import NASTY, screenshot, wait_for_map


def assert_nothing_ran(page, title: str) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == title
    assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img, .tt-box img").count() == 0


def open_xss_overview(live, open_page, role: str):
    watched = open_page(live, role)
    page = watched.page
    page.goto(live.url(f"/maps/overview?zone={live.nasty.zone}"), wait_until="load")
    wait_for_map(page)
    return watched, page, page.title()


def test_operation_popup_and_tooltip_show_the_text_as_typed(live_sqlite, open_page):
    watched, page, title = open_xss_overview(live_sqlite, open_page, "lead")
    marker = page.locator(".leaflet-marker-pane .awesome-marker")
    assert marker.count() == 1
    marker.hover()
    page.wait_for_selector(".leaflet-tooltip")
    assert page.locator(".leaflet-tooltip").inner_text().strip() == NASTY
    marker.click()
    page.wait_for_selector(".leaflet-popup-content")
    popup = page.locator(".leaflet-popup-content")
    assert popup.locator("h3").inner_text() == NASTY  # the title
    assert NASTY in popup.locator("dd").all_inner_texts()  # the place
    page.wait_for_timeout(400)  # the popup fades in
    screenshot(page, f"{live_sqlite.backend}-xss-operation-popup")
    assert_nothing_ran(page, title)
    assert watched.real_errors() == []


def test_measure_popup_shows_title_and_description_as_typed(live_sqlite, open_page):
    watched, page, title = open_xss_overview(live_sqlite, open_page, "planner")
    measure = page.locator(".leaflet-overlay-pane path.leaflet-interactive")
    assert measure.count() == 1
    measure.click(force=True)
    page.wait_for_selector(".leaflet-popup-content")
    cells = [c for c in page.locator(".leaflet-popup-content td").all_inner_texts() if c]
    assert cells[0] == NASTY  # title
    assert cells[-1] == NASTY  # description
    page.wait_for_timeout(400)
    screenshot(page, f"{live_sqlite.backend}-xss-measure-popup")
    assert_nothing_ran(page, title)
    assert watched.real_errors() == []


def test_public_sees_the_measure_title_but_no_free_text(live_sqlite, open_page):
    watched, page, title = open_xss_overview(live_sqlite, open_page, "public")
    assert page.locator(".leaflet-marker-pane .awesome-marker").count() == 0  # no operation at all
    page.locator(".leaflet-overlay-pane path.leaflet-interactive").click(force=True)
    page.wait_for_selector(".leaflet-popup-content")
    cells = [c for c in page.locator(".leaflet-popup-content td").all_inner_texts() if c]
    assert cells[0] == NASTY and cells.count(NASTY) == 1  # the title only; the description is withheld
    assert_nothing_ran(page, title)
    assert watched.real_errors() == []


def test_zone_tooltip_shows_the_name_as_typed(live_sqlite, open_page):
    watched, page, title = open_xss_overview(live_sqlite, open_page, "officer")
    zone = page.evaluate(
        """() => {
            const paths = [...document.querySelectorAll('.leaflet-ttOutlines-pane path.leaflet-interactive')];
            const boxes = paths.map(p => p.getBoundingClientRect())
                .filter(b => b.width > 50 && b.width < 1000 && b.left > 0 && b.top > 0);
            boxes.sort((a, b) => a.width - b.width);
            const b = boxes[0];
            return {x: b.left + b.width / 2, y: b.top + 1};
        }"""
    )
    page.mouse.move(zone["x"], zone["y"])
    page.wait_for_selector(".leaflet-tooltip")
    assert NASTY in page.locator(".leaflet-tooltip").inner_text()
    assert_nothing_ran(page, title)
    assert watched.real_errors() == []


def test_a_filter_value_shown_in_the_title_box_runs_nothing(live_sqlite, open_page):
    watched = open_page(live_sqlite, "planner")
    page = watched.page
    from urllib.parse import quote

    page.goto(live_sqlite.url(f"/maps/measures?status={quote(NASTY)}"), wait_until="load")
    wait_for_map(page)
    assert f"Status: {NASTY}" in page.locator(".tt-title").inner_text()
    for link in page.locator(".tt-title nav a").all():
        assert link.get_attribute("href").startswith("/maps/")
    assert_nothing_ran(page, "Trafiktrygg – Åtgärder")
    assert watched.real_errors() == []
