"""Retention (gallring): what personal data goes when, a planner that shows it, a purge that does it.

* :mod:`traffic.retention.rules` — every purgeable field or record kind and its default period;
* :mod:`traffic.retention.policy` — the periods in force (defaults, a TOML file, env overrides);
* :mod:`traffic.retention.planner` — what a purge would remove now (counts and cut-offs);
* :mod:`traffic.retention.executor` — the purge itself: one transaction, one audit event.
"""
