"""The FastAPI application factory."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from api import scheduler
from api.compression import CompressStatic
from api.dashboard.imports import router as import_router
from api.dashboard.routes import router as dashboard_router
from api.errors import add_exception_handlers
from api.fieldapp import router as field_app_router
from api.limits import BodySizeLimit
from api.mapsweb import router as maps_router
from api.ogc import ogc_router
from api.pages import router as pages_router
from api.params import no_nul_characters
from api.routes import all_routers
from api.security.install import install_security
from api.settings import Settings, get_settings

GC_THRESHOLDS = (20_000, 20, 20)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (the environment's when not given)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Trafiktrygg",
        summary="Medborgarlöftets trafikdel: kontroller, närvaro, åtgärder och uppföljning.",
        version="0.1.0",
        docs_url=None,  # self-hosted Swagger UI from api.security, if switched on
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=_lifespan,
        dependencies=[Depends(no_nul_characters)],
    )
    app.state.settings = settings
    add_exception_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(CompressStatic)
    app.include_router(pages_router)
    app.include_router(dashboard_router)
    app.include_router(import_router)
    app.include_router(maps_router)
    app.include_router(field_app_router)
    app.include_router(ogc_router)
    for router in all_routers():
        app.include_router(router)
    install_security(app, settings)  # refuses insecure production settings; headers on every response
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start-up and shut-down: the scheduled retention purge, when configured; a frozen heap."""
    async with scheduler.lifespan(app):
        # What start-up loaded (the libraries, ~300,000 objects) lives as long as the process.
        # Frozen, the collector's full passes skip it: they took up to 180 ms each, every few
        # GeoJSON pages, and were most of the pages' p99 (bench/api.py).
        gc.collect()
        gc.freeze()
        # A page of 1,000 features allocates ~50,000 short-lived containers: at Python's
        # default threshold (700) that was ~70 young-generation passes per page, 7 ms in all.
        gc.set_threshold(*GC_THRESHOLDS)
        yield
