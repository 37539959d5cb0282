"""Reporting periods: a whole year or a tertial (T1-T3) of a year.

Periods are ordered by one integer key, so the database can pick "the
latest status up to a period" with a plain ``<=``: a tertial is
``year*10 + n`` and the whole year ``year*10 + 9`` (it closes the year, as
the yearly report to the council comes after the third tertial).
"""

from __future__ import annotations

import re

WHOLE_YEAR = 0
YEAR_SLOT = 9

_PATTERN = re.compile(r"^\s*(\d{4})(?:\s*[-/ ]?\s*[Tt](\d))?\s*$")


def period_key(year: int, tertial: int = WHOLE_YEAR) -> int:
    if tertial not in (0, 1, 2, 3):
        raise ValueError("tertial må være 0 (hele året), 1, 2 eller 3")
    return year * 10 + (tertial or YEAR_SLOT)


def end_of_year_key(year: int) -> int:
    """The key that includes every period of ``year`` and all before it."""
    return year * 10 + YEAR_SLOT


def split_key(key: int) -> tuple[int, int]:
    year, slot = divmod(key, 10)
    return year, (0 if slot == YEAR_SLOT else slot)


def period_label(year: int, tertial: int = WHOLE_YEAR) -> str:
    return f"{year}" if not tertial else f"{year} T{tertial}"


def parse_period(text: str) -> tuple[int, int]:
    """'2021' -> (2021, 0); '2021-T2' or '2021 T2' -> (2021, 2)."""
    match = _PATTERN.match(text or "")
    if not match:
        raise ValueError("periode må skrives som år (2021) eller år og tertial (2021-T2)")
    year = int(match.group(1))
    tertial = int(match.group(2) or 0)
    if tertial > 3:
        raise ValueError("tertial må være 1, 2 eller 3")
    return year, tertial
