"""The API list's schema.org objects: built and encoded once per content and kept
in the process (``api._items_json``), never stale, the status always of the
moment (issue 12)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.test import RequestFactory
from django.utils import translation

from rusfelt.core.models import OrgUnit
from rusfelt.tjenester import api
from rusfelt.tjenester import services as tjenester_services
from rusfelt.tjenester.kept import KEPT_CACHE
from rusfelt.tjenester.models import Apningstid, Tjeneste, TjenesteOversettelse

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db
LIST = "/api/tjenester/"
MONDAY_11 = datetime(2026, 11, 23, 11, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _fresh_kept():
    caches[KEPT_CACHE].clear()
    yield
    caches[KEPT_CACHE].clear()


@pytest.fixture
def directory(make_tjeneste):
    return [
        make_tjeneste("k46", name="K46", category="behandling", age_min=16, age_max=25,
                      hours=[(d, "10:00", "15:00") for d in range(5)], phone="51 00 00 00",
                      city="Stavanger", unit="1103", latitude="58.97", longitude="5.73"),
        make_tjeneste("natt", name="Natt «ly»", category="lavterskel", kind="ideell",
                      hours=[(d, "21:00", "08:00") for d in range(7)],
                      provider_name="Kirkens bymisjon"),
        make_tjeneste("uten", name="Uten tider"),
    ]


@pytest.fixture
def built(monkeypatch):
    calls = []
    fixed = api.schema_org_fixed

    def counting(obj, request, schedule=None):
        calls.append(obj.slug)
        return fixed(obj, request, schedule)

    monkeypatch.setattr(api, "schema_org_fixed", counting)
    return calls


def expected_results(at, language="nb"):
    """The page's objects as ``api.schema_org`` builds them one by one."""
    request = RequestFactory().get(LIST)
    with translation.override(language):
        ids = tjenester_services.search_ids(tjenester_services.Filters(), at)
        objects = tjenester_services.load(ids)
        return [api.schema_org(item.tjeneste, request, item)
                for item in tjenester_services.listings(objects, at)]


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("at", [MONDAY_11, datetime(2026, 11, 23, 23, tzinfo=OSLO)])
def test_the_kept_objects_are_schema_org_s_objects(client, directory, language, at):
    TjenesteOversettelse.objects.create(tjeneste=directory[0], language="en",
                                        name="K46 youth")
    with time_machine.travel(at, tick=False):
        for _ in range(2):  # built, then kept
            response = client.get(LIST, {"lang": language})
            assert response["Content-Type"] == "application/json"
            data = response.json()
            assert data["results"] == expected_results(at.replace(tzinfo=None), language)
            assert (data["count"], data["page"], data["next"]) == (3, 1, None)


def test_a_repeated_page_builds_no_object_again(client, directory, built):
    with time_machine.travel(MONDAY_11, tick=False):
        first = client.get(LIST).json()
        assert sorted(built) == ["k46", "natt", "uten"]
        built.clear()
        assert client.get(LIST).json() == first
    assert built == []


def test_the_status_is_of_the_moment_not_of_the_kept_object(client, directory, built):
    with time_machine.travel(MONDAY_11, tick=False):
        day = {r["identifier"]: r for r in client.get(LIST).json()["results"]}
    with time_machine.travel(datetime(2026, 11, 23, 22, tzinfo=OSLO), tick=False):
        night = {r["identifier"]: r for r in client.get(LIST).json()["results"]}
    assert built == ["k46", "natt", "uten"]  # the second request built none
    assert (day["k46"]["openNow"], night["k46"]["openNow"]) == (True, False)
    assert (day["natt"]["openNow"], night["natt"]["openNow"]) == (False, True)
    assert night["natt"]["statusChangesAt"] == "2026-11-24T08:00:00"


def test_changed_hours_a_changed_service_and_a_renamed_unit_show_at_once(client, directory):
    client.get(LIST)
    # Bulk updates: neither the version nor updated_at changes.
    Apningstid.objects.filter(tjeneste__slug="k46").update(closes="16:30")
    Tjeneste.objects.filter(slug="uten").update(phone="22 22 22 22")
    OrgUnit.objects.filter(code="1103").update(name="Siddis")
    data = {r["identifier"]: r for r in client.get(LIST).json()["results"]}
    assert {h["closes"] for h in data["k46"]["hoursAvailable"]} == {"16:30"}
    assert data["k46"]["areaServed"]["name"] == "Siddis"
    assert data["uten"]["telephone"] == "22 22 22 22"
