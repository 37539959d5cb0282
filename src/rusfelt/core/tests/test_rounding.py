"""Half-up rounding of shares and rates, through one function (issue 15, item 2)."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from rusfelt.core.dokumenter import formatting
from rusfelt.core.domain import rounding

PACKAGE = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("part", "total", "decimals", "expected"), [
    (28, 42, 1, "66.7"),   # the case: 66,666… -> 66,7, not 66,6
    (1, 8, 0, "13"),       # 12,5 -> 13 (round() gives 12)
    (1, 16, 1, "6.3"),     # 6,25 -> 6,3 (half to even gives 6,2)
    (3, 16, 1, "18.8"),    # 18,75 -> 18,8
    (2, 3, 1, "66.7"),
    (1, 3, 1, "33.3"),
    (0, 5, 1, "0.0"),
    (5, 5, 1, "100.0"),
])
def test_percent_rounds_halves_up(part, total, decimals, expected):
    assert rounding.percent(part, total, decimals) == Decimal(expected)


def test_percent_of_nothing_is_missing_not_zero():
    assert rounding.percent(0, 0) is None
    assert rounding.percent(3, None) is None


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (2.675, 2, "2.68"),   # the float 2.675 is stored below the half; printed it is a half
    (0.05, 1, "0.1"),
    (Decimal("187.5"), 0, "188"),  # seed 001 L1646
    (-0.25, 1, "-0.3"),   # away from zero, as a printed table does
])
def test_rounded_reads_floats_as_written(value, decimals, expected):
    assert rounding.rounded(value, decimals) == Decimal(expected)


def test_formatting_uses_the_same_function():
    assert formatting.rounded is rounding.rounded
    assert formatting.percent is rounding.percent
    assert formatting.format_value(Decimal(2800) / 42, 1) == "66,7"


def _rounding_calls(path: Path) -> list[str]:
    """Places in ``path`` that round on their own: round(), .quantize(), ROUND_*."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "round":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} round()")
            if isinstance(func, ast.Attribute) and func.attr == "quantize":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} .quantize()")
        if isinstance(node, ast.Name | ast.alias):
            name = node.id if isinstance(node, ast.Name) else node.name
            if name.startswith("ROUND_"):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    return found


# Not figures for readers: timings of benchmarks and the health endpoint, and
# demo generators that pick whole people from shares.
EXEMPT = ("tests/", "bench.py", "demo.py", "loadtest.py", "drift/views.py",
          "core/domain/rounding.py")


def test_no_module_rounds_figures_on_its_own():
    offenders = [
        hit
        for path in sorted(PACKAGE.glob("*/**/*.py"))
        if not any(part in str(path.relative_to(PACKAGE)) for part in EXEMPT)
        for hit in _rounding_calls(path)
    ]
    assert offenders == [], "round through core.domain.rounding: " + ", ".join(offenders)
