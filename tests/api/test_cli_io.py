"""``trafiktrygg import`` and ``export`` through the real CLI, on a fresh SQLite file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from api.cli.main import app
from api.settings import get_settings
from tests.builders import make_operation
from traffic.audit.hook import install_audit
from traffic.storage.db import make_engine, session_factory, unit_of_work

HEADER = ["title", "kind", "status", "lon", "lat"]
ROWS = [
    ["Gupp Järnvägsgatan", "SPEED_HUMP", "PROPOSED", "15.1335", "58.3235"],
    ["Belysning gångtunneln", "LIGHTING", "PLANNED", "15.1301", "58.3221"],
    ["Hastighetsdisplay Kungsvägen", "GUPPIS", "PROPOSED", "15.1282", "58.3262"],
    ["Avsmalning Magasinsgatan", "NARROWING", "", "15.1355", "58.3219"],
    ["Övergångsställe Östra Kungsvägen", "CROSSING", "PROPOSED", "15.1388", "58.3247"],
]
SUMMARY_NOTHING = (
    "0 rader importerade / 0 rows imported: 1 of 5 rejected, nothing stored "
    "(use --partial to keep the good rows)"
)


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("TRAFIKTRYGG_DATABASE_URL", url)
    get_settings.cache_clear()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite file, upgraded through ``trafiktrygg db upgrade``."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    use_database(monkeypatch, url)
    res = CliRunner().invoke(app, ["db", "upgrade"])
    assert res.exit_code == 0, res.output
    yield url
    get_settings.cache_clear()


def count(url: str, table: str, where: str = "deleted_at IS NULL") -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar()
    finally:
        engine.dispose()


def measures_csv(path: Path, rows: list[list[Any]] = ROWS) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerows([HEADER, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8-sig", newline="")
    return path


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_bad_row_exits_1_with_the_report_on_stderr_and_stores_nothing(cli_db, tmp_path):
    res = invoke("import", "measures", measures_csv(tmp_path / "m.csv"))
    assert res.exit_code == 1
    lines = res.stderr.strip().splitlines()
    assert lines[0].startswith("row 3 (line 4): kind: unknown code 'GUPPIS'; valid codes are: ")
    assert "SPEED_HUMP" in lines[0]
    assert lines[-1] == SUMMARY_NOTHING and len(lines) == 2
    assert res.stdout == ""
    assert count(cli_db, "safety_measures") == 0


def test_partial_keeps_the_good_rows_and_exits_0(cli_db, tmp_path):
    res = invoke("import", "measures", measures_csv(tmp_path / "m.csv"), "--partial")
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == "4 rader importerade / 4 rows imported: 1 of 5 rejected"
    assert res.stderr.strip().startswith("row 3 (line 4): kind: unknown code")
    assert count(cli_db, "safety_measures") == 4
    assert count(cli_db, "audit_events", "entity = 'safety_measures'") == 4
    assert count(cli_db, "audit_events", "username = 'cli-import'") == 4


def test_partial_with_nothing_good_exits_1(cli_db, tmp_path):
    res = invoke("import", "measures", measures_csv(tmp_path / "m.csv", [ROWS[2]]), "--partial")
    assert res.exit_code == 1
    assert "0 rader importerade / 0 rows imported: 1 of 1 rejected" in res.stderr


def test_a_good_file_imports_with_the_org_option(cli_db, tmp_path):
    res = invoke(
        "import", "measures", measures_csv(tmp_path / "m.csv", ROWS[:2]), "--org", "trafikverket"
    )
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == "2 rader importerade / 2 rows imported"
    owner = "org_id = (SELECT id FROM organisations WHERE code = 'trafikverket')"
    assert count(cli_db, "safety_measures", owner) == 2


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["import", "operations", "x.csv"],
            "KIND: unknown value 'operations'; valid values: checks, incidents, measures, zones",
        ),
        (
            ["import", "measures", "x.csv", "--format", "xlsx"],
            "--format: unknown value 'xlsx'; valid values: auto, geojson, csv, gpkg",
        ),
        (
            ["export", "ops", "--out", "x.csv"],
            "KIND: unknown value 'ops'; valid values: checks, incidents, measures, zones",
        ),
        (
            ["export", "zones", "--out", "x.csv", "--format", "shp"],
            "--format: unknown value 'shp'; valid values: geojson, gpkg, csv",
        ),
        (["export", "zones", "--out", "x.xlsx"], "--format: not given and not clear from 'x.xlsx'"),
        (["import", "zones", "finns-inte.geojson"], "finns-inte.geojson: No such file"),
        (["import", "measures", "org.csv", "--org", "nasa"], "org: unknown organisation 'nasa'"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(cli_db, tmp_path, monkeypatch, args, needle):
    monkeypatch.chdir(tmp_path)
    measures_csv(tmp_path / "org.csv", ROWS[:1])
    res = invoke(*args)
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], res.output
    assert count(cli_db, "safety_measures") == 0


def test_a_file_problem_is_one_line_exit_2(cli_db, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("titel;kind;lon;lat\nx;OTHER;15.13;58.32\n", encoding="utf-8")
    res = invoke("import", "measures", path)
    assert res.exit_code == 2
    assert "columns: unknown column(s) 'titel'" in res.stderr and "COLUMNS.md" in res.stderr


def test_export_every_format_then_import_into_a_fresh_database(cli_db, tmp_path, monkeypatch):
    assert invoke("import", "measures", measures_csv(tmp_path / "m.csv", ROWS[:2])).exit_code == 0
    outputs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("geojson", "gpkg", "csv")}
    for fmt, out in outputs.items():
        args = ["export", "measures", "--out", out] + (["--format", fmt] if fmt == "gpkg" else [])
        res = invoke(*args)
        assert res.exit_code == 0, res.output
        assert res.stdout.startswith(f"2 rader exporterade / 2 rows exported (measures, {fmt})")
    doc = json.loads(outputs["geojson"].read_text(encoding="utf-8"))
    assert len(doc["features"]) == 2
    assert outputs["csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    for fmt, out in outputs.items():
        use_database(monkeypatch, f"sqlite:///{tmp_path / f'fresh-{fmt}.sqlite'}")
        assert invoke("db", "upgrade").exit_code == 0
        res = invoke("import", "measures", out)
        assert res.exit_code == 0, (fmt, res.output)
        assert res.stdout.strip() == "2 rader importerade / 2 rows imported"
        again = invoke("import", "measures", out)
        assert again.exit_code == 1 and "id: safety_measures" in again.stderr
        assert count(get_settings().database_url, "safety_measures") == 2


def test_checks_import_as_polisen_and_export_logs_the_read(cli_db, tmp_path):
    install_audit()
    engine = make_engine(cli_db)
    with unit_of_work(session_factory(engine)) as s:
        op = make_operation(s)
    engine.dispose()
    path = tmp_path / "c.csv"
    path.write_text(
        "operation_id,checked_at,vehicle_type,outcomes,fine_amount_sek,plate,lon,lat\n"
        f"{op.id},2025-05-16 21:30,CAR,ORDNINGSBOT,2000,ABC 123,15.132,58.323\n",
        encoding="utf-8",
    )
    res = invoke("import", "checks", path)
    assert res.exit_code == 0, res.output
    assert count(cli_db, "vehicle_checks", "vehicle_pseudonym IS NOT NULL") == 1
    assert (
        count(cli_db, "audit_events", "entity = 'vehicle_checks' AND username = 'cli-import'") == 1
    )
    res = invoke("export", "checks", "--out", tmp_path / "c.geojson")
    assert res.exit_code == 0, res.output
    feature = json.loads((tmp_path / "c.geojson").read_text())["features"][0]
    assert (
        "plate" not in feature["properties"]
        and len(feature["properties"]["vehicle_pseudonym"]) == 64
    )
    assert count(cli_db, "audit_events", "action = 'read' AND username = 'cli-export'") == 1


def test_help_points_at_the_column_documentation():
    for command in ("import", "export"):
        res = invoke(command, "--help")
        assert res.exit_code == 0
        assert "COLUMNS.md" in res.stdout and "/ " in res.stdout


def test_a_big_file_runs_with_the_progress_callback(cli_db, tmp_path):
    rows = [
        f"CRASH;2025-03-04 08:{i % 60:02d};POLICE;{15.12 + i / 100000:.6f};58.32"
        for i in range(1200)
    ]
    path = tmp_path / "inc.csv"
    path.write_text("kind;occurred_at;source;lon;lat\n" + "\n".join(rows) + "\n", encoding="utf-8")
    res = invoke("import", "incidents", path)
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == "1200 rader importerade / 1200 rows imported"
    assert count(cli_db, "incidents") == 1200
