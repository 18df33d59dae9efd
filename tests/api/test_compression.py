"""Static files go out gzip-compressed when the client accepts it; pages and API answers never do."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from traffic.storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
FILES = {
    "/static/vendor/leaflet/leaflet.js": ROOT / "maps/static/vendor/leaflet/leaflet.js",
    "/falt/static/app.js": ROOT / "api/fieldapp/static/app.js",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('gzip') / 'gzip.sqlite'}"
    upgrade(url)
    with TestClient(create_app(Settings(database_url=url))) as c:
        yield c


@pytest.mark.parametrize("path", sorted(FILES))
def test_static_files_are_compressed_and_decompress_to_the_file(client: TestClient, path: str) -> None:
    if not FILES[path].is_file():
        pytest.fail(f"{FILES[path]} is missing: run `make venv`")
    res = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert res.status_code == 200
    assert res.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in res.headers["vary"].lower()
    assert res.headers["x-content-type-options"] == "nosniff"  # security headers still there
    assert res.content == FILES[path].read_bytes()  # httpx decoded the gzip body


def test_without_gzip_in_accept_encoding_the_file_is_sent_as_is(client: TestClient) -> None:
    res = client.get("/static/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in res.headers
    assert int(res.headers["content-length"]) == len(res.content)


@pytest.mark.parametrize("path", ["/openapi.json", "/", "/maps/overview"])
def test_pages_and_api_answers_are_never_compressed(client: TestClient, path: str) -> None:
    """A compressed page holding a secret beside request text can leak it (BREACH)."""
    res = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert res.status_code == 200, res.text[:300]
    assert len(res.content) > 1024  # big enough that compression would have applied
    assert "content-encoding" not in res.headers


def test_the_compressed_bytes_are_gzip(client: TestClient) -> None:
    path = "/static/vendor/leaflet/leaflet.js"
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as res:
        raw = b"".join(res.iter_raw())
    assert gzip.decompress(raw) == FILES[path].read_bytes()
    assert len(raw) < FILES[path].stat().st_size // 2
