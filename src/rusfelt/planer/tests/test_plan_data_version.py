"""Every write of a plan's measures, areas, main goals, amendments or statuses, and of
its measures' links to main goals and indicators, raises its data version.

What is kept of a plan's figures is keyed by it (issue 12), so a plan read after
a write must never carry the version from before it.
"""

from datetime import date

import pytest
from django.db import connection

from rusfelt.indikatorer.models import Gruppe, Indikator, Indikatorsett
from rusfelt.planer import demo, services
from rusfelt.planer.models import Endring, Hovedmal, Omrade, Plan, Statusoppdatering, Tiltak

SLUG = "stavanger-rusplan-2019-2023"
YEAR = 2022


def _plan():
    return Plan.objects.get(slug=SLUG)


def _version():
    return _plan().data_version


@pytest.fixture
def plan(units):
    demo.load(slugs=[SLUG])
    return _plan()


@pytest.mark.django_db
def test_recording_a_status_raises_the_plans_data_version(plan, stavanger_planlegger):
    before = _version()
    services.record_status(plan.tiltak.first(), YEAR, 0, "gjennomfort", "",
                           user=stavanger_planlegger)
    assert _version() > before


@pytest.mark.django_db
def test_deleting_a_status_raises_the_plans_data_version(plan):
    before = _version()
    Statusoppdatering.objects.filter(tiltak__plan=plan).first().delete()
    assert _version() > before


@pytest.mark.django_db
def test_saving_a_measure_or_an_area_raises_the_plans_data_version(plan):
    before = _version()
    Tiltak.objects.create(plan=plan, number="X1", text="Nytt tiltak")
    after_measure = _version()
    area = Omrade.objects.filter(plan=plan).first()
    area.title = "Nytt navn"
    area.save()
    assert before < after_measure < _version()


@pytest.mark.django_db
def test_updating_a_measure_through_the_form_raises_the_plans_data_version(
        plan, stavanger_planlegger):
    """``update_tiltak`` writes with ``QuerySet.update()``, which sends no signal."""
    tiltak = plan.tiltak.first()
    other = Omrade.objects.filter(plan=plan).exclude(pk=tiltak.area_id).first()
    before = _version()
    services.update_tiltak(tiltak, tiltak.version, {"area": other},
                           user=stavanger_planlegger)
    assert _version() > before


@pytest.mark.django_db
def test_loading_the_demo_statuses_raises_the_plans_data_version(units):
    """The demo writes its status history with ``bulk_create``, which sends no signal."""
    demo.load(slugs=[SLUG])
    plan = _plan()
    Statusoppdatering.objects.filter(tiltak__plan=plan).delete()
    before = _version()
    demo._status_history(plan)
    assert _version() > before


@pytest.mark.django_db
def test_saving_a_plan_read_earlier_keeps_the_newer_data_version(plan, stavanger_planlegger):
    """The plan form saves a plan read before a status came in: it must not write the
    older version back, or figures kept under it would be read again."""
    services.record_status(plan.tiltak.first(), YEAR, 0, "utsatt", "",
                           user=stavanger_planlegger)
    newer = _version()
    plan.title = "Ny tittel"
    plan.save()
    assert _version() == newer
    assert _plan().title == "Ny tittel"


@pytest.mark.django_db
def test_recording_an_amendment_raises_the_plans_data_version(plan):
    """A measure's amendments are kept with the plan's version (``measure_record``)."""
    before = _version()
    Endring.objects.create(plan=plan, tiltak=plan.tiltak.first(), date=date(2031, 1, 1),
                           description="Ny tekst")
    assert _version() > before


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["add", "remove", "clear", "reverse_add"])
def test_linking_a_measure_and_a_main_goal_raises_the_plans_data_version(plan, link):
    """A measure's main goals are kept with the plan's version (``measure_record``)."""
    tiltak, other = plan.tiltak.all()[:2]
    goal = Hovedmal.objects.create(plan=plan, code="HM9", text="Nytt mål")
    linked = Hovedmal.objects.create(plan=plan, code="HM8", text="Et mål til")
    tiltak.goals.add(linked)
    before = _version()
    if link == "add":
        tiltak.goals.add(goal)
    elif link == "remove":
        tiltak.goals.remove(linked)
    elif link == "clear":
        tiltak.goals.clear()
    else:
        goal.tiltak.add(other)
    assert _version() > before


def _indicator(number=99):
    sett, _ = Indikatorsett.objects.get_or_create(slug="testsett", defaults={"name": "Testsett"})
    gruppe, _ = Gruppe.objects.get_or_create(sett=sett, code="OI", defaults={"name": "OI"})
    return Indikator.objects.create(sett=sett, gruppe=gruppe, number=number,
                                    title=f"Indikator {number}", kind="antall")


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["add", "remove", "clear", "reverse_add", "reverse_remove",
                                  "reverse_clear"])
def test_linking_a_measure_and_an_indicator_raises_the_plans_data_version(plan, link):
    """Which indicators a plan's measures link to is kept with the plan's version
    (``indicator_links``); an indicator belongs to no plan, so from its side the plans
    of its measures are raised."""
    tiltak, other = plan.tiltak.all()[:2]
    linked, new = _indicator(98), _indicator(99)
    tiltak.indikatorer.add(linked)
    before = _version()
    if link == "add":
        tiltak.indikatorer.add(new)
    elif link == "remove":
        tiltak.indikatorer.remove(linked)
    elif link == "clear":
        tiltak.indikatorer.clear()
    elif link == "reverse_add":
        new.tiltak.add(other)
    elif link == "reverse_remove":
        linked.tiltak.remove(tiltak)
    else:
        linked.tiltak.clear()
    assert _version() > before


@pytest.mark.django_db
def test_the_versions_column_comment_names_every_write_that_raises_it():
    """The column's comment, for whoever reads the database, names every kind of write
    the signals raise the version for (``planer.models``): measures, areas, main goals,
    amendments and statuses, and a measure's links to main goals and indicators; the
    database holds the model's comment (the migration)."""
    comment = Plan._meta.get_field("data_version").db_comment
    for write in ("measure", "area", "main goal", "amendment", "status", "indicator"):
        assert write in comment, write
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT col_description(attrelid, attnum) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attname = 'data_version'",
                [Plan._meta.db_table])
            assert cursor.fetchone()[0] == comment
