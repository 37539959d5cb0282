"""Every write of a plan's measures, areas or statuses raises its data version.

What is kept of a plan's figures is keyed by it (issue 12), so a plan read after
a write must never carry the version from before it.
"""

import pytest

from rusfelt.planer import demo, services
from rusfelt.planer.models import Omrade, Plan, Statusoppdatering, Tiltak

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
