"""Map settings from the environment (prefix ``TRAFIKTRYGG_MAP_``), built on demand, never at import.

=====================================  =================================================  ===========
variable                               meaning                                            default
=====================================  =================================================  ===========
``TRAFIKTRYGG_MAP_TILES``              ``osm``, ``none`` (vector outlines only) or an     ``osm``
                                       XYZ URL template of a municipal or offline tile
                                       server, e.g. ``https://karta.example.se/{z}/{x}/{y}.png``
``TRAFIKTRYGG_MAP_TILES_ATTRIBUTION``  attribution (HTML) shown for a URL template        empty
``TRAFIKTRYGG_MAP_TILES_MAX_ZOOM``     highest zoom level the tile server has             19
``TRAFIKTRYGG_MAP_CELL_M``             default cell size of heat, hot-spot and gap maps   100
=====================================  =================================================  ===========

A test (or ``create_app``) may put its own :class:`MapSettings` on ``app.state.map_settings``.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from fastapi import Request
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from maps.base import TileSource, tile_source


class MapSettings(BaseSettings):
    """What a deployment may set about maps."""

    model_config = SettingsConfigDict(env_prefix="TRAFIKTRYGG_MAP_", extra="ignore")

    tiles: str = Field(default="osm", description="osm, none, or an XYZ URL template")
    tiles_attribution: str = ""
    tiles_max_zoom: int = Field(default=19, ge=1, le=24)
    cell_m: float = Field(default=100.0, ge=10.0, le=5000.0)

    @field_validator("tiles")
    @classmethod
    def _known_tiles(cls, value: str) -> str:
        tile_source(value)  # raises BadTileSetting (a ValueError) with the reason
        return value

    def tile_source(self) -> TileSource | None:
        """The configured tile source (None: no tiles)."""
        return tile_source(self.tiles, self.tiles_attribution, max_zoom=self.tiles_max_zoom)

    def tile_origin(self) -> str | None:
        """``scheme://host`` of the tile server, for the page's Content-Security-Policy (None: no tiles)."""
        source = self.tile_source()
        if source is None or source.url.startswith("/"):
            return None
        parts = urlsplit(source.url.replace("{s}", "a"))
        host = parts.netloc
        if "{s}" in source.url:
            host = "*." + host.split(".", 1)[1]
        return f"{parts.scheme}://{host}"


@lru_cache
def get_map_settings() -> MapSettings:
    """The process-wide map settings, read from the environment once."""
    return MapSettings()


def map_settings(request: Request) -> MapSettings:
    """The app's map settings: ``app.state.map_settings`` if set, else the environment's."""
    return getattr(request.app.state, "map_settings", None) or get_map_settings()
