"""The measures list and the yearly report read each measure's status from the plan's
kept picks (``services.read_with_status``), not three correlated subqueries per measure.

On PostgreSQL planning and running those subqueries took 1.2 of the measures query's
1.5 ms (issue 12). The picks must give every measure what the subqueries give.
"""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rusfelt.planer import demo, report, services
from rusfelt.planer.domain import perioder
from rusfelt.planer.models import Plan, Statusoppdatering, Tiltak

SLUG = "stavanger-rusplan-2019-2023"


def _report(tiltak, year, status, when, tertial=0, comment=""):
    Statusoppdatering.objects.create(
        tiltak=tiltak, year=year, tertial=tertial, status=status, comment=comment,
        period_key=perioder.period_key(year, tertial),
        created_at=datetime(*when, tzinfo=timezone.get_current_timezone()))


def _figures(measures):
    return [(t.pk, t.cur, t.prev, t.cur_comment) for t in measures]


@pytest.mark.django_db
def test_the_kept_picks_give_each_measure_what_the_subqueries_give(units):
    """Ties in a period go to the later registered, then the higher id; the whole year
    beats its tertials; the comment is the one of the year's own latest update, none in
    a year without one; a year without reports carries the status of the year before."""
    demo.load(slugs=[SLUG])
    plan = Plan.objects.get(slug=SLUG)
    a, b, c, d = plan.tiltak.order_by("pk")[:4]
    # The demo's own reports stay for the plan's other measures.
    Statusoppdatering.objects.filter(tiltak__in=[a, b, c, d]).delete()
    # Registered later with the lower id: the later registration wins.
    _report(a, 2021, "gjennomfort", (2022, 1, 5), comment="Ferdig")
    _report(a, 2021, "pagar", (2021, 12, 1), comment="Underveis")
    # The same time: the higher id wins.
    _report(b, 2022, "utsatt", (2022, 12, 1), comment="Utsatt")
    _report(b, 2022, "pagar", (2022, 12, 1), comment="Videre")
    # The whole year beats a third tertial registered after it.
    _report(c, 2023, "gjennomfort", (2023, 12, 1), comment="Året")
    _report(c, 2023, "utsatt", (2024, 1, 9), tertial=3, comment="T3")
    # A tertial only, the year after a whole year; then nothing for two years.
    _report(d, 2022, "pagar", (2022, 12, 1), comment="Hele 2022")
    _report(d, 2023, "avsluttet", (2023, 5, 1), tertial=1, comment="T1 2023")
    measures = plan.tiltak.select_related("area").order_by("order", "id")
    for year in range(2018, 2027):
        expected = _figures(services.with_status(measures, year))
        assert _figures(services.read_with_status(measures, plan, year)) == expected, year
    picks = {t.pk: t for t in services.read_with_status(measures, plan, 2023)}
    assert (picks[c.pk].cur, picks[c.pk].cur_comment) == ("gjennomfort", "Året")
    assert (picks[d.pk].cur, picks[d.pk].prev, picks[d.pk].cur_comment) == (
        "avsluttet", "pagar", "T1 2023")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "query"), [("planer:tiltak_list", "?ar=2022"),
                                             ("planer:rapport", "?periode=2022")])
def test_the_measures_list_and_the_report_read_no_status_once_the_picks_are_kept(
        client, units, stavanger_planlegger, name, query):
    demo.load(slugs=[SLUG])
    client.force_login(stavanger_planlegger)
    url = reverse(name, args=[SLUG]) + query
    assert client.get(url).status_code == 200  # keeps the plan's picks
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert [q["sql"] for q in queries if "planer_statusoppdatering" in q["sql"]] == []


@pytest.mark.django_db(transaction=True)
def test_the_report_shows_a_status_written_after_the_picks_were_kept(
        units, stavanger_planlegger):
    demo.load(slugs=[SLUG])
    plan = Plan.objects.select_related("owner").get(slug=SLUG)
    report.build(plan, 2022)  # keeps the picks
    tiltak = plan.tiltak.order_by("order", "id").first()
    services.record_status(tiltak, 2022, 0, "avsluttet", "Lagt ned", user=stavanger_planlegger)
    plan = Plan.objects.select_related("owner").get(slug=SLUG)
    by_status = {s.key: s for s in report.build(plan, 2022).sections}["tiltak"].tables()
    [(caption, comment)] = [(table.caption, str(row[-1])) for table in by_status
                            for row in table.rows if str(row[0]) == tiltak.number]
    assert caption.startswith("Avsluttet") and comment == "Lagt ned"


def _area_queries(queries):
    return [q["sql"] for q in queries if "planer_omrade" in q["sql"]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "query"), [("planer:tiltak_list", "?ar=2022"),
                                             ("planer:rapport", "?periode=2022")])
def test_the_measures_list_and_the_report_join_no_area_once_the_areas_are_kept(
        client, units, stavanger_planlegger, name, query):
    """PostgreSQL joined 40 measures' areas by hashing every area of every plan."""
    demo.load(slugs=[SLUG])
    client.force_login(stavanger_planlegger)
    url = reverse(name, args=[SLUG]) + query
    assert client.get(url).status_code == 200  # keeps the plan's areas
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert _area_queries(queries) == []


@pytest.mark.django_db(transaction=True)
def test_a_measure_page_names_its_area_and_the_areas_above_it_from_the_kept_areas(
        client, units, oslo_planlegger):
    """``Omrade.path_titles`` read each parent with a query of its own."""
    demo.load(slugs=["oslo-strategisk-plan-rus"])
    tiltak = (Tiltak.objects.filter(plan__slug="oslo-strategisk-plan-rus",
                                    area__parent__isnull=False)
              .select_related("area__parent", "plan").first())
    client.force_login(oslo_planlegger)
    url = reverse("planer:tiltak_detail", args=[tiltak.plan.slug, tiltak.pk])
    client.get(url)  # keeps the plan's areas
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert _area_queries(queries) == []
    assert f"{tiltak.area.parent.title} › {tiltak.area.title}" in page
