"""The report pages: scoped to the user's units, built from published figures only."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from rusfelt.core.tests.test_dokumenter import (
    assert_accessible_docx,
    pdf_language,
    pdfinfo,
    xlsx_sheets,
)
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
    monkeypatch.setattr(services, "key_figures", fake_key_figures)


def test_the_report_needs_login(client, units):
    url = reverse("rapporter:report", args=["030104", 2019])
    assertRedirects(client.get(url), f"{reverse('core:login')}?next={url}")


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


@pytest.fixture
def sth_rounds(units):
    """St. Hanshaugen's published rounds of 2018 and 2019 from the demo, with population.

    2019 holds seed 003's 319 persons (L216); the demo population gives its 9,4 per 1 000.
    """
    import random

    from rusfelt.core import demo as core_demo
    from rusfelt.core import services as core_services
    from rusfelt.kartlegging import demo as mapping_demo
    from rusfelt.kartlegging.models import State

    core_services._store_population(core_demo.population_rows(), units)
    rng = random.Random(2019)
    mapping_demo._make_round(units["030104"], 2019, mapping_demo.cohort(
        rng, mapping_demo.STH_2019), rng, State.PUBLISHED)
    spec = mapping_demo.bydel_spec(random.Random(2018), 305)
    mapping_demo._make_round(units["030104"], 2018, mapping_demo.cohort(
        random.Random(2018), spec), random.Random(2018), State.PUBLISHED)


def test_the_mapping_section_shows_the_published_seed_figures_and_the_rule(
    client, oslo_leser, sth_rounds
):
    client.force_login(oslo_leser)
    html = client.get(reverse("rapporter:report", args=["030104", 2019])).content.decode()
    row = re.search(r'<tr><th scope="row">St. Hanshaugen</th>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells[:2] == ["319", "9,4"]  # seed 003 L216-217
    assert "levekarsindeks-v1" in html
    assert "Utvikling i St. Hanshaugen" in html  # two years give a trend
    assert "data:image/svg+xml;base64," in html
    # kartlegging's note on «:» and its method under the published tables (#9)
    assert "Metode: rusfelt-gauss-lp-v2" in html


def test_a_suppressed_share_handed_over_stays_suppressed(client, oslo_leser, figures):
    client.force_login(oslo_leser)
    html = client.get(reverse("rapporter:report", args=["030104", 2019])).content.decode()
    row = re.search(r'<tr><th scope="row">St. Hanshaugen</th>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == [
        "319", "9,4", "5,0\xa0%", "60,2\xa0%", ":", "21,0\xa0%"]
    assert "«:» prikket for personvern" in html


def test_the_report_is_a_tagged_pdf_and_the_export_is_logged(
    client, oslo_leser, figures, tmp_path
):
    from rusfelt.core.models import AuditEvent

    client.force_login(oslo_leser)
    response = client.get(reverse("rapporter:report", args=["030104", 2019]) + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    info = pdfinfo(response.content, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Kunnskapsgrunnlag for rusfeltet – St. Hanshaugen 2019"
    assert info["Author"] == "St. Hanshaugen"
    assert pdf_language(response.content) == b"nb-NO"
    assert AuditEvent.objects.filter(action="export", user=oslo_leser,
                                     detail__format="pdf").exists()


def test_the_report_as_docx_and_xlsx(client, oslo_leser, figures):
    client.force_login(oslo_leser)
    url = reverse("rapporter:report", args=["030104", 2019])
    docx = client.get(url + "?format=docx").content
    assert_accessible_docx(docx, title="Kunnskapsgrunnlag for rusfeltet",
                           author="St. Hanshaugen", images=1)
    sheet = xlsx_sheets(client.get(url + "?format=xlsx").content)[0]
    row = [c for c in next(sheet.iter_rows(min_row=3)) if c.column > 1]
    assert [(c.value, c.data_type) for c in row] == [
        (319, "n"), (9.4, "n"), (5, "n"), (60.2, "n"), (":", "s"), (21, "n")]


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
    row = re.search(r"<tr>(?:(?!</tr>).)*2,5\xa0%-poeng(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    # More green on the living-conditions index is wanted: a green judgement, in words too.
    assert '<span class="judgement judgement--gronn">Grønn</span>' in row


# --- Breaks, gaps and reforms in «Utvikling i …» ----------------------------------

# Seed 004 L327-348: Stavanger mapped these years; «Antall kartlagte» as printed.
STAVANGER_N = {2010: 780, 2011: 755, 2012: 746, 2014: 797, 2015: 688, 2016: 676, 2018: 861}


def seed_key_figures(unit, year):
    figures = {"rate_per_1000": "..", "andel_levekarsindeks_gronn": "10.0",
               "andel_rod_blalys": "50.0", "andel_bostedslos": "8.0",
               "andel_individuell_plan": "40.0", "levekarsindeks_regel": "levekarsindeks-v1"}
    if unit.code == "1103" and year in STAVANGER_N:
        return {"antall": str(STAVANGER_N[year]), **figures}
    if (unit.code, year) in {("1201", 2018), ("1201", 2019), ("4601", 2020), ("4601", 2021)}:
        return {"antall": "500", **figures}
    return None


@pytest.fixture
def stavanger_rounds(units, monkeypatch):
    """Published rounds carrying the seed's breaks (figures come from ``seed_key_figures``)."""
    from datetime import date

    from rusfelt.kartlegging.demo import STAVANGER_BREAKS
    from rusfelt.kartlegging.models import Runde, State

    monkeypatch.setattr(services, "key_figures", seed_key_figures)
    for year in STAVANGER_N:
        kind, reason = STAVANGER_BREAKS.get(year, ("", ""))
        Runde.objects.create(
            code=f"1103-{year}", unit=units["1103"], year=year,
            reference_date=date(year, 12, 31), state=State.PUBLISHED, hjemmel="h",
            formal="f", dpia_ref="d", break_kind=kind, break_reason=reason)


def test_stavanger_report_shows_unmapped_years_and_both_breaks(client, make_user,
                                                               stavanger_rounds):
    client.force_login(make_user("stavanger", ("1103", "leser")))
    html = client.get(reverse("rapporter:report", args=["1103", 2018])).content.decode()
    table = html[html.index("Utvikling i Stavanger"):]
    table = table[:table.index("</table>")]
    years = [y.strip() for y in
             re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', table)]
    assert years == ["2010", "2011", "2012", "2013", "2014", "2015 |", "2016", "2017",
                     "2018 |"]
    assert "2013 .. Ikke kartlagt" in html and "2017 .. Ikke kartlagt" in html
    assert "2015 | Aldersgruppene endret" in html
    assert "2018 | Populasjonen utvidet: for første gang også brukere med primært" in html
    assert "ingen endring regnes over dem" in html


def test_stavanger_report_chart_breaks_at_both_breaks_and_gaps(client, make_user,
                                                               stavanger_rounds):
    import base64

    client.force_login(make_user("stavanger", ("1103", "leser")))
    html = client.get(reverse("rapporter:report", args=["1103", 2018])).content.decode()
    svgs = [base64.b64decode(uri).decode()
            for uri in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)]
    [svg] = [s for s in svgs if "line mark" in s]
    # Three measures, each in four pieces: 2010-12, 2014, 2015-16, 2018.
    assert svg.count('aria-roledescription="line mark"') == 12
    assert svg.count('aria-roledescription="rule mark"') == 2


def test_bergen_trend_reaches_back_through_1201_with_a_break(client, bergen_planlegger,
                                                             monkeypatch):
    monkeypatch.setattr(services, "key_figures", seed_key_figures)
    client.force_login(bergen_planlegger)
    html = client.get(reverse("rapporter:report", args=["4601", 2021])).content.decode()
    table = html[html.index("Utvikling i Bergen"):]
    table = table[:table.index("</table>")]
    assert [y.strip() for y in re.findall(r'<th scope="row"[^>]*>([^<]+)</th>',
                                                        table)] == [
        "2018", "2019", "2020 |", "2021"]
    assert "2020 | Ny kode fra 2020, før Bergen (1201)" in html
    assert "Tall før reformen er fra Bergen (1201)." in html


def test_the_indicator_section_says_why_no_change_is_computed_at_a_break(
    client, oslo_leser, figures, units
):
    # A round with a break (as Stavanger 2015, seed 004 L348) hands its break on.
    from decimal import Decimal

    from rusfelt.indikatorer.services import record_kartlegging_values

    for year, reason in [(2018, ""), (2019, "Aldersgruppene endret")]:
        record_kartlegging_values(
            unit=units["030104"], year=year,
            values={"andel_levekarsindeks_gronn": Decimal("5.0")},
            rule="levekarsindeks-v1", break_reason=reason,
        )
    client.force_login(oslo_leser)
    html = client.get(reverse("rapporter:report", args=["030104", 2019])).content.decode()
    assert "brudd i serien 2019 |, ingen endring regnet: Aldersgruppene endret" in html


STAVANGER_YEARS = ["2010", "2011", "2012", "2013", "2014", "2015 |", "2016", "2017", "2018 |"]


def test_stavanger_report_xlsx_marks_breaks_and_unmapped_years(client, make_user,
                                                               stavanger_rounds):
    client.force_login(make_user("stavanger", ("1103", "leser")))
    url = reverse("rapporter:report", args=["1103", 2018])
    [ws] = [ws for ws in xlsx_sheets(client.get(url, {"format": "xlsx"}).content)
            if ws.title.startswith("Utvikling i Stavanger")]
    assert [ws.cell(row=r, column=1).value for r in range(3, 12)] == STAVANGER_YEARS
    for r in (6, 10):  # 2013 and 2017: not mapped, «..» in every column
        assert {ws.cell(row=r, column=c).value for c in range(2, 8)} == {".."}
    assert ws.cell(row=3, column=2).value == 780  # a number, seed 004 L327
    notes = [ws.cell(row=r, column=1).value for r in range(13, ws.max_row + 1)]
    assert "2013 .. Ikke kartlagt" in notes and "2017 .. Ikke kartlagt" in notes
    assert any(n.startswith("2015 | Aldersgruppene endret") for n in notes)
    assert any(n.startswith("2018 | Populasjonen utvidet") for n in notes)
    assert "«|» brudd i serien" in notes[-1] and "«..» mangler" in notes[-1]


def test_stavanger_report_pdf_and_docx_mark_breaks_and_unmapped_years(
        client, make_user, stavanger_rounds, tmp_path):
    import subprocess

    from rusfelt.core.tests.test_dokumenter import docx_parts

    client.force_login(make_user("stavanger", ("1103", "leser")))
    url = reverse("rapporter:report", args=["1103", 2018])
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(client.get(url, {"format": "pdf"}).content)
    # poppler's pdftotext reads the rows back as a reader's PDF viewer shows them.
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    table = text[text.index("Utvikling i Stavanger"):]
    rows = [line.split()[:2] for line in table.splitlines() if re.match(r"\s*201\d", line)]
    assert [" ".join(r) if r[1] == "|" else r[0] for r in rows[:9]] == STAVANGER_YEARS
    assert re.search(r"2013\s+\.\.\s+\.\.", table) and re.search(r"2017\s+\.\.\s+\.\.", table)
    assert "2015 | Aldersgruppene endret" in text and "2013 .. Ikke kartlagt" in text
    body = docx_parts(client.get(url, {"format": "docx"}).content)["word/document.xml"]
    cells = re.findall(r"<w:t(?: [^>]*)?>(20[12]\d(?: \|)?)</w:t>", body)
    assert [c for c in cells if c in STAVANGER_YEARS] == STAVANGER_YEARS
    assert "2018 | Populasjonen utvidet" in body
