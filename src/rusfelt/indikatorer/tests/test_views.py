"""Views: each with the allowed user, another municipality's (404) and the wrong role (403)."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertRedirects

from rusfelt.core.models import AuditEvent
from rusfelt.core.tests.test_dokumenter import pdfinfo, xlsx_sheets
from rusfelt.indikatorer import demo
from rusfelt.indikatorer.models import Indikatorsett, Maalvurdering, Verdi

SLUG = demo.SLUG
BASE = f"/indikatorer/{SLUG}/"


@pytest.fixture
def sett(units):
    demo.load()


@pytest.fixture
def evaluator(make_user):
    return make_user("evaluator", ("0", "leser"))


@pytest.fixture
def oslo_pvo(make_user):
    return make_user("oslo-pvo", ("0301", "personvernombud"))


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_anonymous_users_are_sent_to_login(client, sett):
    assertRedirects(client.get(BASE), f"/logg-inn/?next={BASE}")


def test_the_national_status_table_shows_the_seed_figures(client, sett, oslo_leser):
    response = _get(client, oslo_leser, BASE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hovedmål 5: Alternative straffereaksjoner" in html
    # ind. 4 årsverk 13 936 -> 15 894, 6,8 % a year, green (L1090)
    assert "13\xa0936" in html
    assert 'judgement--gronn" title="Bevegelse i ønsket retning">6,8\xa0% <span' in html
    # ind. 16: +0,5 points a year, at most the threshold: yellow (L1240)
    assert "0,5\xa0%-poeng <span class=\"judgement__label\">(gul)</span>" in html
    assert html.count("<table class=\"table status-table\">") == 7
    # values keep the seed's printed decimals: 0,0 % (ind. 20, L1242), 3,41 (ind. 93, L1649)
    assert ">0,0\xa0%<" in html and ">3,41<" in html and ">2,0<" in html


def test_filters_by_goal_type_source_and_judgement(client, sett, oslo_leser):
    client.force_login(oslo_leser)
    html = client.get(BASE + "?gruppe=HM5&vurdering=rod").content.decode()
    assert "Soning i behandlingsinstitusjon" in html  # 88, red (L1644)
    assert "Plasser i rusmestringsenheter" not in html  # 87 is green
    html = client.get(BASE + "?kilde=Ungdata").content.decode()
    assert html.count("<tr>\n      <td>2") == 2  # 22 and 23
    html = client.get(BASE + "?type=effekt").content.decode()
    assert "Samfunnseffekter" in html and "Overordnet innsats –" not in html


def test_a_unit_status_table_is_scoped(client, sett, oslo_leser, bergen_planlegger, oslo_pvo):
    assert _get(client, oslo_leser, BASE + "?enhet=0301").status_code == 200
    assert _get(client, bergen_planlegger, BASE + "?enhet=0301").status_code == 404
    assert _get(client, oslo_pvo, BASE + "?enhet=0301").status_code == 403


def test_the_national_evaluator_sees_every_units_values(client, sett, evaluator, bergen_planlegger):
    html = _get(client, evaluator, BASE + "16/sammenlign/?ar=2018").content.decode()
    for name in ("Oslo", "Bergen", "Stavanger", "Norge"):
        assert name in html
    html = _get(client, bergen_planlegger, BASE + "16/sammenlign/?ar=2018").content.decode()
    assert "Bergen" in html and "Norge" in html and "Oslo" not in html
    html = _get(client, bergen_planlegger, BASE + "16/").content.decode()
    assert "data:image/svg+xml;base64," in html and "Oslo" not in html


def test_indicator_page_has_a_chart_and_a_table(client, sett, oslo_leser):
    response = _get(client, oslo_leser, BASE + "4/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<img src="data:image/svg+xml;base64,' in html and 'alt="Linjediagram' in html
    assert "15\xa0894" in html
    assert _get(client, oslo_leser, BASE + "17/").status_code == 404  # removed, L337


def test_pdf_and_xlsx_exports_are_audited(client, sett, oslo_leser, tmp_path):
    client.force_login(oslo_leser)
    pdf = client.get(BASE + "status.pdf?gruppe=HM5")
    assert pdf.status_code == 200
    info = pdfinfo(pdf.content, tmp_path)
    assert info["Tagged"] == "yes"
    name = Indikatorsett.objects.get(slug=SLUG).name
    assert info["Title"].startswith(f"{name} – Status for ")
    assert info["Page size"].startswith("841.89 x 595.276")  # A4 landscape
    xlsx = client.get(BASE + "status.xlsx")
    assert xlsx.status_code == 200
    assert AuditEvent.objects.filter(action="export", user=oslo_leser).count() == 2
    assert client.get(BASE + "status.xlsx?enhet=4601").status_code == 404


def test_the_xlsx_status_table_holds_numbers_with_symbols_only_where_none_exists(
    client, sett, oslo_leser
):
    client.force_login(oslo_leser)
    *sheets, about = xlsx_sheets(client.get(BASE + "status.xlsx").content)
    assert about.title == "Om"  # the last sheet: title, notes and symbols, no table
    rows = {r[0].value: r for ws in sheets for r in ws.iter_rows(min_row=3)
            if isinstance(r[0].value, int)}
    assert all(ws.freeze_panes == "A3" for ws in sheets)
    # Indicator 4 (seed 001 L337): 13 936, 14 633, 15 894, then +6,8 % judged green.
    values = rows[4][5:8]
    assert [(c.value, c.data_type) for c in values] == [
        (13936, "n"), (14633, "n"), (15894, "n")]
    change, judgement = rows[4][-2:]
    assert (change.value, change.data_type) == (6.8, "n")
    assert change.number_format.startswith('#,##0.0\\ "%"')
    assert judgement.value == "Grønn"
    # No «N/A» any more: a cell without a number holds SSB's «..».
    texts = {c.value for r in rows.values() for c in r[5:] if c.data_type == "s"}
    assert "N/A" not in texts and texts <= {"..", ":", "Grønn", "Gul", "Rød", "Grå"}


def test_goals_show_counts_and_the_suggestion(client, sett, oslo_leser):
    html = _get(client, oslo_leser, BASE + "mal/").content.decode()
    assert "planregel-v1" in html and "Beregnet forslag" in html
    assert "Lagre vurdering" not in html  # a leser cannot write
    filtered = _get(client, oslo_leser, BASE + "mal/?gruppe=HM5&vurdering=rod").content.decode()
    assert "Hovedmål 1: Brukerinnflytelse" in filtered  # the set's filters do not apply


def test_goals_of_a_unit_are_scoped(client, sett, oslo_leser, bergen_planlegger, oslo_pvo):
    assert _get(client, oslo_leser, BASE + "mal/?enhet=0301").status_code == 200
    assert _get(client, bergen_planlegger, BASE + "mal/?enhet=0301").status_code == 404
    assert _get(client, oslo_pvo, BASE + "mal/?enhet=0301").status_code == 403


def test_a_bydel_without_values_can_still_be_chosen(client, sett, sth_kartlegger):
    html = _get(client, sth_kartlegger, BASE + "?enhet=030104&gruppe=HM5").content.decode()
    assert "St. Hanshaugen" in html
    assert "Hovedmål 5: Alternative straffereaksjoner – St. Hanshaugen" in html


def test_planners_write_assessments_for_their_own_unit(
    client, sett, oslo_planlegger, oslo_leser, bergen_planlegger
):
    url = BASE + "mal/0301/2018/HM1/"
    data = {"HM1-text": "Brukermedvirkning styrket i bydelene.", "HM1-version": 0}
    client.force_login(oslo_planlegger)
    page = client.get(BASE + "mal/?enhet=0301")
    assert "Lagre vurdering" in page.content.decode()
    assertRedirects(client.post(url, data), BASE + "mal/?enhet=0301&til=2018")
    assert Maalvurdering.objects.get().text == data["HM1-text"]
    # a second save with the old version is refused, not overwritten
    client.post(url, {"HM1-text": "Annet", "HM1-version": 0}, follow=True)
    assert Maalvurdering.objects.get().text == data["HM1-text"]
    assert AuditEvent.objects.filter(action="create", object_type="indikatorer.maalvurdering")
    assert _post(client, bergen_planlegger, url, data).status_code == 404
    assert _post(client, oslo_leser, url, data).status_code == 403


def _post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def test_browser_import_for_own_units_all_or_nothing(
    client, sett, oslo_planlegger, oslo_leser
):
    url = BASE + "import/"
    client.force_login(oslo_planlegger)
    good = SimpleUploadedFile("v.csv", b"indikator,enhet,ar,verdi\n16,0301,2019,67\n")
    response = client.post(url, {"fil": good, "enhet": "0301"})
    assertRedirects(response, BASE)
    assert Verdi.objects.get(unit__code="0301", year=2019).value == Decimal(67)
    bad = SimpleUploadedFile(
        "v.csv", b"indikator,enhet,ar,verdi\n15,0301,2019,4\n16,4601,2019,50\n"
    )
    html = client.post(url, {"fil": bad, "enhet": "0301"}).content.decode()
    assert "Ingenting er lagret." in html
    assert "Linje 3, kolonne enhet: du kan ikke registrere for enhet 4601" in html
    assert not Verdi.objects.filter(indikator__number=15, year=2019).exists()
    client.force_login(oslo_leser)
    assert client.get(url).status_code == 403


def test_many_units_show_the_spread_instead_of_one_line_each(client, sett, evaluator, units):
    from rusfelt.indikatorer.models import Indikator

    ind = Indikator.objects.get(sett__slug=SLUG, number=16)
    bydeler = [u for code, u in units.items() if code.startswith("0301") and len(code) == 6]
    assert len(bydeler) == 15
    Verdi.objects.bulk_create(
        Verdi(indikator=ind, unit=u, year=2018, value=Decimal(50 + i))
        for i, u in enumerate(bydeler)
    )
    html = _get(client, evaluator, BASE + "16/").content.decode()
    assert "Feltet viser spennet" in html
    assert html.count("<th scope=\"row\">") == 4 + 15  # every unit stays in the table
    html = _get(client, evaluator, BASE + "16/sammenlign/?ar=2018").content.decode()
    assert "data:image/svg+xml;base64," in html


def test_the_kartlegging_set_opens_on_a_unit_with_figures(client, sett, sth_kartlegger, units):
    from rusfelt.indikatorer import services

    services.record_kartlegging_values(
        unit=units["030104"], year=2019, rule="levekarsindeks-v1",
        values={"andel_levekarsindeks_gronn": Decimal("5.3"), "andel_rod_blalys": Decimal("61"),
                "andel_bostedslos": Decimal("9.1"), "andel_individuell_plan": Decimal("20"),
                "rate_per_1000": Decimal("9.4")},
    )
    html = _get(client, sth_kartlegger, "/indikatorer/kartlegging-nokkeltall/").content.decode()
    assert "Nøkkeltall fra kartlegging – St. Hanshaugen" in html
    assert ">9,4<" in html and ">9,1\xa0%<" in html


# --- Filter choices without scanning the values (issue 12) --------------------------


def _value_scans(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries
            if "DISTINCT" in q["sql"] and "indikatorer_verdi" in q["sql"]]


def test_a_second_status_page_reads_its_filter_choices_without_scanning_values(
    client, sett, evaluator
):
    client.force_login(evaluator)
    _value_scans(client, BASE)  # the first view after a change scans once
    assert _value_scans(client, BASE + "?enhet=0301") == []


def test_an_import_shows_its_new_year_in_the_filter_at_once(
    client, sett, evaluator, make_user
):
    client.force_login(evaluator)
    html = client.get(BASE).content.decode()
    assert '<option value="2031">' not in html
    planner = make_user("frogner-planlegger", ("030105", "planlegger"))
    client.force_login(planner)
    data = b"indikator,enhet,ar,verdi\n16,030105,2031,12.5\n"
    response = client.post(BASE + "import/", {"fil": SimpleUploadedFile("v.csv", data)})
    assert response.status_code == 302
    client.force_login(evaluator)
    html = client.get(BASE).content.decode()
    assert '<option value="2031">2031</option>' in html


def test_a_chart_is_drawn_once_for_the_same_figures_and_again_after_an_import(
    client, sett, evaluator, make_user, monkeypatch
):
    from rusfelt.core import charts

    drawn = []
    real = charts.vlc.vegalite_to_svg
    monkeypatch.setattr(charts.vlc, "vegalite_to_svg",
                        lambda spec: drawn.append(spec) or real(spec))
    def chart():
        html = client.get(BASE + "16/").content.decode()
        return re.search(r'<img src="(data:image/svg\+xml;base64,[^"]+)"', html).group(1)

    client.force_login(evaluator)
    first, again = chart(), chart()
    assert len(drawn) == 1 and first == again
    planner = make_user("oslo-planner-16", ("0301", "planlegger"))
    client.force_login(planner)
    data = b"indikator,enhet,ar,verdi\n16,0301,2018,99.5\n"
    assert client.post(BASE + "import/", {"fil": SimpleUploadedFile("v.csv", data)}
                       ).status_code == 302
    client.force_login(evaluator)
    changed = chart()
    assert len(drawn) == 2 and changed != first


def test_a_second_view_of_an_indicator_page_reads_no_values_and_scope_still_holds(
    client, sett, evaluator, make_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(evaluator)
    first = client.get(BASE + "16/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(BASE + "16/").content.decode()
    assert not [q for q in queries.captured_queries if "indikatorer_verdi" in q["sql"]]
    assert again.count("<tr>") == first.count("<tr>")
    # Another user's page is their own: Bergen sees no Oslo row, though cached above.
    bergen = make_user("bergen-leser-16", ("4601", "leser"))
    client.force_login(bergen)
    html = client.get(BASE + "16/").content.decode()
    assert '<th scope="row">Oslo</th>' in first and '<th scope="row">Oslo</th>' not in html


# --- Breaks and reforms in an indicator's series ------------------------------------


def test_indicator_32_breaks_in_2018_with_its_reason_and_no_change(client, sett, evaluator):
    # Seed 001 L387, L1302: new answer categories in 2018, «brudd i tidsserien».
    value = Verdi.objects.get(indikator__number=32, unit__code="0", year=2018)
    assert value.break_in_series and "ja/nei" in value.break_reason
    html = _get(client, evaluator, BASE + "32/").content.decode()
    assert '<abbr class="brudd" title="Brudd i serien">|</abbr> 37' in html
    assert "Norge: 2018 | Svarkategoriene endret i 2018" in html
    assert "Ingen endring over brudd: 2018: Svarkategoriene endret" in html


def test_redefined_and_revised_indicators_carry_a_note_but_no_break(sett):
    # Seed 001 L1628: indicator 93's new definition was applied to 2016 and 2017 too,
    # «sammenlignbar over tid»; L1653: indicator 91's figures were revised.
    v93 = Verdi.objects.get(indikator__number=93, unit__code="0", year=2017)
    assert not v93.break_in_series and "L1628" in v93.merknad
    v91 = Verdi.objects.get(indikator__number=91, unit__code="0", year=2016)
    assert not v91.break_in_series and "Revidert" in v91.merknad


def test_bergens_series_reaches_back_through_1201_with_a_break_at_the_reform(
    client, sett, bergen_planlegger
):
    html = _get(client, bergen_planlegger, BASE + "16/").content.decode()
    row = html[html.index('<th scope="row">Bergen</th>'):]
    row = row[:row.index("</tr>")]
    assert "58\xa0%" in row and '<span class="muted">(1201)</span>' in row  # 2016 from 1201
    assert '<abbr class="brudd" title="Brudd i serien">|</abbr> 54\xa0%' in row  # 2020, 4601
    assert row.count('<th scope="row">') == 1  # one row for Bergen, not two
    assert "Bergen: 2020 | Ny kode fra 2020, før Bergen (1201)" in html
    assert "Ingen endring over brudd" in row


def test_the_series_api_gives_symbols_reasons_and_the_predecessor(client, sett,
                                                                  bergen_planlegger):
    data = _get(client, bergen_planlegger, f"/api/indikatorer/{SLUG}/16/serier/").json()
    bergen = next(s for s in data["serier"] if s["enhet"] == "4601")
    years = {y["ar"]: y for y in bergen["ar"]}
    assert list(years) == [2016, 2017, 2018, 2019, 2020]
    assert years[2016]["fra_enhet"] == "1201" and years[2016]["verdi"] == 58.0
    assert years[2019]["symbol"] == ".." and years[2019]["verdi"] is None
    assert years[2020]["etikett"] == "2020 |" and years[2020]["fra_enhet"] == "4601"
    assert years[2020]["brudd"] == ["Ny kode fra 2020, før Bergen (1201)"]
    assert bergen["segmenter"] == [[2016, 2017, 2018], [2020]]
    assert bergen["siste_endring"]["verdi"] is None
    assert "Ny kode" in bergen["siste_endring"]["hvorfor_ingen"]
    assert {s["enhet"] for s in data["serier"]} == {"0", "4601"}  # not Oslo, not Stavanger


def test_bergens_status_table_takes_2018_from_1201_and_marks_the_reform(
    client, sett, bergen_planlegger
):
    html = _get(client, bergen_planlegger, BASE + "?enhet=4601").content.decode()
    row = html[html.index('<td>16</td>'):]
    row = row[:row.index("</tr>")]
    assert "55\xa0%" in row  # 2018, Bergen 1201 (illustrative demo value)
    assert "54\xa0%" in row and "brudd i serien" in row  # 2020, Bergen 4601
    assert "2020 |: Ny kode fra 2020, før Bergen (1201)" in html
    assert "Verdier før reformen er fra 1201." in html


def test_the_comparison_names_the_predecessor_and_marks_the_reform_year(
    client, sett, bergen_planlegger
):
    before = _get(client, bergen_planlegger, BASE + "16/sammenlign/?ar=2018").content.decode()
    assert "Bergen (1201, før 2020)" in before
    after = _get(client, bergen_planlegger, BASE + "16/sammenlign/?ar=2020").content.decode()
    row = after[after.index('<th scope="row">Bergen</th>'):]
    row = row[:row.index("</tr>")]
    assert '<abbr class="brudd" title="Brudd i serien">|</abbr> 54\xa0%' in row
    assert "Ny kode fra 2020, før Bergen (1201)" in row


def test_the_xlsx_status_table_keeps_a_break_on_a_number(client, sett, bergen_planlegger):
    # Bergen's 2020 value of indicator 16 follows the reform: a number, shown «54 % |».
    client.force_login(bergen_planlegger)
    *sheets, _about = xlsx_sheets(client.get(BASE + "status.xlsx?enhet=4601").content)
    [row] = [r for ws in sheets for r in ws.iter_rows(min_row=3) if r[0].value == 16]
    [marked] = [c for c in row if c.data_type == "n" and '" |"' in c.number_format]
    assert marked.value == 54
    assert marked.number_format.startswith('#,##0\\ "%"" |"')
    notes = [r[0].value for ws in sheets for r in ws.iter_rows() if r[0].value]
    assert any("«|» brudd i serien" in str(n) for n in notes)
    about = [r[0].value for r in _about.iter_rows() if r[0].value]
    assert "2020 |: Ny kode fra 2020, før Bergen (1201)" in about
    assert "Verdier før reformen er fra 1201." in about


def test_the_xlsx_status_table_gives_a_values_break_reason(client, sett, evaluator):
    # Indicator 32's new answer categories in 2018 (seed 001 L387).
    client.force_login(evaluator)
    *sheets, _about = xlsx_sheets(client.get(BASE + "status.xlsx?enhet=0").content)
    notes = [str(r[0].value) for ws in sheets for r in ws.iter_rows() if r[0].value]
    assert any(n.startswith("32, 2018 |: Svarkategoriene endret") for n in notes)
