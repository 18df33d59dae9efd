"""Map pages under ``/maps/`` and the self-hosted map assets under ``/static/vendor/``.

=====================  ================  ======================================================
page                   permission        who
=====================  ================  ======================================================
``/maps/overview``     ``public``        everyone (what each sees follows the API's rules)
``/maps/heatmap``      ``stats:read``    everyone; the public gets published cells only
``/maps/measures``     ``measures:read`` everyone; the public sees completed measures
``/maps/hotspots``     ``stats:read``    everyone; the public gets published cells only
``/maps/gaps``         ``checks:read``   signed-in roles (where enforcement is thin is tactical)
``/maps/presence``     ``presence:read`` police roles and admins (of the owning organisation)
=====================  ================  ======================================================

Pages take the list filters of the API (``period=2025H1``, ``focus``, ``finding``, ``outcome``,
``zone``, ``organisation``, …) and map options (``lang``, ``cell_m``, ``shape``, ``records``,
``step``). A stale session cookie reads as the public, as on the landing page.
"""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import SessionDep, SettingsDep
from api.mapsweb.build import PAGES, Context, build
from api.mapsweb.query import MapQueryDep, MapSettingsDep
from api.pages import PageRequires
from api.security.csp import allow_inline_scripts
from maps.assets import VENDOR_DIR, AssetsMissing
from maps.render import render_served_page
from traffic.actors import Actor
from traffic.errors import NotFound

router = APIRouter(include_in_schema=False)
MEDIA_TYPES = {".woff2": "font/woff2", ".ttf": "font/ttf", ".svg": "image/svg+xml"}


def _page(page: str, ctx: Context) -> HTMLResponse:
    built = build(page, ctx)
    served = render_served_page(built.map, title=built.title, lang=ctx.lang)
    # The CSP and the other security headers come from api.security for every response;
    # the page only names its own inline scripts, to be allowed there by hash.
    response = HTMLResponse(served.html, headers={"Cache-Control": "private, no-store"})
    allow_inline_scripts(response.headers, served.scripts)
    return response


def _route(page: str) -> None:
    permission = PAGES[page][0]
    reader = Annotated[Actor, Depends(PageRequires(permission))]

    # No ``from __future__ import annotations`` here: FastAPI reads ``reader`` from this closure.
    def show(
        # first: the permission is checked before any parameter is parsed
        actor: reader,  # type: ignore[valid-type]
        session: SessionDep,
        settings: SettingsDep,
        maps: MapSettingsDep,
        q: MapQueryDep,
    ) -> HTMLResponse:
        return _page(page, Context(session, actor, q, settings, maps))

    show.__name__ = f"map_{page}"
    show.__doc__ = f"The {page} map (HTML) for the caller's role."
    router.add_api_route(
        f"/maps/{page}", show, methods=["GET"], response_class=HTMLResponse, name=f"map_{page}"
    )


for _page_name in PAGES:
    _route(_page_name)


Anyone = Annotated[Actor, Depends(PageRequires("public"))]


@router.get("/static/vendor/{path:path}", name="map_assets")
def vendor_file(path: str, _: Anyone) -> FileResponse:
    """A self-hosted script, stylesheet, image or font of the maps (see ``maps.assets``)."""
    root = VENDOR_DIR.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        if not root.is_dir():
            raise NotFound(str(AssetsMissing("the map assets are not installed: run `make venv`")))
        raise NotFound(f"no such asset: {path}")
    return FileResponse(
        target,
        media_type=MEDIA_TYPES.get(Path(target).suffix),
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
