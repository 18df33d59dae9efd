"""Map pages (``/maps/…``), their self-hosted assets and the ``export map`` builders.

``api`` wires ``traffic`` data into ``maps``: :mod:`api.mapsweb.records` and
:mod:`api.mapsweb.build` read what the caller may see; :mod:`maps` only draws.
"""

from api.mapsweb.pages import router

__all__ = ["router"]
