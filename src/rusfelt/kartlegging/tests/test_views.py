"""View tests: the allowed user, another municipality (404), the wrong role (403)."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from rusfelt.core.models import AuditEvent
from rusfelt.kartlegging import demo, services
from rusfelt.kartlegging.models import Registrering, Runde, State

pytestmark = pytest.mark.django_db

VALUES = {"tjeneste": "nav", "kategori": "rus", "bolig": "gronn", "arbeid_aktivitet": "gul",
          "okonomi": "gul", "fysisk_helse": "gronn", "psykisk_helse": "gronn",
          "rusmiddelbruk": "rod", "sosial_fungering": "gul", "nettverk": "gul",
          "informert": True}


def number(i=0, male=True):
    import random

    return demo.synthetic_number(random.Random(i), date(1975, 3, 1 + i), male, set())


@pytest.fixture
def runde(units):
    return services.create_round("030104-2020", hjemmel="Hjemmel X", formal="Formål Y",
                                 dpia_ref="DPIA-7")


@pytest.fixture
def published(runde):
    for i in range(12):
        services.register(runde, number(i), dict(VALUES))
    services.register(runde, number(20, male=False), dict(VALUES))
    services.change_state(runde, State.CLOSED)
    services.change_state(runde, State.PUBLISHED)
    return runde


def login(client, user):
    client.force_login(user)
    return client


def form_data(fnr, **extra):
    data = {"fodselsnummer": fnr, **{k: v for k, v in VALUES.items() if k != "informert"},
            "informert": "ja", "antall_barn": "0"}
    data.update(extra)
    return data


# --- Registration form ------------------------------------------------------------


def test_kartlegger_registers_and_duplicate_names_the_service(client, runde, sth_kartlegger):
    login(client, sth_kartlegger)
    url = reverse("kartlegging:register", args=[runde.code])
    page = client.get(url)
    assert page.status_code == 200
    assert "no-cache" in page["Cache-Control"]
    assert "Bostedsløs" in page.content.decode() or "Uten bolig" in page.content.decode()
    fnr = number()
    response = client.post(url, form_data(fnr))
    assertRedirects(response, url)
    assert Registrering.objects.filter(runde=runde).count() == 1
    response = client.post(url, form_data(fnr, tjeneste="helse_omsorg"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "allerede registrert" in body and "NAV" in body
    assert Registrering.objects.filter(runde=runde).count() == 1


def test_form_errors_are_norwegian_next_to_fields_and_keep_values(client, runde, sth_kartlegger):
    login(client, sth_kartlegger)
    url = reverse("kartlegging:register", args=[runde.code])
    bad = "15108695077"
    data = form_data(bad, bolig="", informert="nei", ikke_informert_grunn="")
    response = client.post(url, data)
    body = response.content.decode()
    assert "Kontrollsifrene (siffer 10 og 11) stemmer ikke." in body
    assert "Velg grønn, gul eller rød." in body
    assert "Skriv hvorfor personen ikke er informert." in body
    # the typed level is kept: the radio of rød for rusmiddelbruk is the checked one
    radios = re.findall(r'<input[^>]*name="rusmiddelbruk"[^>]*>', body)
    assert [r for r in radios if "checked" in r] == [
        r for r in radios if 'value="rod"' in r]
    assert len(radios) == 3
    assert Registrering.objects.count() == 0


def test_register_access(client, runde, bergen_planlegger, oslo_leser):
    url = reverse("kartlegging:register", args=[runde.code])
    assert login(client, bergen_planlegger).get(url).status_code == 404
    assert login(client, oslo_leser).get(url).status_code == 403


# --- Round overview and states ------------------------------------------------------


def test_overview_shows_how_many_are_not_informed(client, runde, oslo_planlegger):
    services.register(runde, number(1), {**VALUES, "informert": False,
                                         "ikke_informert_grunn": "Ikke truffet"})
    services.register(runde, number(2), dict(VALUES))
    body = login(client, oslo_planlegger).get(runde.get_absolute_url()).content.decode()
    assert "Ikke informert ennå" in body
    assert "<strong>1</strong>" in body


def test_round_detail_access(client, runde, bergen_planlegger, oslo_leser):
    assert login(client, bergen_planlegger).get(runde.get_absolute_url()).status_code == 404
    assert login(client, oslo_leser).get(runde.get_absolute_url()).status_code == 403


def test_planner_closes_and_publishes(client, runde, oslo_planlegger, sth_kartlegger):
    url = reverse("kartlegging:round_state", args=[runde.code])
    assert login(client, sth_kartlegger).post(url, {"state": "closed"}).status_code == 403
    login(client, oslo_planlegger)
    client.post(url, {"state": "closed"})
    client.post(url, {"state": "published"})
    runde.refresh_from_db()
    assert runde.state == State.PUBLISHED
    # a planner cannot reopen a published round
    assert client.post(url, {"state": "open", "begrunnelse": "x"}).status_code == 403


def test_admin_reopens_with_reason(client, published, admin_user):
    url = reverse("kartlegging:round_state", args=[published.code])
    login(client, admin_user).post(url, {"state": "open", "begrunnelse": ""})
    published.refresh_from_db()
    assert published.state == State.PUBLISHED
    client.post(url, {"state": "open", "begrunnelse": "Rettet feil fra NAV"})
    published.refresh_from_db()
    assert published.state == State.OPEN


def test_planner_creates_round_in_browser(client, oslo_planlegger, bergen_planlegger):
    url = reverse("kartlegging:round_create")
    login(client, oslo_planlegger)
    response = client.post(url, {"unit": "030104", "year": "2021", "hjemmel": "",
                                 "formal": "f", "dpia_ref": "d", "tjenester": ["nav"]})
    assert response.status_code == 200
    assert "Feltet er påkrevet." in response.content.decode()  # Django's nb message
    assert not Runde.objects.filter(code="030104-2021").exists()
    response = client.post(url, {"unit": "030104", "year": "2021", "hjemmel": "h",
                                 "formal": "f", "dpia_ref": "d", "tjenester": ["nav"]})
    assertRedirects(response, Runde.objects.get(code="030104-2021").get_absolute_url())
    assert Runde.objects.get(code="030104-2021").state == State.PLANNED
    login(client, bergen_planlegger)
    response = client.post(url, {"unit": "030104", "year": "2022", "hjemmel": "h",
                                 "formal": "f", "dpia_ref": "d", "tjenester": ["nav"]})
    assert response.status_code == 200 and not Runde.objects.filter(code="030104-2022").exists()


# --- Results ---------------------------------------------------------------------------


def test_results_page_for_planner_with_chart(client, published, oslo_planlegger,
                                             bergen_planlegger, sth_kartlegger):
    url = reverse("kartlegging:results", args=[published.code])
    body = login(client, oslo_planlegger).get(url).content.decode()
    assert "levekarsindeks-v1" in body
    assert 'id="tabell-levekarsomrader"' in body
    assert login(client, bergen_planlegger).get(url).status_code == 404
    assert login(client, sth_kartlegger).get(url).status_code == 403


def test_leser_sees_only_suppressed_published_tables(client, published, oslo_leser):
    url = reverse("kartlegging:published", args=[published.code])
    body = login(client, oslo_leser).get(url).content.decode()
    # 12 men and 1 woman: the woman is suppressed, and so is the other cell.
    assert "<td class=\"num\">:</td>" in body
    assert ">12<" not in body.split('id="tabell-kjonn"')[1].split("</table>")[0]
    assert login(client, oslo_leser).get(
        reverse("kartlegging:results", args=[published.code])).status_code == 403


def test_published_page_of_an_unpublished_round_is_404(client, runde, oslo_leser):
    url = reverse("kartlegging:published", args=[runde.code])
    assert login(client, oslo_leser).get(url).status_code == 404


def test_published_access_other_municipality(client, published, bergen_planlegger):
    url = reverse("kartlegging:published", args=[published.code])
    assert login(client, bergen_planlegger).get(url).status_code == 404


def test_xlsx_export_is_suppressed_and_audited(client, published, oslo_leser):
    from openpyxl import load_workbook

    response = login(client, oslo_leser).get(
        reverse("kartlegging:results_xlsx", args=[published.code]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [c for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None]
    assert ":" in [c.value for c in cells]
    # Counts and shares are numbers; only symbols and words are text.
    assert all(c.data_type == "n" for c in cells if c.value not in (":", "..")
               and str(c.value).replace(".", "").isdigit())
    about = {r[0]: r[1] for r in workbook["Om"].iter_rows(values_only=True)}
    assert about["Kartlagt"] == 13
    assert AuditEvent.objects.filter(action="export", detail__export="resultater_xlsx").exists()


def test_record_export_is_pseudonymised_and_audited(client, published, oslo_planlegger,
                                                    oslo_leser, bergen_planlegger):
    url = reverse("kartlegging:records_csv", args=[published.code])
    body = login(client, oslo_planlegger).get(url).content.decode()
    lines = body.splitlines()
    assert lines[0].startswith("pseudonym,tjeneste,alder")
    assert len(lines) == 14 and lines[1].startswith("k1:")
    assert number(0) not in body
    assert AuditEvent.objects.filter(action="export",
                                     detail__export="registreringer_csv").exists()
    assert login(client, oslo_leser).get(url).status_code == 403
    assert login(client, bergen_planlegger).get(url).status_code == 404


# --- Import in the browser -------------------------------------------------------------


def test_browser_import_reports_errors_and_stores_nothing(client, runde, sth_kartlegger):
    header = ("fodselsnummer,tjeneste,kategori,bolig,arbeid_aktivitet,okonomi,fysisk_helse,"
              "psykisk_helse,rusmiddelbruk,sosial_fungering,nettverk")
    good = number(3)
    content = f"{header}\n{good},nav,rus,gronn,gul,rod,gul,gul,rod,gul,gronn\n" \
              f"12345678901,nav,rus,gronn,gul,rod,gul,gul,rod,gul,gronn\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("kartlegging:import", args=[runde.code])
    login(client, sth_kartlegger)
    response = client.post(url, {"fil": SimpleUploadedFile("r.csv", content.encode())})
    body = response.content.decode()
    assert "Linje 3, kolonne fodselsnummer" in body
    assert "12345678901" not in body
    assert Registrering.objects.count() == 0
    ok = f"{header}\n{good},nav,rus,gronn,gul,rod,gul,gul,rod,gul,gronn\n"
    response = client.post(url, {"fil": SimpleUploadedFile("r.csv", ok.encode())})
    assertRedirects(response, runde.get_absolute_url())
    assert Registrering.objects.count() == 1


# --- Right of access and correction ---------------------------------------------------


def test_right_of_access_finds_corrects_and_deletes_with_logging(client, runde,
                                                                oslo_planlegger):
    fnr = number(5)
    reg = services.register(runde, fnr, dict(VALUES))
    login(client, oslo_planlegger)
    response = client.post(reverse("kartlegging:access_lookup"), {"fodselsnummer": fnr})
    body = response.content.decode()
    assert runde.code in body and fnr not in body
    assert "no-cache" in response["Cache-Control"]
    correct_url = reverse("kartlegging:correct", args=[reg.pk])
    data = {**{k: VALUES[k] for k in VALUES if k not in ("tjeneste", "informert")},
            "bolig": "rod", "begrunnelse": "Feil nivå"}
    assertRedirects(client.post(correct_url, data), reverse("kartlegging:access_lookup"))
    reg.refresh_from_db()
    assert reg.bolig == "rod"
    assert reg.informert is False  # unticked: corrected to not informed
    assertRedirects(client.post(correct_url, {**data, "informert": "on"}),
                    reverse("kartlegging:access_lookup"))
    reg.refresh_from_db()
    assert reg.informert is True
    assert AuditEvent.objects.filter(action="update", detail__reason="Feil nivå").exists()
    client.post(reverse("kartlegging:delete", args=[reg.pk]), {"begrunnelse": "Uriktig"})
    assert not Registrering.objects.filter(pk=reg.pk).exists()
    assert AuditEvent.objects.filter(action="delete", detail__reason="Uriktig").exists()
    for event in AuditEvent.objects.all():
        assert fnr not in str(event.detail)


def test_right_of_access_other_municipality_and_role(client, runde, bergen_planlegger,
                                                     oslo_leser):
    reg = services.register(runde, number(6), dict(VALUES))
    url = reverse("kartlegging:correct", args=[reg.pk])
    assert login(client, bergen_planlegger).get(url).status_code == 404
    assert login(client, oslo_leser).get(url).status_code == 403
    assert client.get(reverse("kartlegging:access_lookup")).status_code == 403
    login(client, bergen_planlegger)
    response = client.post(reverse("kartlegging:access_lookup"), {"fodselsnummer": number(6)})
    assert "Ingen registreringer" in response.content.decode()


# --- Access overview and information ---------------------------------------------------


def test_access_overview_for_data_protection_officer(client, published, make_user,
                                                     oslo_planlegger, oslo_leser):
    dpo = make_user("pvo", ("0301", "personvernombud"))
    login(client, oslo_planlegger).get(reverse("kartlegging:records_csv",
                                               args=[published.code]))
    login(client, dpo)
    body = client.get(reverse("kartlegging:access_overview")).content.decode()
    assert "oslo-planlegger" in body and "oslo-leser" in body
    assert "registreringer_csv" in body
    csv_body = client.get(reverse("kartlegging:access_overview_csv")).content.decode()
    assert "tilgang,".split(",")[0] in csv_body and "oslo-planlegger" in csv_body
    assert login(client, oslo_leser).get(
        reverse("kartlegging:access_overview")).status_code == 403


def test_information_text_names_purpose_basis_and_dpia(client, runde, sth_kartlegger,
                                                       bergen_planlegger):
    url = reverse("kartlegging:information", args=[runde.code])
    body = login(client, sth_kartlegger).get(url).content.decode()
    assert "Hjemmel X" in body and "Formål Y" in body and "DPIA-7" in body
    assert login(client, bergen_planlegger).get(url).status_code == 404


def test_index_lists_working_and_published_rounds(client, published, oslo_leser, units):
    other = services.create_round("030105-2020", hjemmel="h", formal="f", dpia_ref="d")
    body = login(client, oslo_leser).get(reverse("kartlegging:index")).content.decode()
    assert published.code in body and other.code not in body


def test_access_overview_of_another_municipality_shows_nothing_of_oslo(
        client, runde, make_user, oslo_planlegger):
    reg = services.register(runde, number(8), dict(VALUES))
    login(client, oslo_planlegger).post(reverse("kartlegging:access_lookup"),
                                        {"fodselsnummer": number(8)})
    client.get(reverse("kartlegging:correct", args=[reg.pk]))
    bergen_dpo = make_user("pvo-bergen", ("4601", "personvernombud"))
    body = login(client, bergen_dpo).get(reverse("kartlegging:access_overview")).content.decode()
    assert "oslo-planlegger" not in body
    oslo_dpo = make_user("pvo-oslo", ("0301", "personvernombud"))
    body = login(client, oslo_dpo).get(reverse("kartlegging:access_overview")).content.decode()
    assert "innsyn=True" in body and "oslo-planlegger" in body


def test_pages_have_english_translations(client, runde, sth_kartlegger):
    from django.conf import settings as dj_settings

    login(client, sth_kartlegger)
    client.cookies[dj_settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("kartlegging:register", args=[runde.code])).content.decode()
    assert "Register a person" in body and "Homeless:" in body


# --- Another municipality's round or registration answers 404 --------------------------


@pytest.mark.parametrize(("name", "method", "data"), [
    pytest.param("kartlegging:round_state", "post", {"state": "closed"}, id="round_state"),
    pytest.param("kartlegging:import", "get", None, id="import"),
    pytest.param("kartlegging:results_xlsx", "get", None, id="results_xlsx"),
])
def test_another_municipalitys_round_is_404(client, published, bergen_planlegger, make_user,
                                             name, method, data):
    bergen_all = make_user("bergen-alle", ("4601", "planlegger"), ("4601", "kartlegger"),
                           ("4601", "administrator"))
    url = reverse(name, args=[published.code])
    for user in (bergen_planlegger, bergen_all):
        response = getattr(login(client, user), method)(url, data)
        assert response.status_code == 404, user
    assert Runde.objects.get(pk=published.pk).state == State.PUBLISHED


def test_another_municipalitys_registration_cannot_be_deleted(client, published,
                                                              bergen_admin):
    registration = published.registreringer.first()
    url = reverse("kartlegging:delete", args=[registration.pk])
    response = login(client, bergen_admin).post(url, {"begrunnelse": "Ikke vår"})
    assert response.status_code == 404
    assert Registrering.objects.filter(pk=registration.pk).exists()
