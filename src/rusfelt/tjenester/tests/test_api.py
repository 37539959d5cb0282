"""The read-only JSON API: same filters, schema.org fields, OpenAPI, HSDS 3.0."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import time_machine
from django.urls import reverse

from rusfelt.core.models import AuditEvent

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db
LIST = "/api/tjenester/"

@pytest.fixture
def services(make_tjeneste):
    return [
        make_tjeneste("k46", name="K46", category="behandling", age_min=16, age_max=25,
                      kind="kommunal", hours=[(d, "10:00", "15:00") for d in range(5)],
                      phone="51 00 00 00", city="Stavanger", unit="1103",
                      target_groups=["ungdom"], access_routes=["drop_in"],
                      exceptions=[(date(2026, 12, 24), True, None, None)]),
        make_tjeneste("fyrlyset", name="Fyrlyset", category="lavterskel", kind="ideell",
                      description="Mat og klær.", provider_name="Frelsesarmeen"),
        make_tjeneste("utkast", name="Utkast", published=False),
    ]


def test_the_list_takes_the_search_filters_and_speaks_schema_org(client, services):
    with time_machine.travel(datetime(2026, 11, 23, 11, tzinfo=OSLO), tick=False):
        data = client.get(LIST, {"kategori": "behandling", "alder": "17"}).json()
    assert data["@context"] == "https://schema.org"
    assert data["count"] == 1
    item = data["results"][0]
    assert item["@type"] == "GovernmentService"
    assert item["name"] == "K46"
    assert item["audience"]["suggestedMinAge"] == 16
    assert item["areaServed"]["identifier"] == "1103"
    assert item["hoursAvailable"][0] == {
        "@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/Monday",
        "opens": "10:00", "closes": "15:00"}
    assert item["openNow"] is True
    assert item["@id"].endswith("/tjenester/k46/")


def test_the_list_hides_unpublished_and_searches_text(client, services):
    data = client.get(LIST, {"q": "klær"}).json()
    assert [r["identifier"] for r in data["results"]] == ["fyrlyset"]
    assert data["results"][0]["@type"] == "Service"
    assert "utkast" not in [r["identifier"] for r in client.get(LIST).json()["results"]]


def test_bad_parameters_get_400_with_a_message(client, services):
    response = client.get(LIST, {"alder": "x"})
    assert response.status_code == 400
    assert response.json()["errors"]["alder"] == ["Oppgi et heltall."]


def test_one_service_and_404_for_unpublished(client, services):
    assert client.get(f"{LIST}k46/").json()["name"] == "K46"
    assert client.get(f"{LIST}utkast/").status_code == 404


def test_openapi_describes_every_path(client):
    doc = client.get(reverse("tjenester_api:openapi")).json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/", "/{slug}/", "/hsds/", "/hsds/services",
                                 "/hsds/services/{id}", "/openapi.json"}
    names = {p["name"] for p in doc["paths"]["/"]["get"]["parameters"]}
    assert {"q", "alder", "rolle", "kategori", "tilgang", "apen", "sted"} <= names


def test_the_list_matches_its_openapi_schema(client, services):
    doc = client.get(reverse("tjenester_api:openapi")).json()
    schema = {**doc["components"]["schemas"]["Page"], "components": doc["components"]}
    schema = _resolve(schema, doc)
    jsonschema.validate(client.get(LIST).json(), schema)


def _resolve(node, doc):
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _resolve(doc["components"]["schemas"][name], doc)
        return {k: _resolve(v, doc) for k, v in node.items() if k != "components"}
    if isinstance(node, list):
        return [_resolve(v, doc) for v in node]
    return node


def test_hsds_export_is_audited_and_its_ids_are_stable(client, services):
    data = client.get(reverse("tjenester_api:hsds")).json()
    assert data["total_items"] == 2
    k46 = next(s for s in data["contents"] if s["name"] == "K46")
    assert k46["minimum_age"] == 16 and k46["maximum_age"] == 25
    weekly = [s for s in k46["schedules"] if s.get("freq") == "WEEKLY"]
    assert [s["byday"] for s in weekly] == ["MO,TU,WE,TH,FR"]
    closed = [s for s in k46["schedules"] if s.get("valid_from") == "2026-12-24"]
    assert closed and "opens_at" not in closed[0]
    assert k46["phones"][0]["number"] == "51 00 00 00"
    assert {a["taxonomy_term"]["taxonomy"] for a in k46["attributes"]} >= {
        "rusfelt-kategori", "rusfelt-malgruppe", "rusfelt-tilgang"}
    assert client.get(reverse("tjenester_api:hsds")).json()["contents"][0]["id"] == \
        data["contents"][0]["id"]
    assert AuditEvent.objects.filter(action="export", detail__format="hsds-3.0").count() == 2


def test_the_list_in_bokmal_reads_no_translations_and_in_english_uses_them(client, services):
    """Issue 12: the bokmål list does not read the translation table; English still
    gets its texts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rusfelt.tjenester.models import TjenesteOversettelse

    TjenesteOversettelse.objects.create(tjeneste=services[0], language="en",
                                        name="K46 for young people")
    with CaptureQueriesContext(connection) as queries:
        data = client.get(LIST, {"kategori": "behandling"}).json()
    assert data["results"][0]["name"] == "K46"
    assert not [q for q in queries if "tjenesteoversettelse" in q["sql"]]
    english = client.get(LIST, {"kategori": "behandling", "lang": "en"}).json()
    assert english["results"][0]["name"] == "K46 for young people"


def test_the_list_gives_every_period_and_exception_with_its_note(client, make_tjeneste):
    """The list reads the hours as domain values (issue 12), notes included."""
    make_tjeneste("k46", name="K46", hours=[(0, "10:00", "15:00"), (2, "18:00", "21:00")],
                  exceptions=[(date(2026, 12, 24), True, None, None),
                              (date(2026, 12, 31), False, "10:00", "13:00")])
    from rusfelt.tjenester.models import Unntak

    Unntak.objects.filter(day=date(2026, 12, 31)).update(note="Nyttårsaften")
    item = client.get(LIST).json()["results"][0]
    assert [(h.get("dayOfWeek"), h.get("validFrom"), h["opens"], h["closes"],
             h.get("description")) for h in item["hoursAvailable"]] == [
        ("https://schema.org/Monday", None, "10:00", "15:00", None),
        ("https://schema.org/Wednesday", None, "18:00", "21:00", None),
        (None, "2026-12-24", "00:00", "00:00", ""),
        (None, "2026-12-31", "10:00", "13:00", "Nyttårsaften"),
    ]
