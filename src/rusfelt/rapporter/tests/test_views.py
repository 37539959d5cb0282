"""The report pages: scoped to the user's units, built from published figures only."""

import pytest
from django.urls import reverse

from rusfelt.rapporter import services

pytestmark = pytest.mark.django_db


def fake_key_figures(unit, year):
    """Published figures as kartlegging.services.key_figures returns them."""
    if unit.code == "030104" and year in (2018, 2019):
        return {
            "antall": "319" if year == 2019 else "301",
            "rate_per_1000": "9.4" if year == 2019 else "8.9",
            "andel_levekarsindeks_gronn": "5.0",
            "andel_rod_blalys": "60.2",
            "andel_bostedslos": ":",
            "andel_individuell_plan": "21.0",
            "levekarsindeks_regel": "levekarsindeks-v1",
        }
    return None


@pytest.fixture
def figures(monkeypatch):
    monkeypatch.setattr(services, "_key_figures", fake_key_figures)


def test_the_report_needs_login(client, units):
    response = client.get(reverse("rapporter:report", args=["030104", 2019]))
    assert response.status_code == 302


def test_another_municipalitys_report_is_404(client, bergen_planlegger, figures):
    client.force_login(bergen_planlegger)
    assert client.get(reverse("rapporter:report", args=["030104", 2019])).status_code == 404
    assert client.get(reverse("rapporter:report", args=["460102", 2019])).status_code == 200


def test_the_index_offers_only_the_users_units(client, bergen_planlegger):
    client.force_login(bergen_planlegger)
    html = client.get(reverse("rapporter:index")).content.decode()
    assert "Bergenhus" in html and "St. Hanshaugen" not in html
    response = client.get(reverse("rapporter:index"), {"unit": "030104", "year": 2019})
    assert response.status_code == 200  # refused by the form, not redirected
    assert "Velg et gyldig valg" in response.content.decode()


def test_the_mapping_section_shows_published_figures_symbols_and_the_rule(
    client, oslo_leser, figures
):
    client.force_login(oslo_leser)
    html = client.get(reverse("rapporter:report", args=["030104", 2019])).content.decode()
    assert "St. Hanshaugen" in html
    assert "9,4" in html  # seed 003 L217
    assert "60,2 %" in html
    assert '<td class="num">:</td>' in html  # a suppressed share stays suppressed
    assert "levekarsindeks-v1" in html
    assert "Utvikling i St. Hanshaugen" in html  # two years give a trend
    assert "data:image/svg+xml;base64," in html


def test_the_report_is_also_a_pdf_and_the_export_is_logged(client, oslo_leser, figures):
    from rusfelt.core.models import AuditEvent

    client.force_login(oslo_leser)
    response = client.get(reverse("rapporter:report", args=["030104", 2019]) + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", user=oslo_leser).exists()


def test_a_unit_without_data_says_so(client, oslo_leser, figures):
    client.force_login(oslo_leser)
    html = client.get(reverse("rapporter:report", args=["030101", 2019])).content.decode()
    assert "Ingen publisert kartlegging for enheten dette året." in html


def test_the_indicator_section_shows_values_changes_and_labelled_judgements(
    client, oslo_leser, figures, units
):
    from decimal import Decimal

    from rusfelt.indikatorer.services import record_kartlegging_values

    for year, green in [(2018, "4.0"), (2019, "6.5")]:
        record_kartlegging_values(
            unit=units["030104"], year=year,
            values={
                "andel_levekarsindeks_gronn": Decimal(green),
                "andel_rod_blalys": Decimal("60.0"),
                "andel_bostedslos": Decimal("10.0"),
                "andel_individuell_plan": Decimal("20.0"),
                "rate_per_1000": Decimal("9.4"),
            },
            rule="levekarsindeks-v1",
        )
    client.force_login(oslo_leser)
    html = client.get(reverse("rapporter:report", args=["030104", 2019])).content.decode()
    assert "Ingen indikatorverdier" not in html
    # 4,0 % -> 6,5 % is 2,5 points up; more than the 1-point threshold (seed 001 L357).
    import re

    row = re.search(r"<tr>(?:(?!</tr>).)*2,5 %-poeng(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    # More green on the living-conditions index is wanted: a green judgement, in words too.
    assert '<span class="judgement judgement--gronn">Grønn</span>' in row
