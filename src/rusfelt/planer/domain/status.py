"""Status of measures: the summary of a period, what changed since the last
period, and when a measure is overdue.

Statuses are the codes of the issue: ikke_startet, pagar, gjennomfort,
utsatt, avsluttet. A measure with no report up to the period counts as
``IKKE_RAPPORTERT`` in summaries, so that the counts always add up to the
number of measures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rusfelt.core.domain.rounding import percent

IKKE_STARTET = "ikke_startet"
PAGAR = "pagar"
GJENNOMFORT = "gjennomfort"
UTSATT = "utsatt"
AVSLUTTET = "avsluttet"
IKKE_RAPPORTERT = "ikke_rapportert"

STATUSES = (IKKE_STARTET, PAGAR, GJENNOMFORT, UTSATT, AVSLUTTET)
#: Order of rows in summaries and reports.
SUMMARY_ORDER = STATUSES + (IKKE_RAPPORTERT,)
#: A measure in one of these is finished and can no longer be overdue.
CLOSED = frozenset({GJENNOMFORT, AVSLUTTET})


@dataclass(frozen=True)
class Change:
    key: str
    before: str
    after: str


def normalise(status: str | None) -> str:
    return status if status in STATUSES else IKKE_RAPPORTERT


def summary(statuses: Iterable[str | None]) -> dict[str, int]:
    """Counts per status, every status present, in SUMMARY_ORDER."""
    counts = Counter(normalise(s) for s in statuses)
    return {s: counts.get(s, 0) for s in SUMMARY_ORDER}


def summary_from_counts(counts: dict[str | None, int]) -> dict[str, int]:
    """The same as ``summary`` from counts the database grouped."""
    result = dict.fromkeys(SUMMARY_ORDER, 0)
    for status, n in counts.items():
        result[normalise(status)] += n
    return result


def changes(pairs: Iterable[tuple[str, str | None, str | None]]) -> list[Change]:
    """Measures whose status differs between the previous and this period.

    ``pairs`` is (measure key, status before, status now).
    """
    result = []
    for key, before, after in pairs:
        b, a = normalise(before), normalise(after)
        if b != a:
            result.append(Change(key, b, a))
    return result


def percent_done(counts: dict[str, int]) -> Decimal | None:
    """Whole per cent of measures gjennomført or avsluttet, half up; None with no measures."""
    done = counts.get(GJENNOMFORT, 0) + counts.get(AVSLUTTET, 0)
    return percent(done, sum(counts.values()), 0)


def is_overdue(
    status: str | None, today: date, deadline: date | None = None, period_to: int | None = None,
    *, plan_end: int | None = None, year_closed: bool = False,
) -> bool:
    """Past its deadline (or past the end of its last year) and not finished.

    A deadline is met on the day itself; a measure ``til år 2021`` is overdue
    from 1 January 2022, or in the report that closes 2021 (``year_closed``,
    with ``today`` its last day). A measure with neither runs until the plan
    ends (``plan_end``): unfinished when the plan's last year is over, it is late.
    """
    if normalise(status) in CLOSED:
        return False
    if deadline is not None:
        return today > deadline
    last_year = period_to if period_to is not None else plan_end
    if last_year is not None:
        return today.year > last_year or (year_closed and today.year == last_year)
    return False
