"""The one-way dependency rule of DESIGN.md, checked by reading every import with ``ast``.

``api → traffic, maps, geo``; ``traffic → geo``; ``maps → geo``; ``geo`` depends on no package
of ours; nothing imports ``api`` except ``api`` itself (and the tests). Imports inside functions
and under ``if TYPE_CHECKING:`` count too: a deferred import is still a dependency.
(import-linter checks the same contract from pyproject.toml in ``make test``; this test keeps
the rule enforced in a plain ``pytest`` run and names every offending line.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("geo", "traffic", "api", "maps")

# package -> the packages of ours it must never import
FORBIDDEN: dict[str, frozenset[str]] = {
    "geo": frozenset({"traffic", "api", "maps"}),
    "traffic": frozenset({"api", "maps"}),
    "maps": frozenset({"api", "traffic"}),
    "api": frozenset(),
}


def module_name(path: Path, root: Path = ROOT) -> tuple[str, bool]:
    """The dotted module name of a file under ``root``, and whether it is a package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def imports_in(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every absolute module name the source imports, with its line number, in line order."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # ``from ..x import y``: climb from the module's package
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
                found.append((node.lineno, name))
            elif node.module:
                found.append((node.lineno, node.module))
    return sorted(found)


def violations(package: str, root: Path = ROOT) -> list[str]:
    """``file:line imports X`` for every forbidden import in ``package``."""
    out: list[str] = []
    for path in sorted((root / package).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        module, is_package = module_name(path, root)
        for lineno, name in imports_in(path.read_text(encoding="utf-8"), module, is_package):
            top = name.split(".")[0]
            if top in FORBIDDEN[package]:
                rel = path.relative_to(root).as_posix()
                out.append(f"{rel}:{lineno} imports {name} ({package} must not import {top})")
    return out


@pytest.mark.parametrize("package", OURS)
def test_package_follows_the_one_way_rule(package: str) -> None:
    assert (ROOT / package).is_dir(), f"top-level package {package}/ is missing"
    found = violations(package)
    assert not found, (
        "The one-way dependency rule is broken (api → traffic, maps, geo; traffic → geo; "
        "maps → geo; geo → nothing of ours; nothing imports api):\n  " + "\n  ".join(found)
    )


def test_checker_sees_absolute_relative_and_deferred_imports() -> None:
    # Guard against a checker that silently finds nothing.
    source = (
        "import geo.crs, os\n"
        "from traffic.storage import db\n"
        "from . import sibling\n"
        "from ..api import settings\n"
        "def f():\n"
        "    import api.cli.main\n"
    )
    names = [name for _, name in imports_in(source, "maps.layers", is_package=False)]
    assert names == ["geo.crs", "os", "traffic.storage", "maps", "api", "api.cli.main"]
    names = [name for _, name in imports_in("from .x import y\n", "maps.sub", is_package=True)]
    assert names == ["maps.sub.x"]


def test_checker_reports_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "geo" / "sub").mkdir(parents=True)
    (tmp_path / "geo" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "geo" / "ok.py").write_text("import shapely\nimport geo.crs\n", encoding="utf-8")
    (tmp_path / "geo" / "sub" / "bad.py").write_text(
        '"""Probe."""\n\nimport traffic.models\nfrom ...maps import base\n', encoding="utf-8"
    )
    assert violations("geo", root=tmp_path) == [
        "geo/sub/bad.py:3 imports traffic.models (geo must not import traffic)",
        "geo/sub/bad.py:4 imports maps (geo must not import maps)",
    ]
