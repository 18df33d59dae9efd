"""The Content-Security-Policy in a real Chromium: every page works under it, and it bites.

Each page is opened with a listener for ``securitypolicyviolation`` installed before any of the
page's own scripts run; a page passes when the map and its layers draw (the checks of
``test_pages``), no violation fired and the console shows no error or warning. Then an inline
script and an inline event handler are injected into a served page: both must be refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.web.conftest import LiveApp, Watched, screenshot, wait_for_map
from tests.web.test_pages import PERMISSION, check_page, expected_status

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`);
});
"""


class CspPages:
    """``open_page`` that also records CSP violations and every console warning."""

    def __init__(self, open_page: Callable[..., Watched]) -> None:
        self._open = open_page
        self.opened: list[tuple[Watched, list[str]]] = []

    def __call__(self, live: LiveApp | None, role: str = "public", **kw: Any) -> Watched:
        watched = self._open(live, role, **kw)
        console: list[str] = []
        watched.page.add_init_script(LISTEN)
        watched.page.on(
            "console",
            lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None,
        )
        self.opened.append((watched, console))
        return watched

    def assert_clean(self) -> None:
        for watched, console in self.opened:
            page = watched.page
            violations = page.evaluate("window.__csp || []") if not page.is_closed() else []
            assert violations == [], f"{page.url}: {violations}"
            # tiles are aborted on purpose (see conftest); anything else is a finding
            assert [c for c in console if "Failed to load resource" not in c] == [], f"{page.url}: {console}"


@pytest.fixture
def csp_pages(open_page: Callable[..., Watched]) -> CspPages:
    return CspPages(open_page)


def _policy(live: LiveApp, path: str) -> str:
    import httpx

    return httpx.get(live.url(path)).headers["content-security-policy"]


@pytest.mark.parametrize(
    ("page_name", "role"),
    [(p, r) for p in PERMISSION for r in ("public", "lead") if expected_status(p, r) == 200],
)
def test_map_pages_work_under_the_policy(live_sqlite, csp_pages, page_name, role):
    check_page(live_sqlite, csp_pages, page_name, role)  # map, layers, outlines, no console error
    csp_pages.assert_clean()


def test_time_slider_works_under_the_policy(live_sqlite, csp_pages):
    page = csp_pages(live_sqlite, "officer").page
    page.goto(live_sqlite.url("/maps/heatmap?step=month&period=2025H1"), wait_until="load")
    wait_for_map(page)
    page.locator(".timecontrol-forward").click()
    page.wait_for_function("document.querySelector('.timecontrol-date').innerText.trim() === '2025-02'")
    csp_pages.assert_clean()


@pytest.mark.parametrize("role", ["public", "officer"])
def test_landing_page_under_the_policy(live_sqlite, csp_pages, role):
    page = csp_pages(live_sqlite, role).page
    assert page.goto(live_sqlite.url("/"), wait_until="load").status == 200
    page.wait_for_timeout(300)
    screenshot(page, f"csp-landing-{role}")
    csp_pages.assert_clean()


def test_api_docs_render_under_the_policy(live_sqlite, csp_pages):
    watched = csp_pages(live_sqlite, "public")
    page = watched.page
    assert page.goto(live_sqlite.url("/docs"), wait_until="load").status == 200
    page.wait_for_selector(".opblock-tag", timeout=20_000)  # Swagger UI fetched /openapi.json and drew
    assert page.locator(".opblock").count() > 20
    screenshot(page, "csp-docs")
    assert watched.outside == []
    csp_pages.assert_clean()


def test_field_app_under_the_policy(live_sqlite, csp_pages):
    watched = csp_pages(live_sqlite, "officer")
    page = watched.page
    assert page.goto(live_sqlite.url("/falt"), wait_until="load").status == 200
    page.wait_for_timeout(1000)  # its scripts and service worker start
    screenshot(page, "csp-falt-officer")
    assert watched.outside_non_tiles() == []
    csp_pages.assert_clean()


def test_injected_inline_script_and_handler_are_blocked(live_sqlite, csp_pages):
    assert "unsafe-inline" not in _policy(live_sqlite, "/maps/overview").split("style-src")[0]
    page = csp_pages(live_sqlite, "lead").page
    page.goto(live_sqlite.url("/maps/overview"), wait_until="load")
    wait_for_map(page)
    page.evaluate(
        """() => {
          const s = document.createElement('script');
          s.textContent = 'window.__injected = 1';
          document.body.appendChild(s);
          const img = document.createElement('img');
          img.setAttribute('onerror', 'window.__handler = 1');
          img.src = 'data:,not-an-image';
          document.body.appendChild(img);
        }"""
    )
    page.wait_for_function("window.__csp.length >= 2")
    assert page.evaluate("window.__injected") is None and page.evaluate("window.__handler") is None
    directives = {v.split(" ")[0] for v in page.evaluate("window.__csp")}
    assert directives == {"script-src-elem", "script-src-attr"}, directives
    assert page.evaluate("typeof L") == "object"  # the page's own scripts ran
