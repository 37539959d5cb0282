"""Shares in percent, with one decimal, rounded half up as printed reports do."""

from decimal import ROUND_HALF_UP, Decimal


def share(count: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


AGE_BANDS = ((16, 29, "16-29"), (30, 59, "30-59"), (60, 200, "60+"))  # seed 003 L228


def age_band(age: int) -> str:
    for lo, hi, label in AGE_BANDS:
        if lo <= age <= hi:
            return label
    return "under 16"
