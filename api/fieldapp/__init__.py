"""The offline-capable field app for officers at ``/falt`` (app shell, manifest, service worker)."""

from api.fieldapp.routes import router

__all__ = ["router"]
