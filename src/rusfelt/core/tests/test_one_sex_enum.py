"""One enum for legal sex (issue #14): the domain, the models and the forms share it."""

import ast
from pathlib import Path

from rusfelt.core.domain.sex import Sex
from rusfelt.core.models import Population
from rusfelt.kartlegging.models import Registrering
from rusfelt.screening.domain import scoring

PACKAGE = Path(__file__).resolve().parents[2]


def _string_members(node: ast.ClassDef) -> set[str]:
    """String values a class assigns: ``MANN = "mann"`` or ``MANN = "mann", _("Mann")``."""
    values = set()
    for statement in node.body:
        if not isinstance(statement, ast.Assign):
            continue
        value = statement.value
        if isinstance(value, ast.Tuple) and value.elts:
            value = value.elts[0]
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            values.add(value.value)
    return values


def test_mann_and_kvinne_are_defined_by_one_class_in_core_domain():
    definitions = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and {"mann", "kvinne"} <= _string_members(node):
                definitions.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    assert definitions == ["core/domain/sex.py:Sex"]


def test_screening_scores_with_the_core_enum():
    assert scoring.Sex is Sex


def test_model_fields_offer_exactly_the_two_legal_sexes():
    for field in (Population._meta.get_field("sex"), Registrering._meta.get_field("kjonn")):
        assert [value for value, _label in field.choices] == ["mann", "kvinne"], field
