"""The package's import rule, checked on the source: a package imports only its own level or below.

    base modules (ids, links, records, config, progress, ranking, clock, roles, processes, errors, jsonlines,
                  gist, authors)
      < store, sources          (migrations sit with store: they read store.schema)
      < search, ingest, recs, library
      < community, harvest, mail, jobs
      < web
      < cli

An upward import makes a lower layer depend on a higher one (a store that needs the web app to load), so a new one
fails here with the file, line and both layers named."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dailypapers"

LEVELS: dict[str, int] = {
    **dict.fromkeys(["ids", "links", "records", "config", "progress", "ranking", "clock", "roles", "processes",
                     "errors", "gist", "authors", "jsonlines"], 0),
    **dict.fromkeys(["store", "sources", "migrations"], 1),
    **dict.fromkeys(["search", "ingest", "recs", "library"], 2),
    **dict.fromkeys(["community", "harvest", "mail", "jobs"], 3),
    "web": 4,
    "cli": 5,
}

# Upward imports tolerated for now (file, module): none since the job runner moved to `jobs` (issue 15).
ALLOWED: set[tuple[str, str]] = set()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "dailypapers" or len(parts) < 2:
        return None
    return parts[1]


def _imported_modules(root: Path, path: Path) -> list[tuple[int, str]]:
    """Every module `path` imports (relative imports resolved), with its line number."""
    package = ["dailypapers", *path.relative_to(root).parent.parts]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def upward_imports(root: Path = PACKAGE) -> list[tuple[str, int, str, str, str]]:
    """(file, line, imported module, importer's layer, imported layer) for each import that points up."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        own = rel.split("/")[0].removesuffix(".py")
        if own not in LEVELS:  # __init__ / __main__ of the package itself sit on top
            continue
        for line, module in _imported_modules(root, path):
            other = _layer(module)
            if other in LEVELS and LEVELS[other] > LEVELS[own]:
                bad.append((rel, line, module, own, other))
    return bad


def test_every_package_is_placed_on_a_level():
    packages = {p.name.removesuffix(".py") for p in PACKAGE.iterdir() if p.suffix == ".py" or p.is_dir()}
    packages -= {"__init__", "__main__", "__pycache__"}
    assert packages <= set(LEVELS), f"place {sorted(packages - set(LEVELS))} in LEVELS (and in docs/architecture.md)"


def test_imports_point_down_only():
    offenders = [
        f"{rel}:{line} imports {module} ({own} may not import {other})"
        for rel, line, module, own, other in upward_imports()
        if (rel, module) not in ALLOWED
    ]
    assert offenders == []


def test_allowed_exceptions_are_still_needed():
    still = {(rel, module) for rel, _, module, _, _ in upward_imports()}
    assert still >= ALLOWED, f"remove {sorted(ALLOWED - still)} from ALLOWED: they no longer import upward"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from dailypapers.web.app import create_app\n", "dailypapers.web.app"),
        ("from ..web import app\n", "dailypapers.web"),
        ("import dailypapers.cli\n", "dailypapers.cli"),
    ],
)
def test_the_check_sees_absolute_and_relative_imports(tmp_path, source, expected):
    store = tmp_path / "dailypapers" / "store"
    store.mkdir(parents=True)
    (store / "bad.py").write_text(source, encoding="utf-8")
    found = upward_imports(tmp_path / "dailypapers")
    assert [(rel, module) for rel, _, module, _, _ in found] == [("store/bad.py", expected)]


def test_tests_share_fixtures_through_pytest_not_imports():
    """conftest.py is pytest's to load; importing it again makes a second copy of its module (and its fixtures)."""
    tests = Path(__file__).resolve().parent
    importers = sorted(p.name for p in tests.glob("*.py")
                       if any(module in ("conftest", "tests.conftest") for _, module in _imported_modules(tests, p)))
    assert importers == []
