"""Helpers for the field app's browser tests: phone and desktop contexts, sign-in through the
form, the outbox counter, and API reads made as the same officer with a bearer token."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.request import Request, urlopen

from tests.web.conftest import PASSWORD, LiveApp, Watched, _signed_in, _watch

SIZES: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 850}},
}
# Mjölby resecentrum; the position the emulated phone reports, with its accuracy in metres.
HERE = {"latitude": 58.32584, "longitude": 15.12861, "accuracy": 12}


@dataclass
class Field:
    """A browser context on the field app: its page, what it logged, and the app."""

    live: LiveApp
    context: Any
    watched: Watched

    @property
    def page(self) -> Any:
        """The page."""
        return self.watched.page

    def unsent(self) -> int:
        """The outbox counter in the header."""
        return int(self.page.locator("#unsent-count").inner_text())

    def wait_unsent(self, n: int, timeout: float = 20) -> None:
        """Wait until the header says ``n`` entries are unsent."""
        self.page.wait_for_function(
            "n => document.getElementById('unsent-count').textContent === String(n)",
            arg=n,
            timeout=timeout * 1000,
        )

    def wait_worker(self) -> None:
        """Wait until the service worker controls the page (the shell is then cached)."""
        self.page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")


def open_field(browser: Any, live: LiveApp, size: str = "phone", **extra: Any) -> Field:
    """A fresh context (own storage, own service worker) at ``size`` with the position granted."""
    context = browser.new_context(
        locale="sv-SE",
        geolocation={
            "latitude": HERE["latitude"],
            "longitude": HERE["longitude"],
            "accuracy": HERE["accuracy"],
        },
        permissions=["geolocation"],
        **SIZES[size],
        **extra,
    )
    page = context.new_page()
    watched = _watch(page, lambda u: u.startswith((live.base + "/", "data:")))
    return Field(live, context, watched)


def wait_view(page: Any, name: str, timeout: float = 20) -> None:
    """Wait for a view of the app; on a timeout say where the app is and what it keeps."""
    try:
        page.wait_for_selector(f"#view-{name}:not([hidden])", timeout=timeout * 1000)
    except Exception as exc:
        state = page.evaluate(
            "() => ({url: location.href, user: localStorage.getItem('tt.user'),"
            " ops: localStorage.getItem('tt.ops'), localOps: localStorage.getItem('tt.localOps')})"
        )
        raise AssertionError(f"view {name} not shown: {state}") from exc


def log_in(field: Field, role: str = "officer") -> None:
    """Open /falt and sign in through the form."""
    page = field.page
    page.goto(field.live.url("/falt"))
    page.fill("#login-user", field.live.users[role])
    page.fill("#login-pass", PASSWORD)
    page.click("#login-form button[type=submit]")
    wait_view(page, "ops")


_TOKENS: dict[tuple[str, str], str] = {}  # one login per server and role: logins are rate-limited


def signed_in(field: Field, browser: Any, role: str = "officer") -> None:
    """Open /falt already signed in: the session cookie of the shared per-role login and the name
    the app keeps after its own login (logins are rate-limited; the form is tested elsewhere)."""
    state = _signed_in(browser, field.live, role)
    field.context.add_cookies(state["cookies"])
    page = field.page
    page.goto(field.live.url("/falt"))
    wait_view(page, "login")
    page.evaluate(
        "u => localStorage.setItem('tt.user', JSON.stringify(u))",
        {"username": field.live.users[role], "role": role},
    )
    page.reload()
    wait_view(page, "ops")


def token(live: LiveApp, role: str = "officer") -> str:
    """A bearer token for the role's test user."""
    if (live.base, role) in _TOKENS:
        return _TOKENS[live.base, role]
    body = json.dumps({"username": live.users[role], "password": PASSWORD}).encode()
    req = Request(live.url("/api/v1/auth/login"), body, {"Content-Type": "application/json"})
    with urlopen(req, timeout=10) as res:
        _TOKENS[live.base, role] = json.load(res)["access_token"]
    return _TOKENS[live.base, role]


def api_get(live: LiveApp, path: str, role: str = "officer") -> Any:
    """GET an API path as ``role``; the JSON body."""
    req = Request(live.url(path), headers={"Authorization": f"Bearer {token(live, role)}"})
    with urlopen(req, timeout=10) as res:
        return json.load(res)


def api_post(live: LiveApp, path: str, body: dict, role: str = "officer") -> Any:
    """POST JSON as ``role``; the JSON body."""
    req = Request(
        live.url(path),
        json.dumps(body).encode(),
        {"Authorization": f"Bearer {token(live, role)}", "Content-Type": "application/json"},
    )
    with urlopen(req, timeout=10) as res:
        return json.load(res)


def ongoing_operation(live: LiveApp, title: str) -> dict:
    """An ongoing operation of the officer's organisation at the resecentrum, made through the API."""
    start = datetime.now(UTC) - timedelta(minutes=30)
    return api_post(
        live,
        "/api/v1/operations",
        {
            "title": f"{title} {uuid.uuid4().hex[:6]}",
            "focus": "A_TRAKTOR",
            "status": "ONGOING",
            "place_name": "Resecentrum",
            "geometry": {"type": "Point", "coordinates": [HERE["longitude"], HERE["latitude"]]},
            "actual_start": start.isoformat(),
            "officer_count": 2,
        },
    )


def checks_of(live: LiveApp, operation_id: str) -> list[dict]:
    """Every check of an operation, as the API lists them."""
    return api_get(live, f"/api/v1/checks?operation_id={operation_id}&limit=1000")["items"]


def eventually(probe: Any, timeout: float = 10) -> Any:
    """Poll ``probe`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


# What WCAG 2.1 AA asks that a script can check on the visible page: a label for every control,
# touch targets of at least 44 × 44 px, and text contrast (4.5:1; 3:1 for large text).
A11Y_PROBLEMS = """() => {
  const bad = [];
  const shown = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
  const name = el => el.id || el.getAttribute('data-code') || el.textContent.trim().slice(0, 30);
  document.querySelectorAll('input, select, textarea').forEach(el => {
    const labelled = (el.labels && el.labels.length) || el.getAttribute('aria-label');
    if (shown(el) && !labelled) bad.push('no label: ' + name(el));
  });
  document.querySelectorAll('button, a, summary, .leaflet-bar a').forEach(el => {
    if (!shown(el) || el.closest('.leaflet-control-attribution') || el.classList.contains('skip')) return;
    const r = el.getBoundingClientRect();
    const [w, h] = [Math.round(r.width), Math.round(r.height)];
    if (h < 44 || w < 44) bad.push(`small target: ${name(el)} ${w}x${h}`);
  });
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const linear = x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
  const lum = c => {
    const v = rgb(c).slice(0, 3).map(linear);
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const background = el => {
    for (let n = el; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor, a = rgb(c);
      if (a.length === 3 || (a.length === 4 && a[3] > 0.5)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  document.querySelectorAll('body *').forEach(el => {
    if (!shown(el) || el.closest('.leaflet-container') || el.closest('.skip')) return;
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) return;
    const s = getComputedStyle(el);
    const [a, b] = [lum(s.color), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) bad.push(`contrast ${ratio.toFixed(2)} < ${need}: ${name(el)}`);
  });
  return bad;
}"""
