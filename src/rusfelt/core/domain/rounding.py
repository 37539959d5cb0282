"""Half-up rounding of every figure Rusfelt prints: the one function, no Django.

Norwegian statistics round halves up (SSB; the seeds print 188 % for 187,5 %,
seed 001 L1646; 28 of 42 is 66,7 %). Python's ``round()`` rounds halves to
even (``round(12.5) == 12``) and float arithmetic misplaces halves (2,675
is stored below the half), so figures are rounded here, on ``Decimal``, and
nowhere else. ``core.dokumenter.formatting`` formats what this rounds; domain
modules, which may not import Django, use this module directly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def rounded(value, decimals: int = 0) -> Decimal:
    """``value`` rounded half up to ``decimals`` places (``rounded(12.5) == 13``).

    Floats are read through their shortest text (``0.125`` is 0,125), so a
    half that was typed stays a half.
    """
    if isinstance(value, float):
        value = str(value)
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def percent(part, total, decimals: int = 1) -> Decimal | None:
    """``part`` of ``total`` in percent, rounded half up; None where ``total`` is 0 or None."""
    if not total:
        return None
    return rounded(Decimal(part) * 100 / Decimal(total), decimals)
