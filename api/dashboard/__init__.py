"""The dashboard for leads, planners and admins: key figures, charts, the measure register,
incidents, reports and exports, as server-rendered pages with small script files.

What a role may not see is never rendered: every figure goes through the same visibility rules
and statistics as the API (:mod:`traffic.visibility`, :func:`traffic.aggregates.count_by`).
The routes are in :mod:`api.dashboard.routes` (the package itself imports nothing, so
:mod:`api.pages` can use the overview without an import cycle).
"""
