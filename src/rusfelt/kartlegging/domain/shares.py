"""Shares in percent, with one decimal, rounded half up as printed reports do."""

from decimal import Decimal

from rusfelt.core.domain.rounding import percent


def share(count: int, total: int) -> Decimal | None:
    return percent(count, total, 1)


AGE_BANDS = ((16, 29, "16-29"), (30, 59, "30-59"), (60, 200, "60+"))  # seed 003 L228


def age_band(age: int) -> str:
    for lo, hi, label in AGE_BANDS:
        if lo <= age <= hi:
            return label
    return "under 16"
