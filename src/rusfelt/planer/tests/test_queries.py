"""Plan pages read a fixed number of queries, however many measures (issue #12).

On PostgreSQL each query costs a round trip; a query per measure made the
pages 30-40 times slower there than on SQLite.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rusfelt.core.bench import analyze, explain
from rusfelt.planer import bench, demo, views
from rusfelt.planer.models import Endring, Plan, Tiltak

pytestmark = pytest.mark.django_db
SLUG = "stavanger-rusplan-2019-2023"


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _more_measures(plan, k):
    last = plan.tiltak.order_by("-pk").first()
    for i in range(k):
        Tiltak.objects.create(plan=plan, number=f"X{i}", text=f"Ekstra {i}", area=last.area,
                              deadline=date(2020, 1, 1))


@pytest.mark.parametrize("name", ["planer:plan_detail", "planer:endringer"])
def test_plan_pages_do_not_query_per_measure(client, units, stavanger_planlegger, name):
    demo.load(slugs=[SLUG])
    plan = Plan.objects.get(slug=SLUG)
    client.force_login(stavanger_planlegger)
    url = reverse(name, args=[SLUG])
    before = _count(client, url)
    _more_measures(plan, 6)
    for t in Tiltak.objects.filter(plan=plan, number__startswith="X"):
        Endring.objects.create(plan=plan, tiltak=t, decision_ref="sak 1/26", description="x",
                               date=date(2026, 1, 1))
    assert _count(client, url) == before


def _report_years(plan, years):
    """A status report for every measure of ``plan`` in each of ``years``."""
    from rusfelt.planer.domain import perioder
    from rusfelt.planer.models import Statusoppdatering

    Statusoppdatering.objects.bulk_create(
        Statusoppdatering(tiltak=t, year=year, tertial=0, period_key=perioder.period_key(year),
                          status="pagar", comment="")
        for t in plan.tiltak.all() for year in years)


@pytest.mark.parametrize(("name", "query"), [("planer:plan_detail", ""),
                                             ("planer:rapport", "?periode=2030")])
def test_plan_pages_do_not_query_per_reported_year(client, units, stavanger_planlegger,
                                                   name, query):
    """Status over the periods is one query, however many years have reports."""
    demo.load(slugs=[SLUG])
    plan = Plan.objects.get(slug=SLUG)
    client.force_login(stavanger_planlegger)
    url = reverse(name, args=[SLUG]) + query
    _report_years(plan, [2025])
    before = _count(client, url)
    _report_years(plan, [2026, 2027, 2028])
    assert _count(client, url) == before


def test_status_over_periods_counts_each_year_as_status_counts_does(units):
    """The one query gives each year exactly the counts of ``status_counts``."""
    from rusfelt.planer import services

    demo.load(slugs=[SLUG])
    plan = Plan.objects.get(slug=SLUG)
    _report_years(plan, [2024])
    periods = services.status_over_periods(plan)
    assert len(periods) > 1
    for year, counts in periods:
        if counts is not None:
            assert counts == services.status_counts(plan, year), year


def test_yearly_report_counts_areas_and_overdue_from_the_measures_it_read(units):
    """The report reads the plan's measures with their status once; the area table and
    the overdue list come from them and agree with the database's own counts."""
    from rusfelt.planer import report, services

    demo.load(slugs=[SLUG])
    plan = Plan.objects.select_related("owner").get(slug=SLUG)  # as the views read it
    _more_measures(plan, 3)  # deadline 1.1.2020, no status: overdue in the 2021 report
    with CaptureQueriesContext(connection) as queries:
        built = report.build(plan, 2021)
    assert len(queries) <= 9, "\n".join(q["sql"][:90] for q in queries)
    sections = {s.key: s for s in built.sections}
    areas = sections["omrader"].tables()[0].rows
    expected = services.area_progress(plan, 2021)
    assert [str(row[0]) for row in areas] == [p["area"].title if p["area"] else "Uten område"
                                         for p in expected]
    assert [str(row[-1]) for row in areas] == [str(p["total"]) for p in expected]
    late = services.overdue(plan, date(2021, 12, 31), year_closed=True)
    assert {"X0", "X1", "X2"} <= {t.number for t in late}
    assert [str(row[0]) for row in sections["forfalt"].tables()[0].rows] == [t.number for t in late]


def _report(tiltak, year, status, when, tertial=0):
    """A status update of ``tiltak`` for ``year`` (0: the whole year), registered ``when``."""
    from datetime import datetime

    from django.utils import timezone

    from rusfelt.planer.domain import perioder
    from rusfelt.planer.models import Statusoppdatering

    Statusoppdatering.objects.create(
        tiltak=tiltak, year=year, tertial=tertial, status=status,
        period_key=perioder.period_key(year, tertial),
        created_at=datetime(*when, tzinfo=timezone.get_current_timezone()))


def test_status_over_periods_picks_the_latest_as_the_database_does(
        units, django_assert_num_queries):
    """Ties in a period go to the later registered, then the higher id; a measure
    never reported counts as not reported; a tertial counts in its year. Checked
    against ``status_counts`` (the database's correlated subquery), in one query."""
    from rusfelt.planer import services
    from rusfelt.planer.models import Statusoppdatering

    demo.load(slugs=[SLUG])
    plan = Plan.objects.get(slug=SLUG)
    Statusoppdatering.objects.filter(tiltak__plan=plan).delete()
    first, second, third = plan.tiltak.order_by("pk")[:3]
    # Registered later, but with the lower id: the later registration wins.
    _report(first, 2021, "gjennomfort", (2022, 1, 5))
    _report(first, 2021, "pagar", (2021, 12, 1))
    # The same time: the higher id wins.
    _report(second, 2021, "utsatt", (2021, 12, 1))
    _report(second, 2021, "pagar", (2021, 12, 1))
    # A tertial of 2022 after the whole year 2021.
    _report(third, 2022, "avsluttet", (2022, 5, 1), tertial=1)
    with django_assert_num_queries(1):
        periods = services.status_over_periods(plan)
    assert [y for y, _c in periods] == [2021, 2022]
    for year, counts in periods:
        assert counts == services.status_counts(plan, year), year
    assert periods[0][1]["gjennomfort"] == 1 and periods[0][1]["pagar"] == 1


def test_status_over_periods_carries_a_measure_over_years_it_was_not_reported(
        units, django_assert_num_queries):
    """The database picks each measure's latest update of each year (ties: the later
    registered, then the higher id, in any year, not only the first); a year the
    measure was not reported in keeps its status from the year before; a year
    nobody reported in is a gap. Expected counts written out by hand."""
    from rusfelt.planer import services
    from rusfelt.planer.models import Statusoppdatering

    demo.load(slugs=[SLUG])
    plan = Plan.objects.get(slug=SLUG)
    Statusoppdatering.objects.filter(tiltak__plan=plan).delete()
    a, b, c, d = plan.tiltak.order_by("pk")[:4]
    others = plan.tiltak.count() - 4
    _report(a, 2021, "pagar", (2021, 12, 1))
    # 2022: nobody reports. 2023: a's whole year beats its T3 registered later.
    _report(a, 2023, "gjennomfort", (2023, 12, 1))
    _report(a, 2023, "utsatt", (2024, 1, 9), tertial=3)
    # b: reported in 2021 only, carried to 2023.
    _report(b, 2021, "utsatt", (2021, 12, 1))
    # c: first reported in 2023, the same time twice: the higher id wins.
    _report(c, 2023, "avsluttet", (2023, 12, 1))
    _report(c, 2023, "pagar", (2023, 12, 1))
    # d: 2021 and 2023; in 2023 registered later with the lower id wins.
    _report(d, 2023, "avsluttet", (2024, 2, 1))
    _report(d, 2023, "ikke_startet", (2023, 12, 1))
    _report(d, 2021, "gjennomfort", (2021, 12, 1))
    with django_assert_num_queries(1):
        periods = dict(services.status_over_periods(plan))
    assert list(periods) == [2021, 2022, 2023]
    assert periods[2022] is None
    zero = dict.fromkeys(["ikke_startet", "pagar", "gjennomfort", "utsatt", "avsluttet"], 0)
    assert periods[2021] == {**zero, "pagar": 1, "utsatt": 1, "gjennomfort": 1,
                             "ikke_rapportert": others + 1}
    assert periods[2023] == {**zero, "gjennomfort": 1, "utsatt": 1, "pagar": 1,
                             "avsluttet": 1, "ikke_rapportert": others}
    for year in (2021, 2023):
        assert periods[year] == services.status_counts(plan, year), year
    # The years a caller already read give the same counts.
    assert dict(services.status_over_periods(plan, [2021, 2023])) == periods


def test_the_measures_page_reads_one_plan_without_joining_its_owner(
        client, units, stavanger_planlegger):
    """One plan's measures in its own order: the model's order (the plan, so its owner's
    path) would join the plan and its owner only to sort by two constants (issue 12).
    The page still lists each area's measures in the plan's order."""
    demo.load(slugs=[SLUG])
    plan = Plan.objects.get(slug=SLUG)
    client.force_login(stavanger_planlegger)
    url = reverse("planer:tiltak_list", args=[SLUG])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    measures = [q["sql"] for q in queries
                if q["sql"].startswith('SELECT "planer_tiltak"."id"')
                and 'ORDER BY "planer_tiltak"."order"' in q["sql"]]
    assert len(measures) == 1
    assert 'INNER JOIN "planer_plan"' not in measures[0]
    area = plan.tiltak.exclude(area=None).order_by("order", "id").first().area
    own = list(plan.tiltak.filter(area=area).order_by("order", "id"))
    positions = [html.index(f'href="{t.get_absolute_url()}"') for t in own]
    assert len(own) > 1 and positions == sorted(positions)


def test_the_measures_page_reads_the_measures_they_answer_only_when_some_answer_one(
        client, units, oslo_planlegger):
    """The measures a plan's measures answer, with their plans' owners, come by a query
    of their own when there are any, not as three joins to every measure: PostgreSQL
    took three times as long to plan the measures' query with them (issue 12). The
    page names each such measure by its number and its plan's owner."""
    demo.load(slugs=["oslo-strategisk-plan-rus", "st-hanshaugen-rusplan"])
    client.force_login(oslo_planlegger)
    city = Plan.objects.get(owner__code="0301")
    url = reverse("planer:tiltak_list", args=[city.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    measures = [q["sql"] for q in queries if q["sql"].startswith('SELECT "planer_tiltak"."id"')]
    assert len(measures) == 1, measures  # no measure of the city's plan answers another
    assert 'JOIN "planer_tiltak"' not in measures[0] and 'JOIN "planer_plan"' not in measures[0]
    bydel = Plan.objects.get(owner__code="030104")
    url = reverse("planer:tiltak_list", args=[bydel.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    measures = [q["sql"] for q in queries if q["sql"].startswith('SELECT "planer_tiltak"."id"')]
    assert len(measures) == 2, measures  # its measures, then the city's they answer
    answering = Tiltak.objects.filter(plan=bydel).exclude(parent=None).select_related(
        "parent__plan__owner")
    assert answering
    for t in answering:
        assert (f'<span title="{t.parent.text}">{t.parent.number}</span> '
                f'<span class="muted">({t.parent.plan.owner.name})</span>') in html


def _amendment_queries(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('SELECT "planer_endring"."id"')]


def test_the_amendments_page_reads_one_plan_without_joining_its_owner(
        client, units, stavanger_planlegger):
    """One plan's amendments in date order: the model's order starts with the plan, so
    its owner's path, and joined the owner only to sort by a constant (issue 12)."""
    demo.load(slugs=[SLUG])
    plan = Plan.objects.get(slug=SLUG)
    late = Endring.objects.create(plan=plan, date=date(2026, 3, 1), description="Sist")
    early = Endring.objects.create(plan=plan, date=date(2018, 3, 1), description="Først")
    client.force_login(stavanger_planlegger)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("planer:endringer", args=[SLUG])).content.decode()
    [amendments] = _amendment_queries(queries)
    assert '"core_orgunit"' not in amendments
    assert html.index(early.description) < html.index(late.description)


def test_the_report_reads_the_years_amendments_without_joining_the_plans_owner(units):
    from rusfelt.planer import report

    demo.load(slugs=[SLUG])
    plan = Plan.objects.select_related("owner").get(slug=SLUG)
    Endring.objects.create(plan=plan, date=date(2021, 9, 1), description="Sist")
    Endring.objects.create(plan=plan, date=date(2021, 2, 1), description="Først")
    with CaptureQueriesContext(connection) as queries:
        built = report.build(plan, 2021)
    [amendments] = _amendment_queries(queries)
    assert '"core_orgunit"' not in amendments
    rows = {s.key: s for s in built.sections}["planendringer"].tables()[0].rows
    descriptions = [str(row[-1]) for row in rows]
    assert descriptions.index("Først") < descriptions.index("Sist")


def test_a_measure_page_does_not_query_per_answering_measure(client, units, oslo_planlegger):
    """A measure's page names each measure that answers it by its plan's owner: one query
    for them all, however many there are and whichever plans they are in."""
    demo.load(slugs=["oslo-strategisk-plan-rus", "st-hanshaugen-rusplan"])
    city_measure = Tiltak.objects.get(plan__owner__code="0301", number="S1-c")
    client.force_login(oslo_planlegger)
    url = reverse("planer:tiltak_detail", args=[city_measure.plan.slug, city_measure.pk])
    before = _count(client, url)
    assert before and city_measure.children.count() == 2  # S1-3 and S1-3b of St. Hanshaugen
    stavanger = Plan.objects.create(slug="stavanger-svar", title="Svar", owner=units["1103"],
                                    period_from=2024, period_to=2027)
    for number in ("A", "B", "C"):
        Tiltak.objects.create(plan=stavanger, number=number, text=f"Svar {number}",
                              parent=city_measure)
    assert _count(client, url) == before
    page = client.get(url).content.decode()
    assert page.count(f"{units['1103'].name}, ") == 3
    assert page.count(f"{units['030104'].name}, ") == 2


def test_a_measure_page_sorts_its_answering_measures_by_owner_without_sql(
        client, units, oslo_planlegger):
    """Sorted in SQL (by their plans' owners' paths), SQLite walked every unit and every
    plan's measures to find a measure's few answering measures (issue 12)."""
    demo.load(slugs=["oslo-strategisk-plan-rus", "st-hanshaugen-rusplan"])
    city_measure = Tiltak.objects.get(plan__owner__code="0301", number="S1-c")
    stavanger = Plan.objects.create(slug="stavanger-svar", title="Svar", owner=units["1103"],
                                    period_from=2024, period_to=2027)
    Tiltak.objects.create(plan=stavanger, number="A", text="Svar A", parent=city_measure)
    client.force_login(oslo_planlegger)
    url = reverse("planer:tiltak_detail", args=[city_measure.plan.slug, city_measure.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    [answering] = [q["sql"] for q in queries if '"planer_tiltak"."parent_id" =' in q["sql"]]
    assert "ORDER BY" not in answering
    assert units["030104"].path < units["1103"].path
    assert page.index(f"{units['030104'].name}, ") < page.index(f"{units['1103'].name}, ")


@pytest.mark.parametrize("query", ["", "?ar=2020", "?ar=2024", "?ar=2031"])
def test_the_plan_page_counts_from_one_read_of_the_statuses_as_the_database_does(
        client, units, stavanger_planlegger, query):
    """The plan page reads the statuses of every year once, the measures once and the
    areas once (issue 12: each round trip costs more than its work on PostgreSQL); its
    counts, areas, overdue and unassigned measures are those of the services' own
    queries, for the last reported year, a year between reports and one after them."""
    from rusfelt.planer import services

    demo.load(slugs=[SLUG])
    plan = Plan.objects.select_related("owner").get(slug=SLUG)
    _more_measures(plan, 3)  # deadline 1.1.2020, never reported: overdue
    _report_years(plan, [2025])  # 2023 and 2024 without reports
    Tiltak.objects.filter(plan=plan, number="X1").update(responsible_text="Rådmannen")
    client.force_login(stavanger_planlegger)
    url = reverse("planer:plan_detail", args=[SLUG]) + query
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) <= 9, "\n".join(q["sql"][:90] for q in queries)
    page = response.context
    year = page["year"]
    assert year == (int(query.split("=")[1]) if query else 2025)
    assert page["counts"] == services.status_counts(plan, year)
    assert [(p["area"], p["counts"], p["total"]) for p in page["progress"]] == [
        (p["area"], p["counts"], p["total"]) for p in services.area_progress(plan, year)]
    assert [t.pk for t in page["overdue"]] == [t.pk for t in services.overdue(plan)]
    assert {"X0", "X2"} <= {t.number for t in page["overdue"]}
    unassigned = [t.pk for t in page["without_responsible"]]
    assert unassigned == [t.pk for t in services.without_responsible(plan)]
    assert page["over_periods"] == services.status_over_periods(plan)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics of NULLs")
def test_sqlite_finds_a_measures_answering_measures_by_their_own_index(units):
    """Nearly every measure has no parent; SQLite's statistics count them as one value,
    so after ANALYZE the foreign key's index looked as if it matched every measure and
    SQLite read every plan's measures to find the few answering one (issue 12)."""
    bench.fill(40, 1)
    city_measure = Tiltak.objects.order_by("pk").first()
    Tiltak.objects.create(plan=city_measure.plan, number="S", text="Svar", parent=city_measure)
    analyze()
    sql, params = (city_measure.children.select_related("plan__owner").order_by()
                   .query.sql_with_params())
    plan = explain(sql, params)
    assert "planer_tiltak USING INDEX planer_tiltak_answering" in plan, plan
    # As the measure's page reads them: with the measure itself, in one query.
    with CaptureQueriesContext(connection) as queries:
        views._tiltak_and_answering(city_measure.plan, city_measure.pk)
    [read] = [q["sql"] for q in queries if '"planer_tiltak"."parent_id" =' in q["sql"]]
    plan = explain(read, [])
    assert "planer_tiltak USING INDEX planer_tiltak_answering" in plan, plan


def test_a_measure_page_reads_the_measure_with_its_answering_measures(
        client, units, oslo_planlegger):
    """The measure and the measures that answer it come in one query: each query is a
    round trip on PostgreSQL, which cost more than their work (issue 12). The page
    shows the same measure and answering measures as read on their own."""
    demo.load(slugs=["oslo-strategisk-plan-rus", "st-hanshaugen-rusplan"])
    city_measure = Tiltak.objects.get(plan__owner__code="0301", number="S1-c")
    client.force_login(oslo_planlegger)
    url = reverse("planer:tiltak_detail", args=[city_measure.plan.slug, city_measure.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    measures = [q["sql"] for q in queries if 'FROM "planer_tiltak"' in q["sql"]]
    assert len(measures) == 1, "\n".join(q[:120] for q in measures)
    assert response.context["tiltak"].pk == city_measure.pk
    assert [t.pk for t in response.context["children"]] == sorted(
        city_measure.children.values_list("pk", flat=True),
        key=lambda pk: Tiltak.objects.select_related("plan__owner").get(pk=pk).plan.owner.path)
    assert {t.number for t in response.context["children"]} == {"S1-3", "S1-3b"}


def test_a_measure_page_reads_the_measure_it_answers_only_when_it_answers_one(
        client, units, oslo_planlegger):
    """The measure a measure answers comes with its plan by a query of its own, and only
    when there is one: joined to the measure and its answering measures, it and its plan
    took PostgreSQL longer to plan than the query's work (issue 12). The page names it
    by its plan's title, number and text."""
    demo.load(slugs=["oslo-strategisk-plan-rus", "st-hanshaugen-rusplan"])
    client.force_login(oslo_planlegger)
    city_measure = Tiltak.objects.get(plan__owner__code="0301", number="S1-c")
    url = reverse("planer:tiltak_detail", args=[city_measure.plan.slug, city_measure.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    measures = [q["sql"] for q in queries if 'FROM "planer_tiltak"' in q["sql"]]
    assert len(measures) == 1 and 'JOIN "planer_tiltak"' not in measures[0], measures
    answer = city_measure.children.select_related("plan").first()
    url = reverse("planer:tiltak_detail", args=[answer.plan.slug, answer.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    measures = [q["sql"] for q in queries if 'FROM "planer_tiltak"' in q["sql"]]
    assert len(measures) == 2, measures  # the measure (and its answering ones), its parent
    parent = f"{city_measure.plan.title}, tiltak {city_measure.number}: {city_measure.text}"
    assert parent in html


def test_a_measure_page_answers_404_for_a_measure_of_another_plan_that_answers_it(
        client, units, oslo_planlegger):
    """A measure answering one of the plan's measures is still not the plan's measure:
    its address under the plan answers 404, as before the two were read together."""
    demo.load(slugs=["oslo-strategisk-plan-rus", "st-hanshaugen-rusplan"])
    city_measure = Tiltak.objects.get(plan__owner__code="0301", number="S1-c")
    answer = city_measure.children.first()
    client.force_login(oslo_planlegger)
    url = reverse("planer:tiltak_detail", args=[city_measure.plan.slug, answer.pk])
    assert client.get(url).status_code == 404
