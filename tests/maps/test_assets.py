"""Self-hosted assets: every CDN link folium would use is mapped, pinned, vendored and local."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pytest
from folium.plugins import Fullscreen, HeatMap, MarkerCluster, TimestampedGeoJson

from maps.assets import CDN_TO_LOCAL, FILES, MANIFEST, URL_PREFIX, VENDOR_DIR, UnknownAsset, local_files
from maps.assets.sync import REMOTE_URL, SyncError, clean_css, package_of

ROOT = Path(__file__).resolve().parents[2]
USED = (folium.Map, MarkerCluster, Fullscreen, HeatMap, TimestampedGeoJson)


@pytest.mark.parametrize("cls", USED, ids=lambda c: c.__name__)
def test_every_link_of_the_folium_classes_we_use_is_mapped(cls):
    urls = [url for _name, url in [*cls.default_js, *getattr(cls, "default_css", [])]]
    assert urls
    missing = [u for u in urls if u not in CDN_TO_LOCAL]
    assert not missing, f"add to maps.assets.CDN_TO_LOCAL: {missing}"


def test_every_mapped_file_is_copied():
    targets = {rel for files in CDN_TO_LOCAL.values() for rel in files}
    assert targets <= set(FILES), sorted(targets - set(FILES))


def test_an_unknown_url_is_an_error_not_a_cdn_request():
    with pytest.raises(UnknownAsset, match="not self-hosted"):
        local_files("https://unpkg.com/some-plugin/plugin.js")


def _lock() -> dict:
    return json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))


def test_package_json_pins_exact_versions_and_the_lock_agrees():
    deps = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    packages = _lock()["packages"]
    assert packages[""]["dependencies"] == deps
    for name, version in deps.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: pin an exact version, not {version!r}"
        entry = packages[f"node_modules/{name}"]
        assert entry["version"] == version
        assert entry["integrity"].startswith("sha512-"), name


def test_every_vendored_file_comes_from_a_declared_package():
    deps = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert {package_of(src) for src in FILES.values()} <= set(deps)
    assert package_of("@fortawesome/fontawesome-free/css/solid.min.css") == "@fortawesome/fontawesome-free"


def test_remote_font_faces_are_removed_and_other_remote_urls_refused():
    css = (
        "@font-face{font-family:'G';src:url('//netdna.bootstrapcdn.com/g.eot')}"
        ".a{background:url(images/x.png)}"
        "@font-face{font-family:'L';src:url(../webfonts/l.woff2)}"
    )
    cleaned = clean_css(css, "x.css")
    assert "netdna" not in cleaned and "images/x.png" in cleaned and "l.woff2" in cleaned
    with pytest.raises(SyncError, match="another site"):
        clean_css(".b{background:url(https://example.com/b.png)}", "y.css")


def test_the_vendor_folder_matches_its_manifest(vendored):
    manifest = json.loads((VENDOR_DIR / MANIFEST).read_text(encoding="utf-8"))
    assert set(FILES) <= set(manifest)
    for rel in FILES:
        assert (VENDOR_DIR / rel).is_file(), rel
    for path in VENDOR_DIR.rglob("*.css"):
        assert not REMOTE_URL.search(path.read_text(encoding="utf-8")), path
    for path in [*VENDOR_DIR.rglob("*.js"), *VENDOR_DIR.rglob("*.css")]:
        assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path


def test_the_prefix_is_the_app_route():
    assert URL_PREFIX == "/static/vendor/"


def test_vendor_folder_is_ignored_by_git_and_shipped_in_the_wheel():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "/maps/static/vendor/" in ignored and "/node_modules/" in ignored
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"maps" = ["static/vendor/**/*"]' in pyproject
