"""Domain modules hold rules in plain Python: no Django import anywhere under */domain/."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
DOMAIN_FILES = sorted(PACKAGE.glob("*/domain/*.py"))


def test_there_are_domain_modules():
    assert any(p.name == "enheter.py" for p in DOMAIN_FILES)


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_a_domain_module_imports_no_django(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not name.split(".")[0] == "django", f"{path} imports {name}"
            assert not name.startswith("rusfelt") or ".domain" in name, f"{path} imports {name}"
