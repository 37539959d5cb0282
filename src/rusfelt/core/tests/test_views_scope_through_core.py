"""Views load unit-owned rows through ``core.scoping`` (issue #14), never a hand-made filter.

A view that writes ``Model.objects.filter(unit__in=...)`` builds its own
scope; one mistake there (a unit list of the wrong role) shows another
municipality's rows. The scope belongs in ``for_user()`` /
``get_for_user_or_404()`` and the helpers of ``core.scoping``.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
VIEW_FILES = sorted([*PACKAGE.glob("*/views.py"), *PACKAGE.glob("*/views/*.py"),
                     PACKAGE / "konto" / "groups.py"])
HAND_SCOPES = ("unit__in", "unit__path__startswith", "unit__path__in")


def _hand_scoped_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        on_manager = isinstance(receiver, ast.Attribute) and receiver.attr == "objects"
        if on_manager and node.func.attr in ("filter", "exclude", "get"):
            found += [f"{path.name}:{node.lineno} {kw.arg}" for kw in node.keywords
                      if kw.arg and kw.arg.endswith(HAND_SCOPES)]
    return found


def test_there_are_view_modules():
    assert PACKAGE / "core" / "views.py" in VIEW_FILES


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_view_builds_no_unit_scope_by_hand(path):
    assert _hand_scoped_calls(path) == []
