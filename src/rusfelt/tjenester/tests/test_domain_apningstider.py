from datetime import date, datetime, time

import pytest

from rusfelt.tjenester.domain.apningstider import (
    DayException,
    Period,
    Schedule,
    is_always_open,
    is_open,
    status,
)

WEEKDAYS_0830_1530 = tuple(Period(d, time(8, 30), time(15, 30)) for d in range(5))
# Monday 23 November 2026 is an ordinary Monday.
MONDAY = date(2026, 11, 23)


def at(day, hh, mm=0):
    return datetime.combine(day, time(hh, mm))


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(MONDAY, 8, 29), False),
        (at(MONDAY, 8, 30), True),
        (at(MONDAY, 15, 29), True),
        (at(MONDAY, 15, 30), False),  # closing time itself is closed
        (at(date(2026, 11, 28), 12), False),  # Saturday
    ],
)
def test_weekday_hours(when, expected):
    assert is_open(Schedule(WEEKDAYS_0830_1530), when) is expected


def test_status_tells_when_it_closes_and_when_it_opens_next():
    schedule = Schedule(WEEKDAYS_0830_1530)
    assert status(schedule, at(MONDAY, 10)).changes_at == at(MONDAY, 15, 30)
    friday_evening = at(date(2026, 11, 27), 20)
    assert status(schedule, friday_evening).changes_at == at(date(2026, 11, 30), 8, 30)


def test_overnight_hours_run_past_midnight():
    # A night shelter open Friday 22:00 to Saturday 08:00.
    schedule = Schedule((Period(4, time(22), time(8)),))
    friday = date(2026, 11, 27)
    assert is_open(schedule, at(friday, 23))
    assert is_open(schedule, at(date(2026, 11, 28), 7, 59))
    assert not is_open(schedule, at(date(2026, 11, 28), 8))
    assert not is_open(schedule, at(friday, 21, 59))


def test_closed_on_a_public_holiday_unless_marked_open():
    # 17 May 2028 is a Wednesday.
    constitution_day = date(2028, 5, 17)
    assert not is_open(Schedule(WEEKDAYS_0830_1530), at(constitution_day, 10))
    assert status(Schedule(WEEKDAYS_0830_1530), at(constitution_day, 10)).holiday == "Grunnlovsdag"
    assert is_open(Schedule(WEEKDAYS_0830_1530, open_on_holidays=True), at(constitution_day, 10))


@pytest.mark.parametrize(
    "holiday",
    [date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25),
     date(2026, 1, 1), date(2026, 5, 1), date(2026, 12, 25)],
    ids=["skjaertorsdag", "langfredag", "2-paaskedag", "kristi-himmelfart", "2-pinsedag",
         "nyttaar", "1-mai", "1-juledag"],
)
def test_weekday_holidays_close_an_ordinary_office(holiday):
    assert holiday.weekday() < 5
    assert not is_open(Schedule(WEEKDAYS_0830_1530), at(holiday, 10))


def test_an_exception_opens_a_holiday_and_another_closes_an_ordinary_day():
    easter_monday = date(2026, 4, 6)
    schedule = Schedule(
        WEEKDAYS_0830_1530,
        exceptions=(
            DayException(easter_monday, closed=False, opens=time(12), closes=time(16)),
            DayException(MONDAY, closed=True, note="Fagdag"),
        ),
    )
    assert is_open(schedule, at(easter_monday, 13))
    assert not is_open(schedule, at(easter_monday, 10))
    assert not is_open(schedule, at(MONDAY, 10))
    assert status(schedule, at(MONDAY, 10)).changes_at == at(date(2026, 11, 24), 8, 30)


def test_legevakt_is_open_day_and_night_on_holidays_too():
    # Legevakt: "24 timer i døgnet" (seed 004 L866-870).
    schedule = Schedule(tuple(Period(d, time(0), time(0)) for d in range(7)),
                        open_on_holidays=True)
    assert is_always_open(schedule)
    for when in (at(date(2026, 12, 25), 3), at(MONDAY, 0), at(date(2026, 5, 17), 23, 59)):
        assert is_open(schedule, when)
    # Back-to-back days merge: it never "closes at midnight".
    assert status(schedule, at(MONDAY, 10)).changes_at is None or (
        status(schedule, at(MONDAY, 10)).changes_at > at(MONDAY, 23, 59)
    )


def test_staffed_housing_open_until_about_22():
    # Bo og aktivitet: part of the housing is staffed until about 22 (seed 004 L923-933).
    schedule = Schedule(tuple(Period(d, time(8), time(22)) for d in range(7)),
                        open_on_holidays=True)
    assert is_open(schedule, at(MONDAY, 21, 59))
    assert not is_open(schedule, at(MONDAY, 22))


def test_an_empty_schedule_is_never_open():
    assert not is_open(Schedule(), at(MONDAY, 12))
    assert status(Schedule(), at(MONDAY, 12)).changes_at is None


def test_summer_time_change_uses_the_wall_clock():
    # 29 March 2026: clocks go from 02:00 to 03:00 in Europe/Oslo.
    schedule = Schedule((Period(6, time(1), time(4)),))
    assert is_open(schedule, at(date(2026, 3, 29), 3, 30))
