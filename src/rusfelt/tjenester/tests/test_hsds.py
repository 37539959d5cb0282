"""The HSDS 3.0 export and API against the OFFICIAL Open Referral schemas.

tests/hsds_official.py loads ``../shared/reference/hsds-3.0/schema`` (the
specification's own files, $refs resolved locally with referencing.Registry).
Besides the JSON schemas, the specification's words that the schemas do not
encode are checked here: codelists, HH:MM clock times, no nulls, an address
with a postal code and a street in address_1.
"""

import json
import re
import uuid
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from rusfelt.tjenester import demo

from . import hsds_official

pytestmark = pytest.mark.django_db
HSDS = "/api/tjenester/hsds/"
SERVICES = "/api/tjenester/hsds/services"
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
EXTENT_TYPES = {"geojson", "topojson", "kml", "text"}  # service_area.json, extent_type


@pytest.fixture
def directory(units, make_tjeneste):
    """The demo directory and one service with every contact detail filled in."""
    demo.load()
    make_tjeneste(
        "full", name="Rusteam med alt", unit="030104", phone="23 00 00 00",
        email="rusteam@example.no", website="https://example.no/rusteam",
        street_address="Testgata 1", postal_code="0150", city="Oslo",
        latitude="59.920000", longitude="10.740000", languages=["nb", "en"],
        hours=[(d, "08:00", "15:30") for d in range(5)] + [(5, "00:00", "00:00")],
        exceptions=[(date(2026, 12, 24), True, None, None),
                    (date(2026, 12, 31), False, "10:00", "12:00")],
    )


def _nulls(node, path=""):
    if node is None:
        return [path]
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _nulls(v, f"{path}/{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _nulls(v, f"{path}/{i}")]
    return []


def spec_problems(service: dict) -> list[str]:
    """The specification's rules outside the JSON schemas."""
    problems = [f"null at {p}" for p in _nulls(service)]
    schedules = list(service.get("schedules", []))
    for sal in service.get("service_at_locations", []):
        schedules += sal.get("location", {}).get("schedules", [])
        for address in sal.get("location", {}).get("addresses", []):
            if not address.get("postal_code"):
                problems.append("address without postal_code")
            if address.get("address_1") == service["name"]:
                problems.append("address_1 is the service name")
    for schedule in schedules:
        for field in ("opens_at", "closes_at"):
            if field in schedule and not CLOCK.match(schedule[field]):
                problems.append(f"{field} {schedule[field]!r} is not HH:MM")
    for area in service.get("service_areas", []):
        if "extent_type" in area and area["extent_type"] not in EXTENT_TYPES:
            problems.append(f"extent_type {area['extent_type']!r}")
    return problems


def test_the_official_schema_catches_what_the_old_export_did(directory):
    # Proves the harness: the old export's null e-mail and fake uuid fail.
    bad = {"id": str(uuid.uuid4()), "name": "X", "status": "active", "email": None,
           "phones": [{"id": "not-a-uuid", "number": "1"}]}
    assert len(hsds_official.errors(bad)) == 2
    assert spec_problems({"name": "X", "service_areas": [{"extent_type": "other"}],
                          "schedules": [{"closes_at": "24:00"}]}) == [
        "closes_at '24:00' is not HH:MM", "extent_type 'other'"]


def test_the_whole_export_validates_with_zero_errors(client, directory):
    data = client.get(HSDS).json()
    assert data["total_items"] == 117  # 116 demo services and the full one
    found = {}
    for service in data["contents"]:
        problems = (hsds_official.errors(service)
                    + hsds_official.errors(service, "service.json", compiled=True)
                    + spec_problems(service))
        if problems:
            found[service["name"]] = problems
    assert found == {}


def test_a_full_service_carries_its_contact_details_in_hsds_fields(client, directory):
    data = client.get(HSDS).json()
    full = next(s for s in data["contents"] if s["name"] == "Rusteam med alt")
    assert full["phones"][0]["number"] == "23 00 00 00"
    assert full["email"] == "rusteam@example.no"
    assert full["url"] == "https://example.no/rusteam"
    location = full["service_at_locations"][0]["location"]
    assert location["addresses"][0]["address_1"] == "Testgata 1"
    assert location["addresses"][0]["postal_code"] == "0150"
    assert location["addresses"][0]["state_province"] == "Oslo"
    weekly = {s["byday"]: (s["opens_at"], s["closes_at"]) for s in full["schedules"]
              if s.get("freq") == "WEEKLY"}
    assert weekly == {"MO,TU,WE,TH,FR": ("08:00", "15:30"), "SA": ("00:00", "23:59")}
    christmas = next(s for s in full["schedules"] if s.get("valid_from") == "2026-12-24")
    assert "opens_at" not in christmas


def test_a_service_without_contact_details_leaves_the_fields_out(client, directory):
    data = client.get(HSDS).json()
    fyrlyset = next(s for s in data["contents"] if s["name"] == "Frelsesarmeen Fyrlyset")
    assert "phones" not in fyrlyset and "email" not in fyrlyset
    assert "service_at_locations" not in fyrlyset
    assert fyrlyset["url"].endswith("/tjenester/oslo-frelsesarmeen-fyrlyset/")
    assert fyrlyset["organization"]["name"] == "Frelsesarmeen"


def test_an_address_without_postal_code_is_a_location_description(client, directory):
    # SAA at legevakten in Storgata (seed 000 L1288): the seed gives no postal code.
    data = client.get(HSDS).json()
    saa = next(s for s in data["contents"] if s["name"].startswith("Sosial og ambulant"))
    location = saa["service_at_locations"][0]["location"]
    assert "addresses" not in location
    assert "Storgata" in location["description"]


def test_services_pages_with_the_hsds_page_fields(client, directory):
    first = client.get(SERVICES, {"per_page": 50}).json()
    assert {k: first[k] for k in ("total_items", "total_pages", "page_number", "size",
                                  "first_page", "last_page", "empty")} == {
        "total_items": 117, "total_pages": 3, "page_number": 1, "size": 50,
        "first_page": True, "last_page": False, "empty": False}
    last = client.get(SERVICES, {"per_page": 50, "page": 3}).json()
    assert (last["size"], last["first_page"], last["last_page"]) == (17, False, True)
    beyond = client.get(SERVICES, {"per_page": 50, "page": 4}).json()
    assert beyond["empty"] is True and beyond["contents"] == []
    ids = [s["id"] for s in first["contents"] + last["contents"]]
    assert len(set(ids)) == 67
    for service in first["contents"]:
        assert hsds_official.errors(service, "service_list.json", compiled=True) == []
        assert "schedules" not in service  # one-to-one fields only


def test_services_full_true_nests_everything(client, directory):
    data = client.get(SERVICES, {"per_page": 5, "full": "true"}).json()
    assert data["size"] == 5
    for service in data["contents"]:
        assert hsds_official.errors(service) == []
        assert "attributes" in service


def test_services_search(client, directory):
    data = client.get(SERVICES, {"search": "overnatting"}).json()
    names = [s["name"] for s in data["contents"]]
    assert "Frelsesarmeen Vinternatt" in names and data["total_items"] == len(names)


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "abc"}, {"page": "null"},
                                    {"per_page": "0"}, {"per_page": "501"},
                                    {"full": "yes"}])
def test_services_refuses_bad_paging_with_a_message(client, directory, params):
    response = client.get(SERVICES, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_one_service_by_id_validates_and_unknown_ids_are_404(client, directory):
    listed = client.get(SERVICES, {"per_page": 1}).json()["contents"][0]
    one = client.get(f"{SERVICES}/{listed['id']}")
    assert one.status_code == 200
    assert one.json()["id"] == listed["id"]
    assert hsds_official.errors(one.json()) == []
    assert client.get(f"{SERVICES}/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{SERVICES}/not-a-uuid").status_code == 404


def test_the_api_answers_to_the_official_openapi_paths():
    official = hsds_official.openapi()
    assert {"/services", "/services/{id}"} <= set(official["paths"])
    page_fields = set(official["components"]["schemas"]["Page"]["properties"])
    assert page_fields == {"total_items", "total_pages", "page_number", "size", "first_page",
                           "last_page", "empty"}
    assert reverse("tjenester_api:hsds_services") == SERVICES


@override_settings(RUSFELT_PUBLIC_BASE_URL="https://rusfelt.example.no")
def test_the_command_links_from_the_public_base_url_setting(directory, tmp_path):
    target = tmp_path / "hsds.json"
    call_command("tjenester", "hsds", str(target), stdout=StringIO())
    data = json.loads(target.read_text())
    assert data["contents"][0]["url"].startswith("https://rusfelt.example.no/tjenester/")
    assert all(hsds_official.errors(s) == [] for s in data["contents"])


@override_settings(RUSFELT_PUBLIC_BASE_URL="")
def test_the_command_refuses_without_a_base_url(directory):
    with pytest.raises(CommandError, match="RUSFELT_PUBLIC_BASE_URL"):
        call_command("tjenester", "hsds", stdout=StringIO())
