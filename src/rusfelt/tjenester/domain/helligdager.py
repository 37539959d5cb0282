"""Norwegian public holidays (helligdager og høytidsdager), computed.

The movable feasts follow Easter Sunday (Gregorian computus, the "anonymous"
algorithm of Meeus/Jones/Butcher). The fixed days are 1 January, 1 May,
17 May, 25 and 26 December. Sundays are not listed: opening hours say
what a service does on a Sunday.

Rule version ``helligdager-v1``. The maintained ``holidays`` package (PyPI)
gives the same days; a test compares the two where it is installed.
"""

from datetime import date, timedelta
from functools import lru_cache

RULE_VERSION = "helligdager-v1"


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` (Gregorian calendar)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """The public holidays of ``year``: date -> bokmål name."""
    easter = easter_sunday(year)
    listed = [
        (date(year, 1, 1), "Første nyttårsdag"),
        (easter - timedelta(days=3), "Skjærtorsdag"),
        (easter - timedelta(days=2), "Langfredag"),
        (easter, "Første påskedag"),
        (easter + timedelta(days=1), "Andre påskedag"),
        (date(year, 5, 1), "Arbeidernes dag"),
        (date(year, 5, 17), "Grunnlovsdag"),
        (easter + timedelta(days=39), "Kristi himmelfartsdag"),
        (easter + timedelta(days=49), "Første pinsedag"),
        (easter + timedelta(days=50), "Andre pinsedag"),
        (date(year, 12, 25), "Første juledag"),
        (date(year, 12, 26), "Andre juledag"),
    ]
    # Two feasts may fall on one day (17 May 2027 is also Andre pinsedag).
    days: dict[date, str] = {}
    for day, name in listed:
        days[day] = f"{days[day]} og {name.lower()}" if day in days else name
    return dict(sorted(days.items()))


def holiday_name(day: date) -> str | None:
    """The holiday's name if ``day`` is a public holiday, else None."""
    return public_holidays(day.year).get(day)


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)
