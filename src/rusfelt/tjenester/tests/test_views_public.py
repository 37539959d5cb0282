"""The public directory: no login, GET filters, open now at a fixed clock."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from rusfelt.tjenester import services
from rusfelt.tjenester.models import Tjeneste, TjenesteOversettelse

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db
INDEX = reverse("tjenester:index")


def names(response):
    return [r.tjeneste.name for r in response.context["results"]]


def test_the_search_needs_no_login_and_hides_unpublished(client, make_tjeneste):
    make_tjeneste("synlig", name="Synlig tilbud")
    make_tjeneste("skjult", name="Skjult tilbud", published=False)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert names(response) == ["Synlig tilbud"]


def test_rusbehandling_finds_behandling_for_rusproblemer(client, make_tjeneste):
    # The issue's own example.
    make_tjeneste("a", name="Poliklinikk", description="Behandling for rusproblemer.")
    make_tjeneste("b", name="Søvnskole", description="Behandling av søvnvansker.")
    assert names(client.get(INDEX, {"q": "rusbehandling"})) == ["Poliklinikk"]


def test_category_access_and_age_filters(client, make_tjeneste):
    make_tjeneste("k46", name="K46", category="behandling", age_min=16, age_max=25,
                  access_routes=["drop_in"])  # seed 004 L912-914
    make_tjeneste("hsk", name="HSK", category="oppfolging", access_routes=["vedtak"])
    assert names(client.get(INDEX, {"kategori": "behandling"})) == ["K46"]
    assert names(client.get(INDEX, {"tilgang": "vedtak"})) == ["HSK"]
    assert names(client.get(INDEX, {"alder": "16"})) == ["HSK", "K46"]
    assert names(client.get(INDEX, {"alder": "26"})) == ["HSK"]
    assert names(client.get(INDEX, {"alder": "15"})) == ["HSK"]


def test_who_you_are_relative_or_user(client, make_tjeneste):
    make_tjeneste("kriseteam", name="Kriseteamet", target_groups=["parorende"])
    make_tjeneste("rusteam", name="Rusteamet", target_groups=["voksne", "parorende"])
    make_tjeneste("lar", name="LAR", target_groups=["aktiv_rus"])
    assert names(client.get(INDEX, {"rolle": "parorende"})) == ["Kriseteamet", "Rusteamet"]
    assert names(client.get(INDEX, {"rolle": "bruker"})) == ["LAR", "Rusteamet"]


def test_a_bydel_sees_its_own_and_kommune_wide_services_not_other_kommuner(client, make_tjeneste):
    make_tjeneste("sth", name="Rusteam St. Hanshaugen", unit="030104")
    make_tjeneste("frogner", name="Rusteam Frogner", unit="030105")
    make_tjeneste("oslo", name="Legevakt Oslo", unit="0301")
    make_tjeneste("bergen", name="Legevakt Bergen", unit="4601")
    assert names(client.get(INDEX, {"sted": "030104"})) == [
        "Legevakt Oslo", "Rusteam St. Hanshaugen"]
    assert len(names(client.get(INDEX, {"sted": "0301"}))) == 3


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(datetime(2026, 11, 23, 10, 0), ["Kontor", "Legevakt"], id="monday-10"),
        pytest.param(datetime(2026, 11, 23, 23, 0), ["Legevakt", "Natthjelp"], id="monday-23"),
        pytest.param(datetime(2026, 11, 24, 1, 0), ["Legevakt", "Natthjelp"], id="past-midnight"),
        pytest.param(datetime(2026, 12, 25, 10, 0), ["Legevakt"], id="christmas-day"),
        pytest.param(datetime(2026, 4, 3, 10, 0), ["Kontor", "Legevakt"], id="langfredag-open"),
    ],
)
def test_open_now_at_a_fixed_clock(client, make_tjeneste, office_hours, moment, expected):
    make_tjeneste("kontor", name="Kontor", hours=office_hours,
                  exceptions=[(date(2026, 4, 3), False, "10:00", "14:00")])
    make_tjeneste("natt", name="Natthjelp", hours=[(d, "21:00", "08:00") for d in range(7)])
    # Legevakt: 24 timer i døgnet (seed 004 L866-870).
    make_tjeneste("legevakt", name="Legevakt", open_on_holidays=True,
                  hours=[(d, "00:00", "00:00") for d in range(7)])
    with time_machine.travel(moment.replace(tzinfo=OSLO), tick=False):
        response = client.get(INDEX, {"apen": "on"})
    assert names(response) == expected


def test_a_bad_age_is_reported_and_the_rest_still_searches(client, make_tjeneste):
    make_tjeneste("a", name="Alfa")
    response = client.get(INDEX, {"alder": "gammel"})
    assert response.status_code == 200
    assert response.context["form"].errors["alder"]
    assert names(response) == ["Alfa"]


def test_results_are_paged_with_the_query_kept(client, make_tjeneste):
    for i in range(25):
        make_tjeneste(f"t{i:02}", name=f"Tilbud {i:02}", description="rusteam")
    response = client.get(INDEX, {"q": "rusteam", "side": "2"})
    assert len(response.context["results"]) == 5
    assert 'href="?q=rusteam&amp;side=1"' in response.content.decode()


def test_the_search_page_uses_few_queries(client, make_tjeneste, office_hours,
                                          django_assert_max_num_queries):
    for i in range(30):
        make_tjeneste(f"t{i:02}", hours=office_hours)
    with django_assert_max_num_queries(12):
        client.get(INDEX, {"apen": "on", "q": "tilbud"})


def test_the_service_page_answers_the_five_questions(client, make_tjeneste, office_hours):
    make_tjeneste("k46", name="K46", hours=office_hours, age_min=16, age_max=25,
                  access_routes=["drop_in"], street_address="Kannikgata 46",
                  postal_code="4005", city="Stavanger", latitude="58.97", longitude="5.73")
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=OSLO), tick=False):
        response = client.get(reverse("tjenester:detail", args=["k46"]))
    html = response.content.decode()
    for heading in ("Hva er det?", "Er det for meg?", "Hvordan kommer jeg inn?",
                    "Når er det åpent?", "Hvordan finner jeg fram?"):
        assert heading in html
    assert "Åpent nå til 15.30" in html
    assert "16–25 år" in html
    assert "Drop-in: kom innom" in html
    assert "Kannikgata 46" in html
    # Christmas Day is 32 days ahead, inside the 45-day outlook of special days.
    assert "Første juledag" in html


def test_a_stale_service_is_flagged_publicly(client, make_tjeneste):
    make_tjeneste("gammel", verified_on=date(2025, 11, 22))
    with time_machine.travel(datetime(2026, 11, 22, 12, tzinfo=OSLO), tick=False):
        html = client.get(reverse("tjenester:detail", args=["gammel"])).content.decode()
        listing = client.get(INDEX).content.decode()
    assert "ikke kontrollert på over 12 måneder" in html
    assert "Ikke kontrollert siste 12 måneder" in listing


def test_unpublished_page_is_404_for_the_public_but_visible_to_its_planner(
        client, make_tjeneste, oslo_planlegger, bergen_planlegger):
    make_tjeneste("utkast", published=False)
    url = reverse("tjenester:detail", args=["utkast"])
    assert client.get(url).status_code == 404
    client.force_login(bergen_planlegger)
    assert client.get(url).status_code == 404
    client.force_login(oslo_planlegger)
    assert client.get(url).status_code == 200


def test_english_texts_come_from_the_translation_table_with_fallback(client, make_tjeneste):
    obj = make_tjeneste("legevakt", name="Legevakt", description="Hjelp når det haster.")
    TjenesteOversettelse.objects.create(tjeneste=obj, language="en", name="Emergency clinic")
    obj.refresh_search_index()
    response = client.get(reverse("tjenester:detail", args=["legevakt"]),
                          HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "Emergency clinic" in html
    assert "Hjelp når det haster." in html  # no English description: bokmål
    # The English name is searchable too.
    assert names(client.get(INDEX, {"q": "emergency"})) == ["Legevakt"]


def test_services_named_after_the_query_come_first(client, make_tjeneste):
    make_tjeneste("a-bolig", name="Akuttbolig",
                  access_text="Utenom kontortid: møt opp på legevakten.")
    make_tjeneste("legevakt", name="Legevakt", description="Hjelp når det haster.")
    assert names(client.get(INDEX, {"q": "legevakt"})) == ["Legevakt", "Akuttbolig"]


def test_bokmal_fallback_is_marked_for_screen_readers_on_english_pages(client, make_tjeneste):
    # WCAG 3.1.2: a part in another language than the page carries lang.
    obj = make_tjeneste("legevakt", name="Legevakt", description="Hjelp når det haster.",
                        capacity="døgnåpent", hours=[(4, "08:00", "15:00")])
    TjenesteOversettelse.objects.create(tjeneste=obj, language="en", name="Emergency clinic")
    with time_machine.travel(datetime(2026, 12, 20, 12, tzinfo=OSLO), tick=False):
        html = client.get(reverse("tjenester:detail", args=["legevakt"]),
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Emergency clinic</h1>" in html
    assert '<p lang="nb">Hjelp når det haster.</p>' in html
    assert '<span lang="nb">døgnåpent</span>' in html
    assert "Christmas Day" in html  # holiday names are translated
    nb = client.get(reverse("tjenester:detail", args=["legevakt"])).content.decode()
    assert 'lang="nb">' not in nb.split("<main", 1)[1]


def test_open_now_without_text_is_one_query_in_name_order(make_tjeneste, office_hours,
                                                          django_assert_num_queries):
    """Issue 12: with nothing to rank, the open services come in the name order of
    the one query that finds them, not from a second query over every open id."""
    make_tjeneste("b", name="Bravo", hours=office_hours)
    make_tjeneste("a", name="Alfa", hours=office_hours)
    make_tjeneste("c", name="Charlie", hours=[(0, "18:00", "21:00")])
    make_tjeneste("d", name="Delta")
    with django_assert_num_queries(1):
        ids = services.search_ids(services.Filters(apen=True),
                                  datetime(2026, 11, 23, 10))
    assert [Tjeneste.objects.get(pk=i).name for i in ids] == ["Alfa", "Bravo"]
