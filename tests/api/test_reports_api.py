"""/reports/{period}: the internal report for leads and admins, the published one for everyone."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli.main import app
from api.db import transaction
from api.settings import get_settings
from traffic.audit.models import AuditEvent
from traffic.commitments.service import ensure_promise
from traffic.orgs.service import ensure_organisations
from traffic.zones.service import ensure_default_zones

PERIOD = "2019H1"  # no other test writes there: the report is small


@pytest.fixture
def reports(api):
    with transaction(api.url) as session:
        ensure_default_zones(session, org_id=ensure_organisations(session)["polisen"].id)
        ensure_promise(session)
    return api


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_leads_and_admins_get_the_internal_report(reports, role):
    res = reports.as_role(role).get(f"/reports/{PERIOD}", params={"format": "json"})
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith("application/json")
    doc = res.json()
    assert doc["period"]["label"] == PERIOD and doc["public"] is False and doc["lang"] == "sv"
    assert any(i["id"] == "presence.resecentrum_300m.matrix.mon.00" for i in doc["indicators"])


@pytest.mark.parametrize(("role", "status"), [("officer", 403), ("planner", 403), ("public", 401)])
def test_others_may_not_read_the_internal_report(reports, role, status):
    client = reports.public if role == "public" else reports.as_role(role)
    res = client.get(f"/reports/{PERIOD}")
    assert res.status_code == status
    assert res.headers["content-type"].startswith("application/problem+json")


def test_everyone_gets_the_published_report(reports):
    res = reports.public.get(f"/reports/{PERIOD}/public", params={"format": "json", "lang": "en"})
    assert res.status_code == 200, res.text
    doc = res.json()
    assert doc["public"] is True and doc["lang"] == "en" and doc["rules"]["min_cell_size"] == 5
    assert not any(".matrix." in i["id"] for i in doc["indicators"])
    html = reports.as_role("planner").get(f"/reports/{PERIOD}/public")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Uppföljning av medborgarlöfte" in html.text and "Publicerad version" in html.text


def test_the_pdf_is_a_pdf(reports):
    res = reports.as_role("lead").get(f"/reports/{PERIOD}", params={"format": "pdf"})
    assert res.status_code == 200 and res.headers["content-type"] == "application/pdf"
    assert 'filename="uppfoljning-2019H1.pdf"' in res.headers["content-disposition"]
    assert len(PdfReader(io.BytesIO(res.content)).pages) >= 3


def test_reading_the_internal_report_is_logged(reports):
    assert reports.as_role("lead").get(f"/reports/{PERIOD}", params={"format": "json"}).status_code == 200
    with transaction(reports.url) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "report", AuditEvent.entity_id == PERIOD)
        ).all()
    assert events and all(e.action == "read" for e in events)


@pytest.mark.parametrize(
    ("path", "params"),
    [("/reports/2019H3", {}), ("/reports/nonsense", {}), (f"/reports/{PERIOD}", {"format": "docx"}),
     (f"/reports/{PERIOD}", {"lang": "de"})],
)  # fmt: skip
def test_bad_periods_and_options_are_422(reports, path, params):
    res = reports.as_role("lead").get(path, params=params)
    assert res.status_code == 422, res.text
    assert res.headers["content-type"].startswith("application/problem+json")


# ------------------------------------------------------------------------------------ the CLI

GPX = """<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>Patrull 2110</name><type>walking</type><trkseg>
    <trkpt lat="58.3230" lon="15.1290"><time>2019-05-16T17:00:00Z</time></trkpt>
    <trkpt lat="58.3230" lon="15.1350"><time>2019-05-16T17:10:00Z</time></trkpt>
  </trkseg></trk>
</gpx>
"""


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("TRAFIKTRYGG_DATABASE_URL", url)
    get_settings.cache_clear()
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def test_cli_report_import_presence_and_indicator_value(cli_db, tmp_path):
    runner = CliRunner()
    gpx = tmp_path / "pass.gpx"
    gpx.write_text(GPX, encoding="utf-8")
    res = runner.invoke(app, ["report", "--period", "2019H1", "--out", str(tmp_path / "bare.html")])
    assert res.exit_code == 0, res.output  # a fresh database: no zones, no promise yet
    assert "Ingen zon med ett närvaromål" in (tmp_path / "bare.html").read_text(encoding="utf-8")
    with transaction(cli_db) as session:
        ensure_default_zones(session, org_id=ensure_organisations(session)["polisen"].id)
    res = runner.invoke(app, ["import", "presence", str(gpx)])
    assert res.exit_code == 0 and "1 GPS-spår" in res.output, res.output
    again = runner.invoke(app, ["import", "presence", str(gpx)])
    assert again.exit_code == 2 and "already stored" in again.output
    res = runner.invoke(app, ["indicator-value", "fraud_meetings", "2019H1", "3", "--note", "Tre träffar"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "r.json"
    res = runner.invoke(app, ["report", "--period", "2019H1", "--out", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    figures = {i["id"]: i for i in doc["indicators"]}
    assert figures["commitments.fraud_meetings"]["value"] == 3
    assert figures["presence.resecentrum_300m.sessions.kind.TRACK"]["value"] == 1
    pdf = tmp_path / "r.pdf"
    assert runner.invoke(app, ["report", "--period", "2019H1", "--out", str(pdf), "--public"]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["report", "--period", "2019H3", "--out", "x.html"], "period"),
     (["report", "--period", "2019H1", "--out", "x.docx"], "--format"),
     (["report", "--period", "2019H1", "--out", "x.html", "--lang", "de"], "--lang"),
     (["indicator-value", "vehicles_checked", "2019H1", "5"], "computed"),
     (["import", "presence", "data.csv"], "GPX")],
)  # fmt: skip
def test_cli_errors_are_one_line(cli_db, args, message):
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], res.output
