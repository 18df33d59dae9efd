"""CLI basics: db upgrade on a fresh file, user add with the password on standard input."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings


@pytest.fixture
def cli_db(tmp_path, monkeypatch):  # noqa: ANN201
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("TRAFIKTRYGG_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_db_upgrade_then_user_add(cli_db):
    runner = CliRunner()
    res = runner.invoke(app, ["db", "upgrade"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app, ["user", "add", "anna", "--role", "officer", "--org", "polisen"], input="ett-langt-losenord\n"
    )
    assert res.exit_code == 0, res.output
    with create_engine(cli_db).connect() as conn:
        row = conn.execute(text("SELECT username, role, password_hash FROM users")).one()
    assert row[0] == "anna" and row[1] == "officer"
    assert row[2].startswith("$argon2") and "ett-langt-losenord" not in row[2]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "add", "bo", "--role", "chef", "--org", "polisen"], "ett-langt-losenord\n", "role"),
        (["user", "add", "bo", "--role", "lead", "--org", "polis"], "ett-langt-losenord\n", "org"),
        (["user", "add", "bo", "--role", "lead", "--org", "polisen"], "kort\n", "password"),
        (["user", "add", "bo", "--role", "lead", "--org", "polisen"], "", "password"),
    ],
)
def test_user_add_bad_input_is_one_line_and_stores_nothing(cli_db, args, stdin, message):
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    res = runner.invoke(app, args, input=stdin)
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0]
    with create_engine(cli_db).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 0
