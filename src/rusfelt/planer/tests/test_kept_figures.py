"""A plan's figures are kept per process under its data version (issue 12).

Status counts and progress per area are one query of about a millisecond, most of
it a round trip on PostgreSQL; a kept copy is read without one. Every write of a
measure, area or status raises the plan's ``data_version``, so a plan read after
the write never finds the figures from before it.
"""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rusfelt.indikatorer.models import Gruppe, Indikator, Indikatorsett
from rusfelt.planer import demo, services
from rusfelt.planer.models import Endring, Hovedmal, Omrade, Plan, Tiltak

SLUG = "stavanger-rusplan-2019-2023"
YEAR = 2022


def _plan():
    return Plan.objects.get(slug=SLUG)


@pytest.fixture
def plan(units):
    demo.load(slugs=[SLUG])
    return _plan()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("figures", [services.status_counts, services.area_progress])
def test_figures_are_read_without_a_query_the_second_time(
        plan, figures, django_assert_num_queries):
    first = figures(plan, YEAR)
    with django_assert_num_queries(0):
        assert figures(plan, YEAR) == first


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("read", [services.statuses_by_year, services.reported_years,
                                  services.plan_areas, services.status_over_periods])
def test_what_every_plan_page_reads_is_read_without_a_query_the_second_time(
        plan, read, django_assert_num_queries):
    first = read(plan)
    with django_assert_num_queries(0):
        assert read(plan) == first


@pytest.mark.django_db(transaction=True)
def test_a_plan_read_after_a_new_years_status_gets_fresh_statuses(plan, stavanger_planlegger):
    services.statuses_by_year(plan), services.reported_years(plan)  # kept
    tiltak = plan.tiltak.first()
    services.record_status(tiltak, 2031, 0, "utsatt", "", user=stavanger_planlegger)
    assert services.reported_years(_plan())[-1] == 2031
    assert services.statuses_by_year(_plan())[tiltak.pk][2031] == "utsatt"


@pytest.mark.django_db(transaction=True)
def test_a_plan_read_after_an_area_was_added_gets_fresh_areas(plan):
    before = services.plan_areas(plan)  # kept
    Omrade.objects.create(plan=plan, code="NY", title="Nytt område", order=999)
    assert [a.code for a in services.plan_areas(_plan())] == [a.code for a in before] + ["NY"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("figures", [services.status_counts, services.area_progress])
def test_a_plan_read_after_a_status_was_written_gets_fresh_figures(
        plan, figures, stavanger_planlegger):
    figures(plan, YEAR)  # kept
    for tiltak in plan.tiltak.all():
        services.record_status(tiltak, YEAR, 0, "avsluttet", "", user=stavanger_planlegger)
    fresh = figures(_plan(), YEAR)
    with transaction.atomic():  # nothing kept inside a transaction: counted afresh
        assert fresh == figures(_plan(), YEAR)
    counts = fresh if isinstance(fresh, dict) else fresh[0]["counts"]
    assert counts["avsluttet"] > 0


@pytest.mark.django_db(transaction=True)
def test_a_plan_read_after_a_measure_moved_gets_fresh_progress(plan, stavanger_planlegger):
    services.area_progress(plan, YEAR)  # kept
    first, *rest = [p["area"] for p in services.area_progress(plan, YEAR)]
    assert rest
    for tiltak in Tiltak.objects.filter(plan=plan).exclude(area=first):
        services.update_tiltak(tiltak, tiltak.version, {"area": first},
                               user=stavanger_planlegger)
    progress = services.area_progress(_plan(), YEAR)
    assert [p["area"] for p in progress] == [first]


@pytest.mark.django_db
def test_figures_are_not_kept_inside_a_transaction(plan, django_assert_num_queries):
    """Inside a transaction the figures may count writes never committed."""
    services.status_counts(plan, YEAR)
    with django_assert_num_queries(1):
        services.status_counts(plan, YEAR)


@pytest.mark.django_db(transaction=True)
def test_figures_of_different_years_are_kept_apart(plan):
    before_any_report = services.status_counts(plan, 2000)
    assert services.status_counts(plan, 2023) != before_any_report


@pytest.mark.django_db(transaction=True)
def test_a_warm_plan_page_reads_neither_its_measures_nor_its_goals(
        client, plan, stavanger_planlegger):
    """The page's figures (overdue and unassigned measures among them) and its main goals
    are kept per plan version: on PostgreSQL each round trip cost more than its work."""
    client.force_login(stavanger_planlegger)
    url = reverse("planer:plan_detail", args=[SLUG])
    assert client.get(url).status_code == 200  # keeps the figures and the goals
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert [q["sql"] for q in queries
            if "planer_tiltak" in q["sql"] or "planer_hovedmal" in q["sql"]] == []


@pytest.mark.django_db(transaction=True)
def test_a_plan_page_read_after_a_goal_was_added_shows_it(client, plan, stavanger_planlegger):
    client.force_login(stavanger_planlegger)
    url = reverse("planer:plan_detail", args=[SLUG])
    assert "Ingen skal dø av overdose" not in client.get(url).content.decode()  # kept
    Hovedmal.objects.create(plan=plan, code="HM9", text="Ingen skal dø av overdose", order=99)
    assert "Ingen skal dø av overdose" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_plan_page_read_after_a_measure_got_someone_responsible_drops_it(
        client, plan, stavanger_planlegger):
    client.force_login(stavanger_planlegger)
    url = reverse("planer:plan_detail", args=[SLUG])
    Tiltak.objects.filter(plan=plan).update(responsible_unit=None, responsible_text="")
    Plan.figures_changed(plan.pk)  # an update() sends no signal
    tiltak = plan.tiltak.order_by("order", "id").first()
    assert tiltak in client.get(url).context["without_responsible"]  # kept
    tiltak.responsible_text = "Rådmannen"
    tiltak.save()
    assert tiltak not in client.get(url).context["without_responsible"]


def _measure_url(tiltak):
    return reverse("planer:tiltak_detail", args=[SLUG, tiltak.pk])


@pytest.mark.django_db(transaction=True)
def test_a_warm_measure_page_reads_neither_its_history_nor_amendments_nor_goals(
        client, plan, stavanger_planlegger):
    """A measure's status history, amendments and main goals are kept per plan version:
    three round trips fewer on PostgreSQL (issue 12)."""
    client.force_login(stavanger_planlegger)
    url = _measure_url(plan.tiltak.order_by("order", "id").first())
    assert client.get(url).status_code == 200  # keeps them
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert [q["sql"] for q in queries if any(
        table in q["sql"] for table in ("planer_statusoppdatering", "planer_endring",
                                        "planer_hovedmal"))] == []


@pytest.mark.django_db(transaction=True)
def test_a_measure_page_read_after_a_status_was_recorded_shows_it(
        client, plan, stavanger_planlegger):
    client.force_login(stavanger_planlegger)
    tiltak = plan.tiltak.order_by("order", "id").first()
    assert "Forsinket av bystyret" not in client.get(_measure_url(tiltak)).content.decode()
    services.record_status(tiltak, 2031, 0, "utsatt", "Forsinket av bystyret",
                           user=stavanger_planlegger)
    assert "Forsinket av bystyret" in client.get(_measure_url(tiltak)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_measure_page_read_after_its_text_was_amended_shows_the_amendment(
        client, plan, stavanger_planlegger):
    client.force_login(stavanger_planlegger)
    tiltak = plan.tiltak.order_by("order", "id").first()
    assert "sak 77/31" not in client.get(_measure_url(tiltak)).content.decode()  # kept
    services.update_tiltak(tiltak, tiltak.version, {"text": "Ny tekst etter vedtak"},
                           user=stavanger_planlegger,
                           amendment={"date": date(2031, 3, 1), "decision_ref": "sak 77/31"})
    page = client.get(_measure_url(tiltak) + "?dato=2031-02-01").content.decode()
    assert "sak 77/31" in page
    assert tiltak.text in page  # the text before the amendment, on a day before it


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("side", ["measure", "goal"])
def test_a_measure_page_read_after_a_goal_was_linked_shows_it(
        client, plan, stavanger_planlegger, side):
    client.force_login(stavanger_planlegger)
    tiltak = plan.tiltak.order_by("order", "id").first()
    goal = Hovedmal.objects.create(plan=plan, code="HM9", text="Ingen skal dø av overdose",
                                   order=99)
    assert "Ingen skal dø av overdose" not in client.get(
        _measure_url(tiltak)).content.decode()  # kept
    if side == "measure":
        tiltak.goals.add(goal)
    else:
        goal.tiltak.add(tiltak)
    assert "Ingen skal dø av overdose" in client.get(_measure_url(tiltak)).content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "query"), [("planer:endringer", ""),
                                             ("planer:rapport", "?periode=2021")])
def test_a_warm_changes_page_or_report_reads_no_amendments(
        client, plan, stavanger_planlegger, name, query):
    """The plan's amendments are kept per plan version (issue 12)."""
    client.force_login(stavanger_planlegger)
    url = reverse(name, args=[SLUG]) + query
    assert client.get(url).status_code == 200  # keeps them
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert [q["sql"] for q in queries if "planer_endring" in q["sql"]] == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "query"), [("planer:endringer", ""),
                                             ("planer:rapport", "?periode=2031")])
def test_a_changes_page_or_report_read_after_an_amendment_was_recorded_shows_it(
        client, plan, stavanger_planlegger, name, query):
    client.force_login(stavanger_planlegger)
    url = reverse(name, args=[SLUG]) + query
    assert "bystyresak 77/31" not in client.get(url).content.decode()  # kept
    endringer = reverse("planer:endringer", args=[SLUG])
    assert client.post(endringer, {"date": "2031-03-01", "decision_ref": "bystyresak 77/31",
                                   "description": "Nytt kapittel om lavterskel"}
                       ).status_code == 302
    assert "bystyresak 77/31" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_changes_page_links_its_measures_by_the_plans_new_slug(
        client, plan, stavanger_planlegger):
    """Saving the plan keeps its data version: the kept amendments' measures must still
    link to the plan as it is now."""
    client.force_login(stavanger_planlegger)
    tiltak = plan.tiltak.order_by("order", "id").first()
    Endring.objects.create(plan=plan, tiltak=tiltak, date=date(2031, 1, 1), description="x")
    assert client.get(reverse("planer:endringer", args=[SLUG])).status_code == 200  # kept
    plan.slug = "stavanger-ny"
    plan.save()
    page = client.get(reverse("planer:endringer", args=["stavanger-ny"])).content.decode()
    assert reverse("planer:tiltak_detail", args=["stavanger-ny", tiltak.pk]) in page


def _indicator(number=99):
    sett, _ = Indikatorsett.objects.get_or_create(slug="testsett", defaults={"name": "Testsett"})
    gruppe, _ = Gruppe.objects.get_or_create(sett=sett, code="OI", defaults={"name": "OI"})
    return Indikator.objects.create(sett=sett, gruppe=gruppe, number=number,
                                    title=f"Overdosedødsfall {number}", kind="antall")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "query"), [("planer:tiltak_detail", ""),
                                             ("planer:rapport", "?periode=2021")])
def test_a_measure_page_or_report_without_indicators_asks_for_none(
        client, plan, stavanger_planlegger, name, query):
    """Which indicators the measures link to is kept per plan version: most plans link
    none, and each query is a round trip on PostgreSQL (issue 12)."""
    client.force_login(stavanger_planlegger)
    tiltak = plan.tiltak.order_by("order", "id").first()
    args = [SLUG, tiltak.pk] if name == "planer:tiltak_detail" else [SLUG]
    url = reverse(name, args=args) + query
    assert client.get(url).status_code == 200  # keeps the links
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert [q["sql"] for q in queries if "indikator" in q["sql"]] == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "query"), [("planer:tiltak_detail", ""),
                                             ("planer:rapport", "?periode=2021")])
def test_a_measure_page_or_report_read_after_an_indicator_was_linked_shows_it(
        client, plan, stavanger_planlegger, name, query):
    client.force_login(stavanger_planlegger)
    tiltak = plan.tiltak.order_by("order", "id").first()
    args = [SLUG, tiltak.pk] if name == "planer:tiltak_detail" else [SLUG]
    url = reverse(name, args=args) + query
    indicator = _indicator()
    assert "Overdosedødsfall 99" not in client.get(url).content.decode()  # kept
    tiltak.indikatorer.add(indicator)
    assert "Overdosedødsfall 99" in client.get(url).content.decode()
    indicator.title = "Overdosedødsfall, nytt navn"
    indicator.save()  # an indicator's own fields are read each time
    assert "Overdosedødsfall, nytt navn" in client.get(url).content.decode()
    indicator.delete()  # its links go without a signal: the link left finds nothing
    page = client.get(url).content.decode()
    assert "Overdosedødsfall" not in page
