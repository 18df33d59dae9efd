"""The error responses the OGC routes declare in the OpenAPI document."""

from __future__ import annotations

from api.errors import PROBLEM_RESPONSES

# 400 bad or unknown parameter, 401 invalid token, 404 unknown (or not readable) collection/feature.
OGC_PROBLEMS: dict[int | str, dict[str, object]] = {code: PROBLEM_RESPONSES[code] for code in (400, 401, 404)}
