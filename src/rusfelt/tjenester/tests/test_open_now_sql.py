"""The SQL shortcut for "open now" gives exactly what the domain rule gives."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rusfelt.tjenester import services
from rusfelt.tjenester.domain import apningstider
from rusfelt.tjenester.models import Apningstid, Tjeneste, Unntak

pytestmark = pytest.mark.django_db

TIMES = st.sampled_from([time(0), time(2), time(8), time(8, 30), time(15, 30), time(22)])
PERIOD = st.tuples(st.integers(0, 6), TIMES, TIMES)
SCHEDULE = st.tuples(
    st.lists(PERIOD, max_size=4),
    st.booleans(),
    st.lists(st.tuples(st.integers(-1, 1), st.booleans(), TIMES, TIMES), max_size=2),
)
# Around Easter 2026 (Skjærtorsdag 2 April to 2. påskedag 6 April) and an
# ordinary week, so holidays, the day after a holiday and ordinary days occur.
MOMENTS = st.builds(
    lambda day, minute: datetime.combine(day, time()) + timedelta(minutes=minute),
    st.sampled_from([date(2026, 4, d) for d in range(1, 9)] + [date(2026, 11, 23)]),
    st.integers(0, 24 * 60 - 1),
)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedules=st.lists(SCHEDULE, min_size=1, max_size=5), at=MOMENTS)
# Langfredag 10:00: an office closed for the holiday, a service open on holidays.
@example(schedules=[([(4, time(8), time(15, 30))], False, []),
                    ([(4, time(8), time(15, 30))], True, [])],
         at=datetime(2026, 4, 3, 10))
# 2. påskedag 01:00: overnight hours from Easter Sunday (a holiday) and the day after.
@example(schedules=[([(6, time(22), time(2))], False, []),
                    ([(6, time(22), time(2))], True, [])],
         at=datetime(2026, 4, 6, 1))
# An exception on the day before, running past midnight.
@example(schedules=[([], False, [(-1, False, time(22), time(2))])],
         at=datetime(2026, 11, 24, 1))
def test_sql_open_now_equals_the_domain_rule(units, schedules, at):
    Tjeneste.objects.all().delete()
    expected = []
    for i, (periods, holidays, exceptions) in enumerate(schedules):
        obj = Tjeneste.objects.create(slug=f"t{i}", name=f"T{i}", unit=units["0301"],
                                      kind="kommunal", category="akutt", description="x",
                                      provider_name="x", open_on_holidays=holidays)
        Apningstid.objects.bulk_create(Apningstid(tjeneste=obj, weekday=d, opens=o, closes=c)
                                       for d, o, c in periods)
        rows = [Unntak(tjeneste=obj, day=at.date() + timedelta(days=offset), closed=closed,
                       opens=None if closed else o, closes=None if closed else c)
                for offset, closed, o, c in exceptions]
        Unntak.objects.bulk_create(rows)
        schedule = apningstider.Schedule(
            tuple(apningstider.Period(*p) for p in periods),
            tuple(apningstider.DayException(r.day, r.closed, r.opens, r.closes) for r in rows),
            holidays,
        )
        if apningstider.is_open(schedule, at):
            expected.append(obj.pk)
    got = services.open_now_ids(Tjeneste.objects.order_by("pk"), at)
    assert got == expected
