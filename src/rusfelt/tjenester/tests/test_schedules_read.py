"""A page's hours are read in one statement (``services.schedules_for``) and give
the same schedules, and so the same «åpent nå»/«stengt», as the models (issue 12)."""

import re
from datetime import date, datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from rusfelt.tjenester import services
from rusfelt.tjenester.forms import current_places
from rusfelt.tjenester.models import Tjeneste, Unntak

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)  # not a holiday; Wednesday 25 November has an exception below


@pytest.fixture
def three(make_tjeneste, office_hours):
    night = make_tjeneste("natt", hours=[(0, "22:00", "02:00"), (6, "00:00", "00:00")],
                          open_on_holidays=True)
    day = make_tjeneste("dag", hours=office_hours, exceptions=[
        (date(2026, 11, 25), False, "10:00", "12:00"), (date(2026, 11, 26), True, None, None)])
    Unntak.objects.filter(tjeneste=day, day=date(2026, 11, 26)).update(note="Kursdag")
    empty = make_tjeneste("tom")
    return [night.pk, day.pk, empty.pk]


def test_the_hours_are_those_the_models_give(three):
    """Checked against Django's own reading of the rows (``Tjeneste.schedule`` over
    prefetched model objects): periods, exceptions with notes, the holiday flag."""
    read = services.schedules_for(three)
    for obj in Tjeneste.objects.filter(pk__in=three).prefetch_related("periods", "exceptions"):
        assert read[obj.pk] == obj.schedule()
    assert read[three[2]].is_empty
    assert read[three[1]].exceptions[1].note == "Kursdag"


def test_periods_and_exceptions_in_one_query(three, django_assert_num_queries):
    holidays = dict.fromkeys(three, False)
    with django_assert_num_queries(1):
        services.schedules_for(three, holidays=holidays)
    with django_assert_num_queries(2):  # open_on_holidays as well
        services.schedules_for(three)


def test_the_hours_are_read_by_sql_written_once_per_process(three):
    """Issue 12: the ORM compiled the union of periods and exceptions for every
    page, which took longer than running it. Another page of as many services
    compiles nothing, and reads what the models give."""
    holidays = dict(Tjeneste.objects.values_list("pk", "open_on_holidays"))
    services.schedules_for(three, holidays=holidays)
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True,
                           side_effect=SQLCompiler.as_sql) as as_sql:
        read = services.schedules_for(list(reversed(three)), holidays=holidays)
    assert as_sql.call_count == 0
    for obj in Tjeneste.objects.filter(pk__in=three).prefetch_related("periods", "exceptions"):
        assert read[obj.pk] == obj.schedule()


def test_a_page_of_results_is_two_queries(three, django_assert_num_queries):
    with django_assert_num_queries(2):  # the services, then their hours
        services.page_listings(three, datetime(2026, 11, 23, 12, 0))


@pytest.mark.parametrize(("at", "slug", "is_open"), [
    (datetime(2026, 11, 23, 15, 29), "dag", True),
    (datetime(2026, 11, 23, 15, 30), "dag", False),
    (datetime(2026, 11, 25, 9, 59), "dag", False),   # the exception's own hours
    (datetime(2026, 11, 25, 11, 59), "dag", True),
    (datetime(2026, 11, 25, 12, 0), "dag", False),
    (datetime(2026, 11, 26, 9, 0), "dag", False),    # closed that day
    (datetime(2026, 11, 24, 1, 59), "natt", True),   # Monday's night into Tuesday
    (datetime(2026, 11, 24, 2, 0), "natt", False),
    (datetime(2026, 11, 22, 23, 59), "natt", True),  # Sunday's whole day ...
    (datetime(2026, 11, 23, 0, 0), "natt", False),   # ... ends at midnight
    (datetime(2026, 11, 23, 12, 0), "tom", False),
])
def test_open_now_at_the_boundaries(three, at, slug, is_open):
    listing = {li.tjeneste.slug: li for li in services.page_listings(three, at)}[slug]
    assert listing.status.is_open is is_open


@pytest.fixture
def emergency(make_tjeneste, office_hours):
    """Akutt services of Oslo (0301) and of a bydel (030104), one of Stavanger's,
    one not published: the box of 030104 ranks the first four by open now, name."""
    made = [
        make_tjeneste("a-dognet", name="A døgnet", category="akutt",
                      hours=[(d, "00:00", "00:00") for d in range(7)]),
        make_tjeneste("b-kontor", name="B kontor", category="akutt", hours=office_hours),
        make_tjeneste("c-natt", name="C natt", category="akutt", unit="030104",
                      hours=[(d, "21:00", "08:00") for d in range(7)]),
        make_tjeneste("d-kontor", name="D kontor", category="akutt", unit="030104",
                      hours=office_hours),
        make_tjeneste("e-ingen", name="E ingen tider", category="akutt"),
        make_tjeneste("f-stavanger", name="F Stavanger", category="akutt", unit="1103",
                      hours=office_hours),
        make_tjeneste("g-upublisert", name="G upublisert", category="akutt",
                      hours=office_hours, published=False),
        make_tjeneste("h-bolig", name="H bolig", category="bolig", hours=office_hours),
    ]
    return {t.slug: t.pk for t in made}


@pytest.mark.parametrize("at", [
    datetime(2026, 11, 23, 8, 29), datetime(2026, 11, 23, 8, 30),   # office opens
    datetime(2026, 11, 23, 15, 29), datetime(2026, 11, 23, 15, 30),  # ... and closes
    datetime(2026, 11, 23, 20, 59), datetime(2026, 11, 23, 21, 0),   # the night opens
    datetime(2026, 11, 24, 7, 59), datetime(2026, 11, 24, 8, 0),     # ... and closes
    datetime(2026, 12, 25, 12, 0),                                   # Christmas Day
])
def test_the_page_s_emergency_box_is_the_place_s_emergency_services(emergency, at):
    """Read with the page, the box is what ``emergency_services`` (the detail page's
    and the API's reading: its own queries) gives at the same moment."""
    page = [emergency["h-bolig"], emergency["d-kontor"]]
    results, box = services.results_page(page, at, "030104")
    expected = services.emergency_services("030104", at)
    assert [(b.tjeneste.slug, b.status, b.stale) for b in box] == [
        (e.tjeneste.slug, e.status, e.stale) for e in expected]
    assert [r.tjeneste.slug for r in results] == ["h-bolig", "d-kontor"]
    assert len(box) == services.EMERGENCY_LIMIT


def test_a_page_with_its_emergency_box_is_two_queries(emergency, django_assert_num_queries):
    units = current_places().served("030104")  # as the search form reads them
    with django_assert_num_queries(2):  # the services of both, then their hours
        results, box = services.results_page([emergency["h-bolig"]],
                                             datetime(2026, 11, 23, 12, 0), "030104", units)
    assert [b.tjeneste.slug for b in box] == ["a-dognet", "b-kontor", "d-kontor", "c-natt"]
    assert [r.tjeneste.slug for r in results] == ["h-bolig"]


def test_a_page_with_its_emergency_box_reads_only_their_services(emergency, units):
    """Issue 12: the page's ids OR the place's emergency services made PostgreSQL
    read every service in the country (2 ms for 20 rows among 5 000); as one id set
    it reads them through the primary key. Shown by the plan's own count of the
    rows it read and threw away, with 200 other services elsewhere (and sequential
    scans priced out, so that this small table is read as a large one would be)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite answers the OR through the primary key (MULTI-INDEX OR)")
    others = [Tjeneste(slug=f"annen-{i}", name=f"Annen {i}", unit=units["1103"],
                       kind="kommunal", category="bolig") for i in range(200)]
    Tjeneste.objects.bulk_create(others)
    places = current_places().served("030104")
    with CaptureQueriesContext(connection) as queries:
        services.results_page([emergency["h-bolig"]], datetime(2026, 11, 23, 12, 0), "030104",
                              places)
    (sql,) = [q["sql"] for q in queries if '"emergency"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tjenester_tjeneste, core_orgunit")  # as autovacuum would
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    thrown_away = sum(int(n) for n in re.findall(r"Rows Removed by Filter: (\d+)", plan))
    assert thrown_away < 20, plan
