"""The first app: health check, Swedish landing page with true counts, problem+json."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.db import transaction
from api.settings import Settings
from tests.builders import make_check, make_measure, make_operation


@pytest.fixture
def client(migrated_url: str):  # noqa: ANN201
    app = create_app(Settings(database_url=migrated_url))
    with TestClient(app) as c:
        yield c


def test_healthz_reports_the_database(client, migrated_url):
    res = client.get("/healthz")
    assert res.status_code == 200
    expected = "sqlite" if migrated_url.startswith("sqlite") else "postgresql"
    assert res.json() == {"status": "ok", "database": expected}


def test_landing_page_is_swedish_and_counts_records(client, migrated_url):
    before = client.get("/").text
    with transaction(migrated_url) as session:
        op = make_operation(session)  # planned: the public's page must not move
        make_check(session, op)
        make_check(session, op)
    assert client.get("/").text == before
    with transaction(migrated_url) as session:
        make_measure(session, status="COMPLETED", completed_on="2025-05-01")
    res = client.get("/")
    assert res.status_code == 200
    assert 'lang="sv"' in res.text and "Trafiksäkerhetsåtgärder" in res.text
    assert "Kontrollerade fordon" not in res.text  # the public lists no checks
    assert "/docs" in res.text
    assert before != res.text  # counts moved with the data the public may see
    english = client.get("/?lang=en").text
    assert "Traffic-safety measures" in english


def test_unknown_route_is_problem_json(client):
    res = client.get("/finns-inte")
    assert res.status_code == 404
    assert res.headers["content-type"].startswith("application/problem+json")
    assert res.json()["status"] == 404


def test_start_up_freezes_the_loaded_heap(migrated_url: str) -> None:
    """Full collections skip what start-up loaded, young ones run less often (bench/api.py)."""
    import gc

    gc.unfreeze()
    before = gc.get_threshold()
    try:
        with TestClient(create_app(Settings(database_url=migrated_url))):
            assert gc.get_freeze_count() > 10_000
            assert gc.get_threshold()[0] >= 10_000  # young objects: fewer, larger passes
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
