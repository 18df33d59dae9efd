"""The dashboard over HTTP (in process, on the browser tests' demo database): what each role's
markup holds, figures against the statistics API, the status workflow, the import route, and
pages a strict Content-Security-Policy can serve (no inline script, style or handler)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from api.db import transaction
from tests.builders import make_actor, make_check, make_operation, point
from tests.web.test_pages_http import client

PAGES = (
    "/",
    "/dashboard/measures",
    "/dashboard/measures/new",
    "/dashboard/incidents",
    "/dashboard/reports",
    "/login",
)
FILTERS = (
    "",
    "period=2025H1",
    "period=2024H1&focus=A_TRAKTOR&lang=en",
    "zone=resecentrum_300m",
    "organisation=polisen",
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
LOCAL_ASSET = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)\s*=\s*"(?P<url>[^"]+)"')


def _figure(html: str, key: str) -> int:
    m = re.search(rf'data-testid="figure-{key}">\s*<span class="value" data-value="(\d*)"', html)
    assert m, f"figure {key} missing"
    return int(m.group(1))


def _measure_page(live, c) -> str:  # noqa: ANN001
    res = c.post(
        "/api/v1/measures",
        json={
            "title": f"HTTP-gupp {uuid.uuid4().hex[:6]}",
            "kind": "SPEED_HUMP",
            "geometry": point(15.1225, 58.3262),
        },
    )
    assert res.status_code == 201, res.text
    return res.json()["id"]


@pytest.mark.parametrize("role", ["lead", "planner", "admin"])
def test_dashboard_pages_are_csp_clean_and_load_only_local_files(live_sqlite, role):
    c = client(live_sqlite, role)
    measure = _measure_page(live_sqlite, client(live_sqlite, "planner"))
    for path in (*PAGES, f"/dashboard/measures/{measure}"):
        res = c.get(path)
        assert res.status_code == 200, (path, res.text[:300])
        html = res.text
        assert not INLINE_SCRIPT.search(html), path
        assert not HANDLER.search(html), path
        assert not STYLE_ATTR.search(html), path
        for url in LOCAL_ASSET.findall(html):
            assert url.startswith("/") and not url.startswith("//"), (path, url)
            assert c.get(url).status_code == 200, url


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_filters_change_the_key_figures_and_match_the_stats_api(request, backend):
    planner = client(request.getfixturevalue(f"live_{backend}"), "planner")
    seen = {}
    for period in ("2024H1", "2025H1"):
        html = planner.get("/", params={"period": period}).text
        api = planner.get("/api/v1/stats/checks", params={"period": period}).json()
        assert _figure(html, "vehicles_checked") == api["total"]["count"]
        incidents = planner.get("/api/v1/stats/incidents", params={"period": period}).json()
        assert "total" in incidents, incidents
        assert _figure(html, "incidents_n") == incidents["total"]["count"]
        seen[period] = _figure(html, "vehicles_checked")
    assert seen["2024H1"] != seen["2025H1"]
    # focus is a property of operations: it narrows the operations, as in the API
    every = _figure(planner.get("/", params={"period": "2025H1"}).text, "operations")
    focus = planner.get("/", params={"period": "2025H1", "focus": "A_TRAKTOR"}).text
    api = planner.get("/api/v1/stats/operations", params={"period": "2025H1", "focus": "A_TRAKTOR"}).json()
    assert _figure(focus, "operations") == api["total"]["count"] < every


def test_a_bad_filter_is_named_and_dropped_not_a_failed_page(live_sqlite):
    html = client(live_sqlite, "lead").get("/", params={"period": "2025H3", "zone": "finns_inte"}).text
    assert 'role="alert"' in html and "<code>period</code>" in html and "<code>zone</code>" in html
    assert (
        _figure(html, "vehicles_checked")
        == client(live_sqlite, "lead").get("/api/v1/stats/checks").json()["total"]["count"]
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_a_planner_never_sees_a_planned_operation_anywhere_in_the_dashboard(request, backend):
    live = request.getfixturevalue(f"live_{backend}")
    planner, lead = client(live, "planner"), client(live, "lead")
    urls = [f"{p}?{q}" for p in PAGES for q in FILTERS]
    before = {u: planner.get(u).text for u in urls}
    tag = uuid.uuid4().hex[:8]
    secrets = [f"HEMLIG planerad {tag}", f"HEMLIG anteckning {tag}", f"Hemlig plats {tag}"]
    with transaction(live.db_url) as session:
        officer = make_actor(session, role="officer", org="polisen")
        now = datetime.now(UTC)
        planned = make_operation(
            session, officer, title=secrets[0], note=secrets[1], place_name=secrets[2],
            planned_start=now + timedelta(days=2), planned_end=now + timedelta(days=2, hours=2),
        )  # fmt: skip
        ongoing = make_operation(session, officer, title=secrets[0] + " pågår", note=secrets[1])
        make_check(
            session, ongoing, officer, checked_at=datetime(2025, 3, 3, 10, tzinfo=UTC), note=secrets[1]
        )
        ids = [str(planned.id), str(ongoing.id)]
    for url in urls:
        html = planner.get(url).text
        assert html == before[url], f"{url} changed for a planner"
        assert not [s for s in secrets + ids if s in html], url
    # The owning police do count the ongoing operation's check (so the pages could have shown it).
    assert lead.get("/api/v1/operations", params={"status": "PLANNED", "limit": 1000}).text.count(tag) >= 1


def test_police_only_panels_are_absent_for_planners(live_sqlite):
    lead = client(live_sqlite, "lead").get("/").text
    planner = client(live_sqlite, "planner").get("/").text
    assert 'data-testid="presence-panel"' in lead and "/maps/presence" in lead
    assert "presence-panel" not in planner and "/maps/presence" not in planner
    reports_lead = client(live_sqlite, "lead").get("/dashboard/reports").text
    reports_planner = client(live_sqlite, "planner").get("/dashboard/reports").text
    assert 'data-testid="report-internal"' in reports_lead
    assert "report-internal" not in reports_planner and 'data-testid="report-public"' in reports_planner


def test_status_choices_follow_the_workflow(live_sqlite):
    planner = client(live_sqlite, "planner")
    measure = _measure_page(live_sqlite, planner)

    def offered() -> set[str]:
        html = planner.get(f"/dashboard/measures/{measure}").text
        block = re.search(r'<select id="m-status" name="status">(.*?)</select>', html, re.S)
        return set(re.findall(r'<option value="(\w+)"', block.group(1))) if block else set()

    assert offered() == {"PLANNED", "REJECTED"}
    res = planner.patch(f"/api/v1/measures/{measure}", json={"status": "PLANNED"})
    assert res.status_code == 200, res.text
    assert offered() == {"IN_PROGRESS", "REJECTED"}
    lead_view = client(live_sqlite, "lead").get(f"/dashboard/measures/{measure}").text
    assert 'id="status-form"' not in lead_view and 'id="measure-form"' not in lead_view  # not their measure


def test_roles_get_their_landing_page(live_sqlite):
    officer = client(live_sqlite, "officer").get("/").text
    public = client(live_sqlite, "public").get("/").text
    assert 'href="/falt"' in officer and 'href="/dashboard/' not in officer
    assert 'href="/falt"' not in public and 'href="/dashboard/' not in public and 'href="/login"' in public
    assert client(live_sqlite, "public").get("/dashboard/measures").status_code == 401
    assert client(live_sqlite, "officer").get("/dashboard/measures").status_code == 403
    assert "Overview" in client(live_sqlite, "planner").get("/?lang=en").text


def test_incident_import_is_all_or_nothing_and_names_the_row(live_sqlite):
    planner = client(live_sqlite, "planner")
    tag = uuid.uuid4().hex[:8]
    good = (
        "kind;occurred_at;source;lon;lat;description\n"
        f"NEAR_MISS;2025-05-16T21:40:00+02:00;CITIZEN_DIALOGUE;15.1302;58.3236;import {tag} a\n"
    )
    bad = good + f"CRASHY;2025-05-17T10:00:00+02:00;POLICE;15.13;58.32;import {tag} b\n"
    count = lambda: planner.get("/api/v1/incidents", params={"limit": 1}).json()["numberMatched"]  # noqa: E731
    n0 = count()
    res = planner.post("/api/v1/imports/incidents", params={"filename": "h.csv"}, content=bad.encode("utf-8"))
    assert res.status_code == 422 and res.headers["content-type"].startswith("application/problem+json")
    assert any(e["field"] == "row 2: kind" for e in res.json()["errors"]), res.json()
    assert count() == n0
    res = planner.post(
        "/api/v1/imports/incidents", params={"filename": "h.csv", "partial": "true"}, content=bad.encode()
    )
    assert res.status_code == 200 and res.json()["accepted"] == 1 and res.json()["rejected_rows"] == 1
    assert count() == n0 + 1
    empty = planner.post("/api/v1/imports/incidents", content=b"")
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "file"
    assert (
        client(live_sqlite, "admin").post("/api/v1/imports/incidents", content=good.encode()).status_code
        == 403
    )


def test_a_completed_measure_shows_its_before_after_effect(live_sqlite):
    from traffic.effects import measure_effects
    from traffic.measures.models import SafetyMeasure

    planner = client(live_sqlite, "planner")
    with transaction(live_sqlite.db_url) as session:
        effects = [e for e in measure_effects(session) if e.ratio is not None]
        effect = effects[0]
        assert session.get(SafetyMeasure, effect.measure_id).status == "COMPLETED"
    html = planner.get(f"/dashboard/measures/{effect.measure_id}").text
    panel = html[html.index('data-testid="effect"') :]
    cells = [int(n) for n in re.findall(r'<td class="n">(\d+)</td>', panel)[:6]]
    expected = [effect.incidents.before, effect.incidents.after, effect.remarks.before, effect.remarks.after]
    assert cells == [*expected, effect.comparison.before, effect.comparison.after]
    assert f"{effect.ratio:.2f}".replace(".", ",") in panel
    proposed = planner.get(f"/dashboard/measures/{_measure_page(live_sqlite, planner)}").text
    assert "Effekten beräknas för genomförda åtgärder." in proposed
