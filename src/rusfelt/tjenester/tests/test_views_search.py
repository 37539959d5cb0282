"""The search page reads questions, shows how to reach each service, and never
leaves a person with nothing: emergency numbers, a broader search, nearby
services (issue 13)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db
INDEX = reverse("tjenester:index")
NIGHT = [(d, "21:00", "08:00") for d in range(7)]


def slugs(response):
    return [r.tjeneste.slug for r in response.context["results"]]


@pytest.fixture
def directory(make_tjeneste):
    make_tjeneste("rusteam", name="Rusteamet", unit="030104",
                  description="Individuell oppfølging ved rusproblemer.",
                  target_groups=["voksne", "parorende"], hours=[(2, "08:00", "22:00")])
    make_tjeneste("vinternatt", name="Frelsesarmeen Vinternatt", category="bolig",
                  description="Akutt overnatting.", hours=NIGHT, phone="22 00 00 00",
                  street_address="Gata 1", postal_code="0150", city="Oslo")
    make_tjeneste("kvinner", name="Kirkens Bymisjon akuttovernatting for kvinner",
                  category="bolig", description="Seng for natten.", hours=NIGHT)
    make_tjeneste("legevakt", name="Legevakt", unit="1103", category="akutt",
                  description="Øyeblikkelig hjelp.", phone="116 117",
                  hours=[(d, "00:00", "00:00") for d in range(7)])


def test_words_of_a_question_need_not_all_match(client, directory):
    # The issue: "jeg trenger hjelp med rus" gave 0 results where "rus" gave some.
    assert slugs(client.get(INDEX, {"q": "jeg trenger hjelp med rus"})) == ["rusteam"]


def test_natt_finds_akuttovernatting_and_the_night_shelter(client, directory):
    with time_machine.travel(datetime(2026, 11, 25, 23, tzinfo=OSLO), tick=False):
        found = slugs(client.get(INDEX, {"q": "natt"}))
    assert set(found[:2]) == {"vinternatt", "kvinner"}


def test_apent_na_in_the_text_is_the_open_now_filter(client, directory):
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=OSLO), tick=False):
        response = client.get(INDEX, {"q": "åpent nå"})
    assert sorted(slugs(response)) == ["legevakt", "rusteam"]
    assert "bare åpne nå" in response.content.decode()


def test_a_typo_still_finds(client, make_tjeneste):
    make_tjeneste("poli", name="Poliklinikk", description="Behandling for rusproblemer.")
    assert slugs(client.get(INDEX, {"q": "rusbehandlng"})) == ["poli"]


def test_every_result_page_offers_113_and_116_117_as_links(client, directory):
    for params in ({}, {"q": "rus"}, {"q": "finnesikke"}):
        html = client.get(INDEX, params).content.decode()
        assert 'href="tel:113"' in html and 'href="tel:116117"' in html


def test_the_municipality_s_own_emergency_service_is_offered(client, directory):
    html = client.get(INDEX, {"sted": "1103"}).content.decode()
    box = html[html.index("tj-urgent"):html.index("</aside>")]
    assert "Legevakt" in box and 'href="tel:116117"' in box


def test_results_show_phone_address_with_postal_code_and_a_map_search(client, directory):
    html = client.get(INDEX, {"q": "vinternatt"}).content.decode()
    assert 'href="tel:22000000"' in html
    assert "Gata 1, 0150 Oslo" in html
    assert "openstreetmap.org/search?query=Gata+1%2C+0150+Oslo" in html


def test_a_service_without_contact_details_says_so(client, directory):
    html = client.get(INDEX, {"q": "rusteamet"}).content.decode()
    assert "Ingen telefon registrert" in html and "Ingen adresse registrert" in html
    page = client.get(reverse("tjenester:detail", args=["rusteam"])).content.decode()
    assert "Ingen telefonnummer er registrert." in page


def test_opening_hours_in_words(client, directory):
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=OSLO), tick=False):
        html = client.get(reverse("tjenester:detail", args=["rusteam"])).content.decode()
    assert "Åpent nå til 22.00" in html


def test_no_results_offers_a_broader_search_and_nearby_services(client, directory):
    response = client.get(INDEX, {"q": "rus finnesikke", "sted": "030104",
                                  "kategori": "akutt"})
    assert response.context["total"] == 0
    html = response.content.decode()
    assert "Samme søk uten filtrene" in html
    assert "?q=rus&amp;sted=030104" in html  # one word at a time
    nearby = [n.tjeneste.slug for n in response.context["nearby"]]
    assert "rusteam" in nearby and "legevakt" not in nearby  # Stavanger is elsewhere
    assert 'href="tel:113"' in html


def test_a_search_in_a_bydel_with_its_emergency_services_uses_few_queries(
        client, directory, make_tjeneste, office_hours, django_assert_max_num_queries):
    """Issue 12: a place made the page read the place, its units and the emergency
    services' hours again and again (19-22 queries at national scale)."""
    for i in range(6):
        make_tjeneste(f"akutt{i}", unit="0301", category="akutt", hours=office_hours)
        make_tjeneste(f"bolig{i}", unit="030104", category="bolig",
                      description="Bolig med oppfølging.", hours=office_hours)
    client.get(INDEX)  # the place list is built once per process
    with (time_machine.travel(datetime(2026, 11, 25, 10, tzinfo=OSLO), tick=False),
          django_assert_max_num_queries(13)):
        response = client.get(INDEX, {"q": "bolig", "sted": "030104", "apen": "on"})
    assert response.context["total"] == 6
    assert len(response.context["emergency"]) == 4
