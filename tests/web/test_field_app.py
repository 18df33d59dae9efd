"""The field app at /falt in a real Chromium, at phone size (touch) and desktop size.

Outside requests are aborted (map tiles included). Every test signs in through the form,
logs through the taps an officer would make, and reads the result back from the API.
"""

from __future__ import annotations

import json
import re
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.web.conftest import ROOT, _watch, screenshot
from tests.web.field_helpers import (
    A11Y_PROBLEMS,
    HERE,
    api_get,
    checks_of,
    eventually,
    log_in,
    ongoing_operation,
    open_field,
    signed_in,
    wait_view,
)

OFFLINE = "net::ERR_INTERNET_DISCONNECTED"  # the console's note of a request made while offline (expected)
METRICS = ROOT / "test-artifacts" / "field-app-metrics.json"


@pytest.fixture
def fields(browser):
    """``fields(live, size)`` → a fresh field-app context; all closed at the end."""
    made = []

    def make(live, size="phone", **extra):
        field = open_field(browser, live, size, **extra)
        made.append(field)
        return field

    yield make
    for field in made:
        assert not field.watched.outside_non_tiles(), field.watched.outside_non_tiles()
        errors = [e for e in field.watched.real_errors() if not e.endswith(OFFLINE)]
        assert not errors, errors
        field.context.close()


def chip(page, group: str, code: str):
    return page.locator(f"#{group} .chip[data-code='{code}']")


def open_operation(field, op_id: str) -> None:
    field.page.click(f"#op-list a[data-op='{op_id}']")
    wait_view(field.page, "op")


@pytest.mark.parametrize("backend", ["live_sqlite", "live_postgis"])
def test_check_logged_offline_survives_a_reload_and_arrives_once(request, fields, backend):
    live = request.getfixturevalue(backend)
    field = fields(live, "phone")
    page = field.page
    log_in(field)
    field.wait_worker()
    screenshot(page, "falt-ops-phone")

    # start an operation at "my position" (the emulated phone: resecentrum, ±12 m)
    page.click("#view-ops a[href='#newop']")
    wait_view(page, "newop")
    page.fill("#op-title", "Fältapp A-traktorkontroll")
    page.click("#op-locate")
    page.wait_for_function("() => document.getElementById('op-pos').textContent.includes('±12 m')")
    page.click("#op-form button[type=submit]")
    wait_view(page, "op")
    op_id = page.evaluate("location.hash").split("/")[1]
    field.wait_unsent(0)
    op = api_get(live, f"/api/v1/operations/{op_id}")
    assert op["status"] == "ONGOING" and op["geometry"]["coordinates"] == [
        HERE["longitude"],
        HERE["latitude"],
    ]

    field.context.set_offline(True)
    page.wait_for_selector("#net:not([hidden])")
    chip(page, "check-type", "A_TRAKTOR").tap()
    chip(page, "check-outcomes", "ORDNINGSBOT").tap()
    page.click("#check-findings summary")
    chip(page, "check-findings", "LGF").tap()
    page.select_option("#c-lgf", "false")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#toast:has-text('Sparad i telefonen')")
    assert field.unsent() == 1
    screenshot(page, f"falt-saved-offline-phone-{backend}")

    response = page.reload()
    assert response is not None and response.from_service_worker
    wait_view(page, "op")
    assert field.unsent() == 1
    assert page.locator("#recent .state.pending").count() == 1
    # closing the tab loses nothing either: a new tab, still offline, finds the entry waiting
    url = page.url
    page.close()
    field.watched = _watch(field.context.new_page(), lambda u: u.startswith((live.base + "/", "data:")))
    page = field.page
    page.goto(url)
    wait_view(page, "op")
    assert field.unsent() == 1

    field.context.set_offline(False)
    field.wait_unsent(0)
    checks = eventually(lambda: checks_of(live, op_id))
    assert len(checks) == 1
    (check,) = checks
    assert check["vehicle_type"] == "A_TRAKTOR"
    assert check["outcomes"] == ["ORDNINGSBOT"] and check["findings"] == ["LGF"]
    assert check["lgf_sign_ok"] is False
    assert check["geometry"]["coordinates"] == [HERE["longitude"], HERE["latitude"]]
    entry_ids = page.evaluate("TT.store.all().then(rows => rows.map(r => r.id))")
    assert check["id"] in entry_ids  # the client's UUID is the record's id


def test_entry_sent_twice_after_a_dropped_response_is_one_record(live_sqlite, fields, browser):
    live = live_sqlite
    op = ongoing_operation(live, "Tappat svar")
    field = fields(live, "phone")
    page = field.page
    signed_in(field, browser)
    posts: list[int] = []

    def drop_first_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        if not posts:
            res = route.fetch()  # the server stores the check ...
            posts.append(res.status)
            route.abort()  # ... and the phone never hears back
        else:
            res = route.fetch()
            posts.append(res.status)
            route.fulfill(response=res)
            replayed.append(res.headers.get("idempotent-replayed"))

    replayed: list[str | None] = []
    page.route("**/api/v1/checks", drop_first_answer)
    open_operation(field, op["id"])
    chip(page, "check-type", "MOPED_I").tap()
    chip(page, "check-outcomes", "TILLSAGELSE").tap()
    page.click("#check-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('unsent-count').textContent === '1'")
    for _ in range(100):  # page.wait_for_timeout lets Playwright run the route handler meanwhile
        if posts:
            break
        page.wait_for_timeout(100)
    assert posts == [201]
    assert len(checks_of(live, op["id"])) == 1  # stored although the phone still counts it unsent
    page.click("#outbox-link")
    page.click("#sync-btn")  # "Skicka nu" instead of waiting for the backoff
    field.wait_unsent(0)
    assert posts == [201, 201] and replayed == ["true"]
    (check,) = checks_of(live, op["id"])
    assert check["vehicle_type"] == "MOPED_I" and check["outcomes"] == ["TILLSAGELSE"]

    # ending the operation (a PATCH of status and the phone's end time) repeated after a lost answer
    ends: list[int] = []

    def drop_first_end(route):
        res = route.fetch()
        ends.append(res.status)
        if len(ends) == 1:
            route.abort()
        else:
            route.fulfill(response=res)

    page.route(f"**/api/v1/operations/{op['id']}", drop_first_end)
    page.goto(live.url(f"/falt#op/{op['id']}"))
    wait_view(page, "op")
    page.once("dialog", lambda d: d.accept())
    page.click("#end-op-btn")
    wait_view(page, "ops")
    for _ in range(100):
        if ends:
            break
        page.wait_for_timeout(100)
    page.click("#outbox-link")
    page.click("#sync-btn")
    field.wait_unsent(0)
    assert ends == [200, 200]
    done = api_get(live, f"/api/v1/operations/{op['id']}")
    assert done["status"] == "COMPLETED" and done["actual_end"] is not None
    field.watched.errors[:] = [
        e for e in field.watched.errors if "ERR_FAILED" not in e
    ]  # the dropped answers


def test_tally_of_seven_without_remark_and_two_fines_shows_in_the_statistics(live_sqlite, fields, browser):
    live = live_sqlite
    op = ongoing_operation(live, "Snabbkontroll")
    field = fields(live, "phone")
    page = field.page
    signed_in(field, browser)
    open_operation(field, op["id"])
    page.click("#mode-tally")
    for _ in range(7):
        page.locator("#tally-rows .tally-row[data-code='UTAN_ANMARKNING'] .plus").tap()
    for _ in range(3):
        page.locator("#tally-rows .tally-row[data-code='ORDNINGSBOT'] .plus").tap()
    page.locator("#tally-rows .tally-row[data-code='ORDNINGSBOT'] .minus").tap()
    assert page.locator("#tally-total").inner_text() == "9 fordon"
    screenshot(page, "falt-tally-phone")
    page.click("#tally-form button[type=submit]")
    page.wait_for_selector("#toast:has-text('Sparad i telefonen')")
    field.wait_unsent(0)
    assert page.locator("#tally-total").inner_text() == "0 fordon"  # ready for the next round
    stats = api_get(live, f"/api/v1/stats/checks?group_by=outcome&operation_id={op['id']}")
    counts = {g["key"]: g["count"] for g in stats["groups"]}
    assert counts == {"UTAN_ANMARKNING": 7, "ORDNINGSBOT": 2}
    assert stats["total"]["count"] == 9 and stats["includes_tallies"]
    (tally,) = api_get(live, f"/api/v1/tallies?operation_id={op['id']}")["items"]
    assert tally["counts"] == {"UTAN_ANMARKNING": 7, "ORDNINGSBOT": 2}

    # the control is over: end the operation (offline, so its end time is the phone's, not the sync's)
    field.context.set_offline(True)
    page.once("dialog", lambda d: d.accept())
    page.click("#end-op-btn")
    wait_view(page, "ops")
    ended_at = page.evaluate("new Date().toISOString()")
    assert page.locator(f"#op-list a[data-op='{op['id']}']").count() == 0
    assert field.unsent() == 1
    page.wait_for_timeout(1500)
    field.context.set_offline(False)
    field.wait_unsent(0)
    done = api_get(live, f"/api/v1/operations/{op['id']}")
    assert done["status"] == "COMPLETED" and done["actual_end"] < ended_at


def test_presence_check_in_and_out_online_and_offline(live_sqlite, fields, browser):
    live = live_sqlite
    field = fields(live, "phone")
    page = field.page
    signed_in(field, browser)
    page.click("#view-ops a[href='#presence']")
    wait_view(page, "presence")
    page.wait_for_function("() => document.querySelectorAll('#p-zone option').length > 0")
    zone = page.locator("#p-zone option").first  # the resecentrum zones come first
    zone_id, zone_name = zone.get_attribute("value"), zone.inner_text()
    assert "resecentrum" in zone_name.lower()
    page.fill("#p-unit", "Mjölby 2140")
    page.click("#presence-form button[type=submit]")
    page.wait_for_selector("#presence-open:not([hidden])")
    screenshot(page, "falt-presence-checked-in-phone")
    field.wait_unsent(0)
    first = page.evaluate("JSON.parse(localStorage.getItem('tt.presenceOpen')).id")
    # the check-out's first answer is lost; its repeat is refused as "already checked out",
    # which the app counts as done rather than as a rejected entry
    outs: list[int] = []

    def drop_first_answer(route):
        res = route.fetch()
        outs.append(res.status)
        route.abort() if len(outs) == 1 else route.fulfill(response=res)

    page.route("**/api/v1/presence/*/checkout", drop_first_answer)
    page.click("#checkout-btn")
    page.wait_for_selector("#presence-form:not([hidden])")
    for _ in range(100):
        if outs:
            break
        page.wait_for_timeout(100)
    assert field.unsent() == 1
    page.click("#outbox-link")
    page.click("#sync-btn")
    field.wait_unsent(0)
    assert outs == [200, 422] and page.locator("#outbox-list li").count() == 0
    page.go_back()
    wait_view(page, "presence")
    online = api_get(live, f"/api/v1/presence/{first}")
    assert online["kind"] == "ZONE_CHECKIN" and online["zone_id"] == zone_id
    assert online["unit"] == "Mjölby 2140" and online["end_at"] is not None

    # offline: check in and out with no network; one session with both times arrives later
    field.context.set_offline(True)
    page.click("#presence-form button[type=submit]")  # the unit is remembered
    page.wait_for_selector("#presence-open:not([hidden])")
    second = page.evaluate("JSON.parse(localStorage.getItem('tt.presenceOpen')).id")
    page.click("#checkout-btn")
    page.wait_for_selector("#presence-form:not([hidden])")
    assert field.unsent() == 1
    field.context.set_offline(False)
    field.wait_unsent(0)
    offline = api_get(live, f"/api/v1/presence/{second}")
    field.watched.errors[:] = [e for e in field.watched.errors if "ERR_FAILED" not in e and "422" not in e]
    assert offline["start_at"] < offline["end_at"] and offline["zone_id"] == zone_id


def focused(page) -> str:
    return page.evaluate(
        "document.activeElement.id || document.activeElement.getAttribute('data-code') || ''"
    )


def tab_until(page, condition: str, limit: int = 80) -> None:
    """Press Tab until ``condition`` holds for the focused element, which must show a focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(condition):
            ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert ring != "none", f"no visible focus: {condition}"
            return
    raise AssertionError(f"Tab never reached: {condition}")


def tab_to(page, target: str) -> None:
    """Press Tab until the element with id or data-code ``target`` has the focus."""
    tab_until(
        page,
        f"(document.activeElement.id || document.activeElement.getAttribute('data-code')) === '{target}'",
    )


def test_keyboard_only_check(live_sqlite, fields):
    live = live_sqlite
    op = ongoing_operation(live, "Tangentbord")
    field = fields(live, "desktop")
    page = field.page
    page.goto(live.url("/falt"))
    wait_view(page, "login")
    tab_to(page, "login-user")
    page.keyboard.type(live.users["officer"])
    page.keyboard.press("Tab")
    assert focused(page) == "login-pass"
    page.keyboard.type("webbtestens-langa-losenord")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#op-list a[data-op='{op['id']}']")
    tab_until(page, f"document.activeElement.getAttribute('data-op') === '{op['id']}'")
    page.keyboard.press("Enter")
    wait_view(page, "op")
    tab_to(page, "CAR")
    page.keyboard.press("Space")
    tab_to(page, "RAPPORTEFTERGIFT")
    page.keyboard.press("Enter")
    screenshot(page, "falt-keyboard-desktop")
    tab_until(page, "document.activeElement.matches('#check-form button[type=submit]')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#toast:has-text('Sparad i telefonen')")
    field.wait_unsent(0)
    (check,) = checks_of(live, op["id"])
    assert check["vehicle_type"] == "CAR" and check["outcomes"] == ["RAPPORTEFTERGIFT"]


def test_rejected_entry_shows_the_reason_and_can_be_fixed_or_discarded(live_sqlite, fields, browser):
    live = live_sqlite
    op = ongoing_operation(live, "Avvisad")
    field = fields(live, "phone")
    page = field.page
    signed_in(field, browser)
    open_operation(field, op["id"])
    # a fine without the outcome "ordningsbot": the server refuses it (the form lets it through)
    chip(page, "check-type", "A_TRAKTOR").tap()
    page.click("#more-details summary")
    page.fill("#c-fine", "1500")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#recent .state.rejected")
    assert field.unsent() == 1
    page.click("#outbox-link")
    entry = page.locator("#outbox-list li[data-status='rejected']")
    assert "fine_amount_sek" in entry.inner_text() and "ORDNINGSBOT" in entry.inner_text()
    screenshot(page, "falt-outbox-rejected-phone")
    entry.get_by_role("button", name="Rätta").tap()
    page.wait_for_selector("#fixing:not([hidden])")
    assert page.input_value("#c-fine") == "1500"
    chip(page, "check-outcomes", "ORDNINGSBOT").tap()
    page.click("#check-form button[type=submit]")
    field.wait_unsent(0)
    (check,) = checks_of(live, op["id"])
    assert check["outcomes"] == ["ORDNINGSBOT"] and check["fine_amount_sek"] == 1500

    # another refused entry, discarded: nothing arrives
    page.goto(live.url(f"/falt#op/{op['id']}"))
    wait_view(page, "op")
    chip(page, "check-type", "CAR").tap()
    page.click("#more-details summary")
    page.fill("#c-fine", "500")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#recent .state.rejected")
    page.click("#outbox-link")
    page.once("dialog", lambda d: d.accept())
    page.locator("#outbox-list li[data-status='rejected']").get_by_role("button", name="Släng").tap()
    field.wait_unsent(0)
    assert len(checks_of(live, op["id"])) == 1
    field.watched.errors[:] = [e for e in field.watched.errors if "422" not in e]  # the refusals


def test_page_weight_and_time_to_interactive_on_a_slow_phone(live_sqlite, fields):
    """First load of /falt on ~400 kbit/s with 400 ms latency and a 4× slower CPU."""
    live = live_sqlite
    field = fields(live, "phone")
    page = field.page
    cdp = field.context.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = 400_000 / 8  # bytes per second
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": rate, "uploadThroughput": rate},
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(live.url("/falt"), wait_until="commit")
    page.wait_for_function("() => window.TT && TT.readyAt", timeout=30_000)
    interactive_s = page.evaluate("TT.readyAt") / 1000  # since navigation start
    page.wait_for_load_state("load")
    field.wait_worker()
    load_s = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000
    page_bytes = sum(sizes.values())
    # What the service worker keeps for offline use (fetched in the background, after interactive).
    precache = page.evaluate(
        """async () => {
          const c = await caches.open((await caches.keys()).find(k => k.startsWith('tt-falt-')));
          let n = 0;
          for (const r of await c.keys()) n += (await (await c.match(r)).arrayBuffer()).byteLength;
          return n;
        }"""
    )
    # A later start with the shell in the worker's cache, still on the slow network.
    sizes.clear()
    page.reload(wait_until="commit")
    page.wait_for_function("() => window.TT && TT.readyAt", timeout=30_000)
    repeat_s = page.evaluate("TT.readyAt") / 1000
    metrics = {
        "network": {"download_kbit_s": 400, "upload_kbit_s": 400, "latency_ms": 400, "cpu_slowdown": 4},
        "viewport": "390x844 phone, touch",
        "first_load_bytes": page_bytes,
        "first_load_requests": len(urls),
        "time_to_interactive_s": round(interactive_s, 2),
        "load_event_s": round(load_s, 2),
        "offline_cache_bytes": precache,
        "repeat_load_time_to_interactive_s": round(repeat_s, 2),
    }
    METRICS.parent.mkdir(parents=True, exist_ok=True)
    METRICS.write_text(json.dumps(metrics, indent=2) + "\n")
    print("field app metrics:", json.dumps(metrics))
    assert page_bytes < 500_000, metrics
    assert interactive_s < 10, metrics
    assert repeat_s < interactive_s, metrics  # served by the service worker


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_view_labelled_touch_sized_with_contrast_and_screenshots(live_sqlite, fields, size):
    live = live_sqlite
    op = ongoing_operation(live, "Skärmbild")
    field = fields(live, size)
    page = field.page

    def check(view: str) -> None:
        page.wait_for_timeout(150)
        problems = page.evaluate(A11Y_PROBLEMS)
        assert not problems, (view, size, problems)
        screenshot(page, f"falt-{view}-{size}")

    page.goto(live.url("/falt"))
    wait_view(page, "login")
    check("login")
    page.click("#lang-btn")  # English, kept across a reload
    assert page.inner_text("#h-login") == "Log in"
    page.reload()
    wait_view(page, "login")
    assert page.inner_text("#h-login") == "Log in" and page.evaluate("document.documentElement.lang") == "en"
    check("login-en")
    page.click("#lang-btn")
    assert page.inner_text("#h-login") == "Logga in"
    log_in(field)
    check("ops")
    page.click("#view-ops a[href='#newop']")
    page.wait_for_selector("#op-map.leaflet-container")
    page.click("#op-locate")
    page.wait_for_function("() => document.getElementById('op-pos').textContent.includes('±')")
    check("newop")
    # or a tap on the map: the operation is placed there
    box = page.locator("#op-map").bounding_box()
    page.locator("#op-map").click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.6})
    page.wait_for_selector("#op-pos:has-text('Position vald på kartan')")
    page.click("#op-form button[type=submit]")
    wait_view(page, "op")
    tapped = page.evaluate("location.hash").split("/")[1]
    field.wait_unsent(0)
    lon, lat = api_get(live, f"/api/v1/operations/{tapped}")["geometry"]["coordinates"]
    assert lon > HERE["longitude"] and lat < HERE["latitude"]  # right of and below the marker
    page.goto(live.url(f"/falt#op/{op['id']}"))
    wait_view(page, "op")
    chip(page, "check-type", "A_TRAKTOR").click()
    assert page.is_visible("#atraktor")
    chip(page, "check-type", "CAR").click()
    assert not page.is_visible("#atraktor")  # A-traktor fields only for A-traktorer
    chip(page, "check-type", "A_TRAKTOR").click()
    check("op-check")
    pressed = page.get_by_role("button", name="A-traktor", exact=True)  # the tick is not in the name
    assert pressed.get_attribute("aria-pressed") == "true"
    page.click("#lang-btn")  # switching language keeps what is chosen
    assert chip(page, "check-type", "A_TRAKTOR").get_attribute("aria-pressed") == "true"
    assert chip(page, "check-type", "A_TRAKTOR").inner_text() == "A-tractor"
    assert page.inner_text("#check-form button[type=submit]") == "Save check"
    check("op-check-en")
    page.click("#lang-btn")
    page.click("#mode-tally")
    check("op-tally")
    page.click("#view-op .crumbs a")
    page.click("#view-ops a[href='#presence']")
    page.wait_for_function("() => document.querySelectorAll('#p-zone option').length > 0")
    check("presence")
    page.click("#outbox-link")
    wait_view(page, "outbox")
    check("outbox")


def test_shell_manifest_worker_and_files_over_http(live_sqlite):
    """What the browser tests take for granted, at the HTTP level."""
    live = live_sqlite

    def get(path: str):
        with urlopen(live.url(path), timeout=10) as res:
            return res.status, res.headers, res.read()

    status, headers, body = get("/falt")
    html = body.decode()
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    assert "onclick" not in html and "<script>" not in html  # data block and files only (strict CSP)
    config = json.loads(
        re.search(r'<script id="tt-config" type="application/json">(.*?)</script>', html).group(1)
    )
    assert {"A_TRAKTOR", "CAR"} <= {t["code"] for t in config["vocab"]["vehicle_type"]}
    assert {t["code"]: t["sv"] for t in config["vocab"]["outcome"]}["UTAN_ANMARKNING"] == "utan anmärkning"
    _, headers, body = get("/falt/sw.js")
    assert headers["Service-Worker-Allowed"] == "/falt" and headers["Content-Type"].startswith(
        "text/javascript"
    )
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body.decode()).group(1))
    assert "/falt" in precache and "/static/vendor/leaflet/leaflet.js" in precache
    for path in precache:  # everything the worker keeps exists
        assert get(path)[0] == 200, path
    _, headers, body = get("/falt/manifest.webmanifest")
    manifest = json.loads(body)
    assert manifest["start_url"] == "/falt" and manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
    for bad in ("/falt/static/nope.js", "/falt/static/..%2Froutes.py", "/falt/static/shell.py"):
        with pytest.raises(HTTPError) as err:
            get(bad)
        assert err.value.code == 404
