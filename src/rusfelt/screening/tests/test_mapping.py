"""A mapping registration may carry an AUDIT and/or DUDIT result (form and import)."""

import random
from datetime import date, timedelta

import pytest
from django.urls import reverse

from rusfelt.core.domain.tabular import InvalidRows
from rusfelt.kartlegging import demo, services
from rusfelt.kartlegging.models import Registrering
from rusfelt.screening.models import ScreeningResultat

pytestmark = pytest.mark.django_db

VALUES = {"tjeneste": "nav", "kategori": "rus", "bolig": "gronn", "arbeid_aktivitet": "gul",
          "okonomi": "gul", "fysisk_helse": "gronn", "psykisk_helse": "gronn",
          "rusmiddelbruk": "rod", "sosial_fungering": "gul", "nettverk": "gul"}
HEADER = ("fodselsnummer,tjeneste,kategori,bolig,arbeid_aktivitet,okonomi,fysisk_helse,"
          "psykisk_helse,rusmiddelbruk,sosial_fungering,nettverk")
LEVELS = "nav,rus,gronn,gul,gul,gronn,gronn,rod,gul,gul"


def number(i=0, male=True):
    return demo.synthetic_number(random.Random(i), date(1975, 3, 1 + i), male, set())


@pytest.fixture
def runde(units):
    return services.create_round("030104-2020", hjemmel="Hjemmel X", formal="Formål Y",
                                 dpia_ref="DPIA-7")


def form_data(fnr, **extra):
    return {"fodselsnummer": fnr, **VALUES, "informert": "ja", "antall_barn": "0", **extra}


def test_the_form_stores_audit_and_dudit_with_the_category_by_legal_sex(
        client, runde, sth_kartlegger):
    client.force_login(sth_kartlegger)
    url = reverse("kartlegging:register", args=[runde.code])
    page = client.get(url).content.decode()
    assert "AUDIT: sum" in page and 'href="/screening/"' in page
    # 6 is "increased risk" for a woman, "low risk" for a man; DUDIT 2 is a problem only
    # for a woman.
    client.post(url, form_data(number(1, male=False), audit_sum="6", audit_dato="2020-02-03",
                               dudit_sum="2", dudit_dato="2020-02-03"))
    client.post(url, form_data(number(2, male=True), audit_sum="6", audit_dato="2020-02-03",
                               dudit_sum="2", dudit_dato="2020-02-03"))
    rows = sorted(ScreeningResultat.objects.values_list(
        "registrering__kjonn", "instrument", "sum", "kategori", "dato"))
    assert rows == [
        ("kvinne", "audit", 6, "okt_risiko", date(2020, 2, 3)),
        ("kvinne", "dudit", 2, "sannsynlig_problem", date(2020, 2, 3)),
        ("mann", "audit", 6, "lav_risiko", date(2020, 2, 3)),
        ("mann", "dudit", 2, "ingen_indikasjon", date(2020, 2, 3)),
    ]


def test_the_form_without_screening_stores_none(client, runde, sth_kartlegger):
    client.force_login(sth_kartlegger)
    url = reverse("kartlegging:register", args=[runde.code])
    assert client.post(url, form_data(number(3))).status_code == 302
    assert Registrering.objects.count() == 1
    assert ScreeningResultat.objects.count() == 0


@pytest.mark.parametrize(("extra", "message"), [
    ({"audit_sum": "41", "audit_dato": "2020-02-03"}, "40"),
    ({"audit_sum": "8"}, "Fyll inn datoen testen ble tatt."),
    ({"dudit_dato": "2020-02-03"}, "Fyll inn summen, eller fjern datoen."),
    ({"dudit_sum": "3", "dudit_dato": (date.today() + timedelta(days=2)).isoformat()},
     "Datoen kan ikke være fram i tid."),
])
def test_bad_screening_input_keeps_the_form_and_stores_nothing(client, runde, sth_kartlegger,
                                                               extra, message):
    client.force_login(sth_kartlegger)
    url = reverse("kartlegging:register", args=[runde.code])
    response = client.post(url, form_data(number(4), **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Registrering.objects.count() == 0
    assert ScreeningResultat.objects.count() == 0


def csv(rows, extra_header):
    return ("\n".join([HEADER + "," + extra_header, *rows]) + "\n").encode()


def test_import_accepts_the_screening_columns(runde):
    data = csv([
        f"{number(5, male=False)},{LEVELS},16,2020-01-10,,",
        f"{number(6)},{LEVELS},,,25,2020-01-11",
        f"{number(7)},{LEVELS},,,,",
    ], "audit_sum,audit_dato,dudit_sum,dudit_dato")
    assert services.import_registrations(runde, data, "x.csv") == 3
    rows = sorted(ScreeningResultat.objects.values_list("instrument", "sum", "kategori"))
    assert rows == [("audit", 16, "hoy_risiko"), ("dudit", 25, "sannsynlig_avhengighet")]


def test_a_bad_screening_cell_rejects_the_whole_import(runde):
    data = csv([
        f"{number(8)},{LEVELS},12,2020-01-10",
        f"{number(9)},{LEVELS},x,2020-01-10",
        f"{number(10)},{LEVELS},45,2020-01-10",
        f"{number(11)},{LEVELS},5,",
        f"{number(12)},{LEVELS},5,10.01.2020",
    ], "audit_sum,audit_dato")
    with pytest.raises(InvalidRows) as info:
        services.import_registrations(runde, data, "x.csv")
    message = str(info.value)
    assert "Linje 3, kolonne audit_sum: må være et helt tall" in message
    assert "Linje 4, kolonne audit_sum: må være fra 0 til 40" in message
    assert "Linje 5, kolonne audit_dato: mangler" in message
    assert "Linje 6, kolonne audit_dato: må være en dato" in message
    assert Registrering.objects.count() == 0
    assert ScreeningResultat.objects.count() == 0


def test_deleting_a_registration_deletes_its_screening(runde, sth_kartlegger):
    from rusfelt.screening import mapping

    reg = services.register(runde, number(13), {**VALUES, "informert": True})
    mapping.attach(reg, [("audit", 9, date(2020, 1, 2))])
    services.delete_registration(reg, user=sth_kartlegger, reason="feil person")
    assert ScreeningResultat.objects.count() == 0


def test_results_are_scoped_to_the_users_units(runde, sth_kartlegger, bergen_planlegger):
    from rusfelt.screening import mapping

    reg = services.register(runde, number(14), {**VALUES, "informert": True})
    mapping.attach(reg, [("dudit", 1, date(2020, 1, 2))])
    assert ScreeningResultat.objects.for_user(sth_kartlegger).count() == 1
    assert ScreeningResultat.objects.for_user(bergen_planlegger).count() == 0
