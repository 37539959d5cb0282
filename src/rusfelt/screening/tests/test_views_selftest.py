"""The public self-test: no login, nothing stored, no cookie but the language."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .helpers import answers_for

OSLO = ZoneInfo("Europe/Oslo")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)
MONDAY_22 = datetime(2026, 11, 23, 22, 0, tzinfo=OSLO)


def walk(client, code, sex, answers, sted=""):
    """POST every step as a browser would; return the last response and all responses."""
    responses = [client.post(f"/selvtest/{code}/", {"kjonn": sex, "sted": sted, "svar": "",
                                                     "handling": "start"})]
    done = []
    for choice in answers:
        responses.append(client.post(f"/selvtest/{code}/", {
            "kjonn": sex, "sted": sted, "svar": ",".join(map(str, done)),
            "valg": str(choice), "handling": "neste"}))
        done.append(choice)
    return responses[-1], responses


def writes(queries):
    return [q["sql"] for q in queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


@pytest.mark.django_db
def test_index_lists_the_three_tests_and_sets_no_cookie(client):
    response = client.get("/selvtest/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("AUDIT", "AUDIT-C", "DUDIT"):
        assert f">{name}</a>" in html
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_full_audit_walk_stores_nothing_and_sets_no_cookie(client, units):
    answers = answers_for("audit", 6)
    with CaptureQueriesContext(connection) as ctx:
        last, responses = walk(client, "audit", "kvinne", answers, sted="0301")
    assert writes(ctx.captured_queries) == []
    assert Session.objects.count() == 0
    for response in responses:
        assert response.status_code == 200
        assert response.cookies == {}, response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()
    html = last.content.decode()
    # 6 points is "increased risk" for a woman (issue #16), WHO zone I.
    assert "Du fikk 6 av 40 poeng på AUDIT." in html
    assert "tyder på økt risiko for skade av alkohol" in html
    assert "WHO-sone I (0–7)" in html
    assert "ikke en diagnose" in html
    assert 'href="tel:113"' in html and 'href="tel:116117"' in html
    assert "rusinfo.no" in html


@pytest.mark.django_db
def test_the_same_total_is_low_risk_for_a_man(client):
    last, _ = walk(client, "audit", "mann", answers_for("audit", 6))
    assert "tyder på lav risiko" in last.content.decode()


@pytest.mark.django_db
def test_each_step_shows_one_question_with_its_published_wording(client):
    first = client.post("/selvtest/audit/", {"kjonn": "mann", "svar": "", "handling": "start"})
    html = first.content.decode()
    assert "Hvor ofte drikker du alkohol?" in html
    assert "spørsmål 1 av 10" in html
    assert html.count('type="radio"') == 5
    second = client.post("/selvtest/audit/", {"kjonn": "mann", "svar": "", "valg": "2",
                                              "handling": "neste"})
    html = second.content.decode()
    assert "tar du på en &quot;typisk&quot; drikkedag?" in html
    assert 'name="svar" value="2"' in html
    assert "1 alkoholenhet = 1 vinglass" in html  # NHI's footnote goes with item 2


@pytest.mark.django_db
def test_no_answer_keeps_the_question_and_says_why(client):
    response = client.post("/selvtest/audit-c/", {"kjonn": "kvinne", "svar": "1",
                                                 "handling": "neste"})
    html = response.content.decode()
    assert "Velg ett av svarene før du går videre." in html
    assert "spørsmål 2 av 3" in html
    assert 'name="svar" value="1"' in html


@pytest.mark.django_db
def test_back_returns_to_the_previous_question_with_its_answer_chosen(client):
    response = client.post("/selvtest/audit-c/", {"kjonn": "kvinne", "svar": "1,3",
                                                 "handling": "tilbake"})
    html = response.content.decode()
    assert "spørsmål 2 av 3" in html
    assert 'name="svar" value="1"' in html
    assert 'value="3" id="id_valg_3" required checked' in html


@pytest.mark.django_db
def test_a_missing_sex_is_asked_for(client):
    response = client.post("/selvtest/audit/", {"svar": "", "handling": "start"})
    assert "Velg kvinne eller mann" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("svar", ["9", "0,0,0,0,0,0,0,0,0,0,0", "x"])
def test_tampered_answers_restart_instead_of_scoring(client, svar):
    response = client.post("/selvtest/audit/", {"kjonn": "mann", "svar": svar, "valg": "0",
                                               "handling": "neste"})
    html = response.content.decode()
    assert "Start testen" in html
    assert "Du fikk" not in html


@pytest.mark.django_db
def test_dudit_in_bokmal_says_the_wording_is_missing_and_asks_nothing(client):
    response = client.get("/selvtest/dudit/")
    html = response.content.decode()
    assert "Spørsmålsteksten er ikke lagt inn." in html
    assert 'type="radio"' not in html
    posted = client.post("/selvtest/dudit/", {"kjonn": "mann", "svar": "", "handling": "start"})
    assert 'type="radio"' not in posted.content.decode()


@pytest.mark.django_db
def test_dudit_in_english_uses_the_published_english_items(client):
    client.cookies["django_language"] = "en"
    first = client.post("/selvtest/dudit/", {"kjonn": "mann", "svar": "", "handling": "start"})
    assert "How often do you use drugs other than alcohol?" in first.content.decode()
    last, _ = walk(client, "dudit", "kvinne", answers_for("dudit", 2))
    html = last.content.decode()
    assert "You scored 2 of 44 points on DUDIT." in html  # a woman at 2: at the limit
    assert "may be causing you problems" in html


@pytest.mark.django_db
def test_the_language_switch_sets_only_the_language_cookie(client):
    response = client.post("/selvtest/sprak/", {"language": "en", "next": "/selvtest/audit/"})
    assert response.status_code == 303
    assert response["Location"] == "/selvtest/audit/"
    assert set(response.cookies) == {"django_language"}
    assert response.cookies["django_language"].value == "en"
    page = client.get("/selvtest/audit/")
    assert "<html lang=\"en\">" in page.content.decode()
    assert "Start the test" in page.content.decode()
    assert page.cookies == {}


@pytest.mark.django_db
def test_the_language_switch_does_not_redirect_elsewhere(client):
    response = client.post("/selvtest/sprak/", {"language": "en",
                                                "next": "https://evil.example/"})
    assert response["Location"] == "/selvtest/"


@pytest.mark.django_db
def test_unknown_instrument_is_404(client):
    assert client.get("/selvtest/cage/").status_code == 404


@pytest.mark.django_db
def test_help_lists_the_places_services_open_now_first(client, make_tjeneste):
    weekdays = [(d, "08:00", "15:30") for d in range(5)]
    evenings = [(d, "18:00", "23:00") for d in range(7)]
    make_tjeneste("dagtilbud", name="A Dagtilbud", unit="0301", category="lavterskel",
                  hours=weekdays)
    make_tjeneste("kveldstilbud", name="B Kveldstilbud", unit="0301", category="lavterskel",
                  hours=evenings)
    make_tjeneste("bergen-tilbud", name="Bergen tilbud", unit="4601", category="lavterskel",
                  hours=weekdays)
    make_tjeneste("bolig", name="C Bolig", unit="0301", category="bolig", hours=weekdays)
    answers = answers_for("audit", 8)
    with time_machine.travel(MONDAY_10, tick=False):
        day, _ = walk(client, "audit", "mann", answers, sted="0301")
    with time_machine.travel(MONDAY_22, tick=False):
        night, _ = walk(client, "audit", "mann", answers, sted="0301")
    day_html, night_html = day.content.decode(), night.content.decode()
    assert "Bergen tilbud" not in day_html and "C Bolig" not in day_html
    assert day_html.index("A Dagtilbud") < day_html.index("B Kveldstilbud")
    assert night_html.index("B Kveldstilbud") < night_html.index("A Dagtilbud")
    assert "Åpent nå" in night_html


@pytest.mark.django_db
def test_about_page_names_sources_and_licences(client):
    html = client.get("/selvtest/om/").content.decode()
    assert "nhi.no/skjema-og-kalkulatorer/skjema/diverse/alkohol-audit" in html
    assert "non-commercial" in html
    assert "may not be changed" in html


@pytest.mark.django_db
def test_a_service_page_links_to_the_self_test(client, make_tjeneste):
    make_tjeneste("k46", unit="1103", category="behandling")
    html = client.get("/tjenester/k46/").content.decode()
    assert 'href="/selvtest/"' in html
    assert "Ta en anonym selvtest" in html


@pytest.mark.django_db
def test_a_directory_service_page_links_to_the_self_test(client, make_tjeneste):
    from django.urls import reverse

    tjeneste = make_tjeneste("rusteam-test", unit="0301")
    html = client.get(reverse("tjenester:detail", args=[tjeneste.slug])).content.decode()
    assert f'href="{reverse("selvtest:index")}"' in html
    assert "Ta en anonym selvtest." in html
