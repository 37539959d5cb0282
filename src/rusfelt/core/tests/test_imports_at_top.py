"""Imports sit at the top of a module (issue #14), except the ones listed here with a reason.

An import inside a function hides a dependency (and, for a cycle, a layer
that points the wrong way) until the function runs. Tests, conftest and
migrations are not checked.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

#: module path -> what it may import inside a function. Shrink it; do not grow it.
ALLOWED = {
    # AppConfig.ready() connects signals and checks once the registry is ready.
    "core/apps.py": {"."},
    "drift/apps.py": {"django.core.management"},
    "konto/apps.py": {"."},
    "tjenester/apps.py": {".forms", ".search", "django.db.models.signals",
                          "rusfelt.core.models"},
    # Settings and the manage entry point run before Django is set up.
    "settings/base.py": {"django.core.exceptions"},
    "manage.py": {"django.core.management"},
    # Benchmarks and the server import the project only when they run.
    "core/bench.py": {"rusfelt.core", "rusfelt.core.demo", "rusfelt.core.models"},
    "indikatorer/bench.py": {".", ".demo", ".models", "django.contrib.auth",
                             "django.core.management", "rusfelt.core.models"},
    "tjenester/bench.py": {".domain", ".forms", ".models", ".search", ".services",
                           "rusfelt.core.models"},
    "drift/management/commands/serve.py": {"rusfelt.drift.server"},
    "drift/server.py": {"rusfelt.wsgi"},
    # Heavy libraries loaded on first use.
    "core/domain/tabular.py": {"openpyxl"},
    # Cycles: kartlegging.results builds its tables with screening's, and
    # kartlegging.services reads screening's import columns; the screening side
    # imports kartlegging back inside the one function that needs it.
    "screening/mapping.py": {"rusfelt.kartlegging"},
    "screening/results.py": {"rusfelt.kartlegging.results"},
    # Publishing renders the results page's charts (issue 12); the page's
    # presentation reads the published figures through kartlegging.services.
    "kartlegging/services/rounds.py": {"..presentation"},
}


def _imports_in_functions(path: Path) -> set[str]:
    found = set()
    for function in ast.walk(ast.parse(path.read_text())):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                found.add("." * node.level + (node.module or ""))
    return found


def _checked_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield "/".join(parts), path


def test_imports_inside_functions_are_only_the_listed_ones():
    extra = {}
    for name, path in _checked_modules():
        unlisted = _imports_in_functions(path) - ALLOWED.get(name, set())
        if unlisted:
            extra[name] = sorted(unlisted)
    assert extra == {}, "move these imports to the top of the module"

