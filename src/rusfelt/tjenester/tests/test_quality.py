"""Data quality for planners: what is missing per unit, as a page and an export."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from rusfelt.core.models import AuditEvent
from rusfelt.tjenester.domain import kvalitet

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db
URL = reverse("tjenester:planner_quality")
TODAY = date(2026, 11, 25)


def test_gaps_of_one_service():
    complete = kvalitet.Facts("23 00 00 00", "Gata 1", "0150", "https://x.no", True,
                              date(2026, 9, 1))
    assert kvalitet.gaps(complete, TODAY) == ()
    assert kvalitet.gaps(kvalitet.Facts(), TODAY) == kvalitet.GAPS
    no_postcode = kvalitet.Facts("1", "Gata 1", "", "https://x.no", True, date(2026, 9, 1))
    assert kvalitet.gaps(no_postcode, TODAY) == ("adresse",)
    old = kvalitet.Facts("1", "Gata 1", "0150", "https://x.no", True, date(2025, 11, 25))
    assert kvalitet.gaps(old, TODAY) == ("ikke_kontrollert",)  # 12 months to the day


@pytest.fixture
def services(make_tjeneste):
    make_tjeneste("komplett", name="Komplett", phone="22 00 00 00", street_address="Gata 1",
                  postal_code="0150", city="Oslo", website="https://example.no",
                  hours=[(0, "08:00", "15:00")])
    make_tjeneste("likhet", name="= Oslo", provider_name="= Oslo", source_ref="seed 000 L2181")
    make_tjeneste("sth", name="Rusteamet", unit="030104", phone="23 00 00 00",
                  verified_on=date(2024, 1, 1), hours=[(0, "08:00", "15:00")])
    make_tjeneste("bergen", name="Bergen-tjeneste", unit="4601")


def _get(client, **params):
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=OSLO), tick=False):
        return client.get(URL, params)


def test_the_page_lists_gaps_per_unit_for_the_planner_s_units_only(client, services,
                                                                   oslo_planlegger):
    client.force_login(oslo_planlegger)
    response = _get(client)
    html = response.content.decode()
    assert response.status_code == 200
    assert "= Oslo" in html and "Rusteamet" in html
    assert "Komplett" not in html  # nothing missing
    assert "Bergen-tjeneste" not in html  # another kommune
    assert "seed 000 L2181" in html  # planners see the source
    assert response.context["counts"]["ikke_kontrollert"] == 1


def test_the_page_is_for_planners(client, services, oslo_leser):
    response = _get(client)  # log in first
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login") + "?next=")
    client.force_login(oslo_leser)
    assert _get(client).status_code == 403


def test_csv_export_is_neutralised_and_audited(client, services, oslo_planlegger):
    client.force_login(oslo_planlegger)
    response = _get(client, format="csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["enhet", "enhetskode", "tjeneste"]
    likhet = next(r for r in rows if r[3] == "likhet")
    assert likhet[2] == "'= Oslo"
    assert likhet[5:9] == ["mangler", "mangler", "mangler", "mangler"]
    sth = next(r for r in rows if r[3] == "sth")
    assert sth[1] == "030104" and sth[5] == "23 00 00 00" and sth[9] == "2024-01-01"
    assert AuditEvent.objects.filter(action="export",
                                     detail__export="tjenester-kvalitet").count() == 1


def test_xlsx_export_holds_text_never_formulas(client, services, oslo_planlegger):
    client.force_login(oslo_planlegger)
    response = _get(client, format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {sheet.cell(row=r, column=4).value: sheet.cell(row=r, column=3)
             for r in range(2, sheet.max_row + 1)}
    assert names["likhet"].value == "= Oslo" and names["likhet"].data_type == "s"


def test_an_unknown_format_is_refused(client, services, oslo_planlegger):
    client.force_login(oslo_planlegger)
    assert _get(client, format="pdf").status_code == 400
