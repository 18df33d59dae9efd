"""CRS round trips against the sourced reference points."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point

from geo.crs import metric_xy, swap_xy, to_metric, to_wgs84, wgs84_lonlat

# Copied unchanged from shared/data (sources in its own columns and geo/data/SOURCES.md).
REFERENCE_CSV = Path(__file__).with_name("data") / "mjolby_reference_points.csv"


def reference_points() -> list[dict[str, str]]:
    with REFERENCE_CSV.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def station_row() -> dict[str, str]:
    return next(r for r in reference_points() if r["id"] == "mjolby_station")


def test_station_projects_to_sourced_sweref99tm():
    row = station_row()
    assert (float(row["lat"]), float(row["lon"])) == (58.322982, 15.131987)
    metric = to_metric(Point(float(row["lon"]), float(row["lat"])))
    assert metric.x == pytest.approx(float(row["sweref99tm_e"]), abs=0.5)
    assert metric.y == pytest.approx(float(row["sweref99tm_n"]), abs=0.5)


def test_station_round_trip_is_lossless():
    row = station_row()
    point = Point(float(row["lon"]), float(row["lat"]))
    back = to_wgs84(to_metric(point))
    assert back.x == pytest.approx(point.x, abs=1e-9)
    assert back.y == pytest.approx(point.y, abs=1e-9)


def test_sweref_to_wgs84_matches_sourced_station_within_half_metre():
    row = station_row()
    lon, lat = wgs84_lonlat(np.array([float(row["sweref99tm_e"])]), np.array([float(row["sweref99tm_n"])]))
    x, y = metric_xy(lon, lat)
    metric = to_metric(Point(float(row["lon"]), float(row["lat"])))
    assert Point(x[0], y[0]).distance(metric) < 0.5


@pytest.mark.parametrize("row", reference_points(), ids=lambda r: r["id"])
def test_every_reference_point_matches_its_sweref_values(row):
    x, y = metric_xy(np.array([float(row["lon"])]), np.array([float(row["lat"])]))
    assert x[0] == pytest.approx(float(row["sweref99tm_e"]), abs=0.5)
    assert y[0] == pytest.approx(float(row["sweref99tm_n"]), abs=0.5)


def test_swap_xy_exchanges_axes():
    assert swap_xy(Point(58.32, 15.13)).equals(Point(15.13, 58.32))
