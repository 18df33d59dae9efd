"""A JSON response rendered by pydantic-core (Rust), for large bodies such as list pages.

Starlette's ``json.dumps`` took ~8 ms for a 600 kB page of 1,000 GeoJSON features; pydantic-core
writes the same JSON (compact UTF-8) in about a tenth of that, with no extra dependency.
"""

from __future__ import annotations

from typing import Any

import pydantic_core
from fastapi.responses import JSONResponse


class FastJSONResponse(JSONResponse):
    """:class:`JSONResponse` with the body rendered in Rust."""

    def render(self, content: Any) -> bytes:
        """Compact UTF-8 JSON; a non-finite float (JSON has none) becomes null, never ``NaN``."""
        return pydantic_core.to_json(content, inf_nan_mode="null")
