"""``trafiktrygg demo`` gives one sign-in per role, so the README's two commands give a usable app."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from api.app import create_app
from api.cli.main import app
from api.settings import Settings, get_settings
from tests.api.test_cli import cli_db  # noqa: F401 - the fixture
from traffic.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

SMALL = ["demo", "--checks", "60", "--incidents", "10", "--if-empty"]


def test_demo_creates_a_sign_in_per_role_once(cli_db):  # noqa: F811
    runner = CliRunner()
    first = runner.invoke(app, SMALL)
    assert first.exit_code == 0, first.output
    assert DEMO_PASSWORD in first.output and all(a.username in first.output for a in DEMO_ACCOUNTS)
    again = runner.invoke(app, SMALL)  # make demo run twice: nothing duplicated, nothing refused
    assert again.exit_code == 0, again.output
    with create_engine(cli_db).connect() as conn:
        users = dict(conn.execute(text("SELECT username, role FROM users")).all())
    assert users == {a.username: a.role for a in DEMO_ACCOUNTS}
    web = TestClient(create_app(Settings(database_url=cli_db, pseudonym_secret="x" * 40)))
    for a in DEMO_ACCOUNTS:
        res = web.post("/api/v1/auth/login", json={"username": a.username, "password": DEMO_PASSWORD})
        assert res.status_code == 200, res.text
        me = web.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {res.json()['access_token']}"})
        assert me.json()["role"] == a.role


def test_demo_accounts_are_refused_in_production(cli_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TRAFIKTRYGG_PRODUCTION", "true")
    monkeypatch.setenv("TRAFIKTRYGG_PSEUDONYM_SECRET", "a-long-and-random-production-secret-0123456789")
    get_settings.cache_clear()
    res = CliRunner().invoke(app, SMALL)
    assert res.exit_code == 2
    assert "TRAFIKTRYGG_PRODUCTION" in res.output and "--no-accounts" in res.output
    assert len(res.output.strip().splitlines()) == 1
    with create_engine(cli_db).connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE name = 'users'")).all()
    assert tables == []  # refused before anything was created
