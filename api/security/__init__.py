"""Locked-down responses: security headers and CSP on every response, CORS only when configured,
self-hosted API docs that can be switched off, and a production mode that refuses default secrets.

* :mod:`api.security.install` — :func:`~api.security.install.install_security` wires it into an app.
* :mod:`api.security.csp` — the policy; pages name their own inline scripts with
  :func:`~api.security.csp.allow_inline_scripts` so that exactly those may run.
* :mod:`api.security.headers` — the ASGI middleware; :mod:`api.security.docs` — Swagger UI from
  the app itself; :mod:`api.security.production` — the production-mode secret check.
"""
