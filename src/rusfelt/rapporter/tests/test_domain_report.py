from decimal import Decimal

import pytest

from rusfelt.rapporter.domain.report import Section, Table, cell, decimal_comma, percent


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ".."), ("", ".."), (0, "-"), (":", ":"), (319, "319"), ("12", "12")],
)
def test_a_cell_keeps_ssb_symbols_and_marks_zero_and_missing(value, expected):
    assert cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("9.4"), "9,4 %"), ("67.0", "67,0 %"), (":", ":"), (None, ".."), (0, "-")],
)
def test_a_percent_has_a_decimal_comma_and_keeps_symbols(value, expected):
    assert percent(value) == expected


def test_a_rate_gets_a_decimal_comma():
    # Seed 003 L217: St. Hanshaugen 9,4 per 1 000 inhabitants aged 16+.
    assert decimal_comma("9.4") == "9,4"


def test_a_section_without_tables_or_charts_has_no_content():
    assert not Section("x", "X").has_content
    assert Section("x", "X", tables=[Table("t", ["a"], [["1"]])]).has_content
