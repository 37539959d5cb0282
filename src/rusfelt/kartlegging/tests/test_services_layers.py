"""The kartlegging services import one way (issue #14): results -> publication -> stored.

Publishing stores results and the results pages read publications; the
pieces both need live in ``services/stored.py``, so neither imports the
other back (the cycle was held together by imports inside functions).
"""

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[1] / "services"


def imported_siblings(name: str) -> set[str]:
    """The ``services`` modules ``name`` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse((SERVICES / f"{name}.py").read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_publication_does_not_import_results():
    assert "results" not in imported_siblings("publication")


def test_stored_imports_neither_results_nor_publication():
    assert not {"results", "publication"} & imported_siblings("stored")
