"""Browser journey: an evaluator reads the status tables, an indicator chart and a comparison."""

import pytest

from rusfelt.indikatorer import demo

SLUG = demo.SLUG


@pytest.mark.browser
def test_evaluator_reads_status_tables_and_a_chart(
    live_server, page, login, make_user, screenshot
):
    demo.load()
    evaluator = make_user("evaluator", ("0", "leser"))
    login(page, evaluator)
    page.goto(f"{live_server.url}/indikatorer/")
    page.get_by_role("link", name="Opptrappingsplanen for rusfeltet 2016–2020").click()
    table = page.locator("table.status-table").filter(has_text="Samfunnseffekter")
    row = table.locator("tr").filter(has_text="rød eller blålys")
    assert "0,5\xa0%-poeng (gul)" in row.inner_text()
    screenshot(page, "indikatorer-status")

    page.get_by_label("Vurdering siste år").select_option("rod")
    page.get_by_label("Mål eller gruppe").select_option("HM3")
    page.get_by_role("button", name="Vis").click()
    assert page.locator("table.status-table").count() == 1
    screenshot(page, "indikatorer-status-filtrert")

    page.goto(f"{live_server.url}/indikatorer/{SLUG}/16/")
    chart = page.get_by_role("img", name="Linjediagram over verdiene")
    assert chart.is_visible()
    assert chart.evaluate("img => img.naturalWidth") > 100
    assert page.locator("table").filter(has_text="Oslo").count() == 1
    screenshot(page, "indikatorer-indikator-graf")

    page.get_by_role("link", name="Sammenlign enheter").click()
    assert page.get_by_role("img", name="Diagram over verdien").is_visible()
    screenshot(page, "indikatorer-sammenlign")

    page.goto(f"{live_server.url}/indikatorer/{SLUG}/mal/")
    assert page.get_by_text("Beregnet forslag").is_visible()
    screenshot(page, "indikatorer-maloppnaelse")


@pytest.mark.browser
def test_planner_imports_values_and_writes_a_goal_assessment(
    live_server, page, login, oslo_planlegger, screenshot, tmp_path
):
    from rusfelt.indikatorer.models import Maalvurdering, Verdi

    demo.load()
    login(page, oslo_planlegger)
    page.goto(f"{live_server.url}/indikatorer/{SLUG}/?enhet=0301")
    page.get_by_role("link", name="Importer verdier").click()
    bad = tmp_path / "feil.csv"
    bad.write_text("indikator;enhet;ar;verdi\n16;0301;2019;mye\n16;4601;2019;50\n")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Importer").click()
    alert = page.get_by_role("alert")
    assert "Linje 2, kolonne verdi: er ikke et tall" in alert.inner_text()
    assert "Linje 3, kolonne enhet" in alert.inner_text()
    screenshot(page, "indikatorer-import-feil")
    good = tmp_path / "verdier.csv"
    good.write_text("indikator;enhet;ar;verdi\n16;0301;2019;67\n30;0301;2019;75\n")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Importer").click()
    assert "2 verdier importert" in page.get_by_role("status").inner_text()
    assert Verdi.objects.filter(unit__code="0301", year=2019).count() == 2

    page.goto(f"{live_server.url}/indikatorer/{SLUG}/mal/?enhet=0301&til=2019")
    section = page.locator("section.goal").filter(has_text="Hovedmål 1: Brukerinnflytelse")
    section.get_by_label("Skriftlig vurdering").fill("Flere brukere har plan i 2019.")
    section.get_by_role("button", name="Lagre vurdering").click()
    assert "Vurderingen er lagret." in page.get_by_role("status").inner_text()
    assert Maalvurdering.objects.get().text == "Flere brukere har plan i 2019."
    screenshot(page, "indikatorer-maloppnaelse-oslo")


@pytest.mark.browser
def test_status_table_scrolls_sideways_on_a_phone(
    live_server, phone_page, login, oslo_leser, screenshot
):
    demo.load()
    login(phone_page, oslo_leser)
    phone_page.goto(f"{live_server.url}/indikatorer/{SLUG}/?gruppe=HM2")
    title = phone_page.get_by_role("link", name="Kommuner med oppsøkende arbeid rettet mot ungdom")
    cell = phone_page.locator("td").filter(has=title)
    assert cell.bounding_box()["width"] > 200  # the title column keeps its width
    screenshot(phone_page, "indikatorer-status-mobil")
