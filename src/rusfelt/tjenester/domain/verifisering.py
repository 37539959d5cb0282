"""When is a service's information stale? (rule version ``verifisering-v1``)

A service not verified for 12 months is flagged, to the planner and on the
public page (issue 6). A service never verified is stale. The limit is the
same calendar day 12 months later (29 February counts from 28 February).
"""

from datetime import date

RULE_VERSION = "verifisering-v1"
STALE_AFTER_MONTHS = 12


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def stale_from(verified_on: date, months: int = STALE_AFTER_MONTHS) -> date:
    """The first day on which a service verified on ``verified_on`` is stale."""
    return add_months(verified_on, months)


def is_stale(verified_on: date | None, today: date, months: int = STALE_AFTER_MONTHS) -> bool:
    if verified_on is None:
        return True
    return today >= stale_from(verified_on, months)
