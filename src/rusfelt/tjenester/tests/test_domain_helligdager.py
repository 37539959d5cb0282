from datetime import date

import pytest

from rusfelt.tjenester.domain.helligdager import (
    easter_sunday,
    holiday_name,
    is_public_holiday,
    public_holidays,
)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2019, date(2019, 4, 21)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
     (2026, date(2026, 4, 5)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22))],
)
def test_easter_sunday_matches_the_calendar(year, expected):
    assert easter_sunday(year) == expected


def test_2026_has_the_twelve_norwegian_public_holidays():
    days = public_holidays(2026)
    assert len(days) == 12
    assert days[date(2026, 4, 2)] == "Skjærtorsdag"
    assert days[date(2026, 4, 3)] == "Langfredag"
    assert days[date(2026, 4, 6)] == "Andre påskedag"
    assert days[date(2026, 5, 14)] == "Kristi himmelfartsdag"
    assert days[date(2026, 5, 25)] == "Andre pinsedag"
    assert days[date(2026, 5, 17)] == "Grunnlovsdag"
    assert holiday_name(date(2026, 12, 26)) == "Andre juledag"


def test_an_ordinary_day_and_christmas_eve_are_not_public_holidays():
    assert not is_public_holiday(date(2026, 11, 23))
    assert not is_public_holiday(date(2026, 12, 24))


def test_the_maintained_holidays_package_agrees():
    holidays = pytest.importorskip("holidays")
    for year in range(2015, 2041):
        theirs = set(holidays.country_holidays("NO", years=year))
        assert set(public_holidays(year)) == theirs, year


def test_two_feasts_on_one_day_keep_both_names():
    assert holiday_name(date(2027, 5, 17)) == "Grunnlovsdag og andre pinsedag"
