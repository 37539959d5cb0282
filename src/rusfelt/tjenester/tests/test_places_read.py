"""A search with a place reads the place and its units once per version of the
units, not once per box on the page (issue 12: the results, the emergency box
and the nearby list each read the place again)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rusfelt.core.bench import load_national_units
from rusfelt.core.models import Niva, OrgUnit
from rusfelt.tjenester import services
from rusfelt.tjenester.forms import SokForm, current_places
from rusfelt.tjenester.models import Tjeneste

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db
INDEX = reverse("tjenester:index")


def unit_queries(captured) -> list[str]:
    """Queries (or subqueries) that read units, not the joins that name a service's."""
    return [q["sql"] for q in captured if 'FROM "core_orgunit"' in q["sql"]]


@pytest.fixture
def bydel_directory(make_tjeneste, office_hours):
    for i in range(3):
        make_tjeneste(f"akutt{i}", unit="0301", category="akutt", hours=office_hours)
        make_tjeneste(f"bolig{i}", unit="030104", category="bolig",
                      description="Bolig med oppfølging.", hours=office_hours)
    make_tjeneste("bergen-bolig", unit="4601", category="bolig", description="Bolig.")


def test_a_search_with_a_place_reads_no_unit_once_the_places_are_read(client, bydel_directory):
    client.get(INDEX)  # the places are read once per unit version
    with (time_machine.travel(datetime(2026, 11, 25, 10, tzinfo=OSLO), tick=False),
          CaptureQueriesContext(connection) as captured):
        response = client.get(INDEX, {"q": "bolig", "sted": "030104"})
    assert response.context["total"] == 3
    assert len(response.context["emergency"]) == 3
    assert unit_queries(captured.captured_queries) == []


def test_a_place_without_results_reads_no_unit_for_its_nearby_services(client,
                                                                         bydel_directory):
    client.get(INDEX)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(INDEX, {"q": "tannlege", "sted": "030104"})
    assert response.context["total"] == 0
    assert {n.tjeneste.slug for n in response.context["nearby"]} >= {"bolig0", "akutt0"}
    assert unit_queries(captured.captured_queries) == []


def test_the_places_units_find_what_the_database_rule_finds_for_every_place(db):
    """Every kommune and bydel of the national tree, with a service on every unit
    (the country and the fylker too): the units read once (``Places.served``)
    find exactly the services that ``filtered``'s own query of the units finds."""
    load_national_units()
    Tjeneste.objects.bulk_create(
        Tjeneste(slug=f"t-{unit.code}", name=unit.code, unit=unit, kind="kommunal",
                 category="oppfolging", provider_name="Kommunen")
        for unit in OrgUnit.objects.all())
    places = current_places()
    codes = list(OrgUnit.objects.filter(level__in=[Niva.KOMMUNE, Niva.BYDEL])
                 .values_list("code", flat=True))
    assert len(codes) > 390
    for code in codes:
        read = services.Filters(sted=code)  # units None: the database's query
        once = services.Filters(sted=code, units=places.served(code))
        expected = set(services.filtered(read).values_list("slug", flat=True))
        assert set(services.filtered(once).values_list("slug", flat=True)) == expected, code
        assert "t-0" not in expected and f"t-{code}" in expected


def test_a_unit_saved_after_the_places_were_read_is_searched_at_once(
        client, units, make_tjeneste, django_capture_on_commit_callbacks):
    client.get(INDEX)
    with django_capture_on_commit_callbacks(execute=True):  # the save's commit
        new = units["030199"] = OrgUnit.objects.create(
            code="030199", name="Ny bydel", level=Niva.BYDEL, parent=units["0301"])
    make_tjeneste("ny-bydel-tilbud", unit="030199", category="bolig")
    response = client.get(INDEX, {"sted": "030199"})
    assert [r.tjeneste.slug for r in response.context["results"]] == ["ny-bydel-tilbud"]
    assert new.pk in SokForm({"sted": "030199"}).filters().units


def test_an_unknown_place_is_not_a_filter(units):
    filters = SokForm({"sted": "9999"}).filters()
    assert filters.sted == "" and filters.units is None


def test_a_unit_change_gives_the_places_a_new_version_only_once_it_is_committed(
        db, django_capture_on_commit_callbacks):
    """Another process that read the places inside the transaction would keep the old
    units under the new version; so the version changes at the commit, not before."""
    before = current_places().version
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        OrgUnit.objects.create(code="9999", name="Ny kommune", level=Niva.KOMMUNE)
        assert current_places().version == before
    assert callbacks
    for callback in callbacks:
        callback()
    assert current_places().version != before


def test_one_function_is_the_place_rule_of_the_query_and_of_the_places(units, make_tjeneste,
                                                                        monkeypatch):
    """``served_unit_ids`` decides for both ``filtered``'s own read of the units and
    the places read once: a changed rule changes both."""
    make_tjeneste("oslo", unit="0301")
    make_tjeneste("gamle-oslo", unit="030104")

    def only_the_place(path, rows):
        return tuple(pk for pk, _code, _name, _level, unit_path in rows if unit_path == path)

    monkeypatch.setattr(services, "served_unit_ids", only_the_place)
    read = services.Filters(sted="030104")  # units None: filtered reads them
    once = SokForm({"sted": "030104"}).filters()
    assert once.units is not None
    for filters in (read, once):
        assert set(services.filtered(filters).values_list("slug", flat=True)) == {"gamle-oslo"}
