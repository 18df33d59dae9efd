"""Install the map assets from npm and copy exactly the needed files into ``maps/static/vendor/``.

Run from anywhere: ``python -m maps.assets.sync`` (``make venv`` does). Steps:

1. ``npm ci --ignore-scripts`` in the project root: the versions of ``package-lock.json``,
   verified by their integrity hashes, and no package's install script runs;
2. every installed version is checked against the exact versions in ``package.json``;
3. :data:`maps.assets.FILES` are copied into a fresh vendor folder, with two changes:
   ``sourceMappingURL`` comments are removed (the maps are not shipped) and a stylesheet's
   ``@font-face`` that loads from another site is removed (leaflet-timedimension loads
   Bootstrap 3 glyphicons from a CDN; ``maps.render`` gives its buttons Font Awesome icons);
   any other remote ``url(...)`` left in a stylesheet stops the sync;
4. each package's licence file is copied beside its files, and ``MANIFEST.json`` records
   package, version and SHA-256 of every file.

``--skip-install`` reuses an existing ``node_modules`` (offline rebuilds of the folder).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from maps.assets import FILES, MANIFEST, VENDOR_DIR

ROOT = Path(__file__).resolve().parents[2]
# The dashboard's drawing tools (api/dashboard): not used by folium, so not in CDN_TO_LOCAL.
DASHBOARD_FILES: dict[str, str] = {
    "geoman/leaflet-geoman.min.js": "@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js",
    "geoman/leaflet-geoman.css": "@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css",
}
SOURCE_MAP = re.compile(r"^\s*(//|/\*)[#@] sourceMappingURL=.*$", re.MULTILINE)
FONT_FACE = re.compile(r"@font-face\s*{[^}]*}", re.IGNORECASE)
REMOTE_URL = re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//", re.IGNORECASE)
LICENCE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "MIT-LICENCE.txt", "LICENCE")


class SyncError(RuntimeError):
    """The assets could not be installed or copied; the message says why and what to do."""


def package_of(node_path: str) -> str:
    """The npm package name of a path under ``node_modules`` (scoped names included)."""
    parts = node_path.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


def npm_ci(root: Path) -> None:
    """``npm ci --ignore-scripts`` in ``root`` (clear error when Node.js/npm is missing)."""
    npm = shutil.which("npm")
    if npm is None:
        raise SyncError(
            "npm not found: the map assets are installed from npm. Install Node.js (>= 18) with npm "
            "(on Debian: apt-get install nodejs npm) and run again."
        )
    cmd = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SyncError(f"`{' '.join(cmd[1:])}` failed in {root}:\n{done.stderr.strip()}")


def check_versions(root: Path) -> dict[str, str]:
    """Installed version of every dependency; :class:`SyncError` if one differs from package.json."""
    wanted = json.loads((root / "package.json").read_text(encoding="utf-8"))["dependencies"]
    found: dict[str, str] = {}
    wrong = []
    for name, version in wanted.items():
        meta = root / "node_modules" / name / "package.json"
        if not meta.is_file():
            raise SyncError(f"{name} is not installed in {root / 'node_modules'}; run without --skip-install")
        found[name] = json.loads(meta.read_text(encoding="utf-8"))["version"]
        if found[name] != version:
            wrong.append(f"{name} {found[name]} (package.json pins {version})")
    if wrong:
        raise SyncError("installed versions differ from package.json: " + ", ".join(wrong))
    return found


def clean_css(text: str, name: str) -> str:
    """Drop ``@font-face`` rules that load from other sites; refuse any other remote ``url()``."""
    text = FONT_FACE.sub(lambda m: "" if REMOTE_URL.search(m.group(0)) else m.group(0), text)
    if REMOTE_URL.search(text):
        raise SyncError(f"{name} still loads something from another site: vendor it or patch it here")
    return text


def _copy(source: Path, target: Path, name: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix in (".js", ".css"):
        text = SOURCE_MAP.sub("", source.read_text(encoding="utf-8"))
        if target.suffix == ".css":
            text = clean_css(text, name)
        target.write_text(text, encoding="utf-8")
    else:
        shutil.copyfile(source, target)


def _licence(package_dir: Path) -> Path | None:
    return next((package_dir / n for n in LICENCE_NAMES if (package_dir / n).is_file()), None)


def copy_files(root: Path, vendor: Path, versions: dict[str, str]) -> dict[str, dict[str, str]]:
    """Fill a fresh ``vendor`` folder with :data:`FILES`; return the manifest entries."""
    modules = root / "node_modules"
    if vendor.exists():
        shutil.rmtree(vendor)
    manifest: dict[str, dict[str, str]] = {}
    licences: dict[str, Path] = {}
    for rel, node_path in sorted({**FILES, **DASHBOARD_FILES}.items()):
        source = modules / node_path
        if not source.is_file():
            raise SyncError(f"{node_path} is not in node_modules (needed for {rel})")
        _copy(source, vendor / rel, rel)
        package = package_of(node_path)
        manifest[rel] = {"package": package, "version": versions[package]}
        licence = _licence(modules / package)
        if licence is not None:
            licences.setdefault(f"{rel.split('/')[0]}/{package.replace('/', '_')}.{licence.name}", licence)
    for rel, licence in licences.items():
        if rel not in manifest:
            shutil.copyfile(licence, vendor / rel)
            package = package_of(str(licence.relative_to(modules).as_posix()))
            manifest[rel] = {"package": package, "version": versions[package]}
    for rel, entry in manifest.items():
        entry["sha256"] = hashlib.sha256((vendor / rel).read_bytes()).hexdigest()
    (vendor / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def sync(root: Path = ROOT, vendor: Path = VENDOR_DIR, *, install: bool = True) -> dict[str, dict[str, str]]:
    """Install (unless ``install`` is false), verify and copy; return the manifest."""
    if install:
        npm_ci(root)
    return copy_files(root, vendor, check_versions(root))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-install", action="store_true", help="reuse node_modules, do not run npm ci")
    args = parser.parse_args(argv)
    try:
        manifest = sync(install=not args.skip_install)
    except SyncError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    packages = sorted({f"{e['package']}@{e['version']}" for e in manifest.values()})
    print(f"{len(manifest)} files from {len(packages)} npm packages in {VENDOR_DIR}: {', '.join(packages)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
