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
    assert "0,5 %-poeng (gul)" in row.inner_text()
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
