"""OGC API – Features (Part 1 Core, GeoJSON, OpenAPI 3.0) under ``/ogc``, for QGIS/GDAL and OWSLib."""

from __future__ import annotations

from fastapi import APIRouter

from api.ogc import collections, items, landing

ogc_router = APIRouter()
for _module in (landing, collections, items):
    ogc_router.include_router(_module.router)

__all__ = ["ogc_router"]
