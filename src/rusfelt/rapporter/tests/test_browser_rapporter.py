"""A reader picks a unit and year, reads the report with its chart, and downloads the PDF."""

import pytest

from rusfelt.rapporter.tests.test_views import (  # noqa: F401 (a fixture)
    fake_key_figures,
    stavanger_rounds,
)

pytestmark = pytest.mark.browser


def test_a_reader_reads_and_downloads_a_report(
    live_server, page, login, screenshot, oslo_leser, monkeypatch
):
    from rusfelt.rapporter import services

    monkeypatch.setattr(services, "key_figures", fake_key_figures)
    login(page, oslo_leser)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Rapporter").click()
    page.get_by_label("Enhet").select_option(label="St. Hanshaugen (030104)")
    page.get_by_label("År").fill("2019")
    page.get_by_role("button", name="Vis rapporten").click()

    assert page.get_by_role("heading", level=2, name="Kartlegging").is_visible()
    table = page.get_by_role("table", name="Nøkkeltall 2019")
    row = table.get_by_role("row", name="St. Hanshaugen")
    assert row.get_by_role("cell").nth(0).inner_text() == "319"
    chart = page.get_by_role("img", name="Linjediagram over andelene i tabellen «Utvikling».")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "rapporter-report")

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned som PDF").click()
    assert download.value.suggested_filename == "rusfelt-030104-2019.pdf"


@pytest.mark.usefixtures("stavanger_rounds")
def test_a_reader_on_a_phone_sees_stavangers_breaks_and_unmapped_years(
    live_server, browser, login, screenshot, make_user
):
    # Seed 004 L325-348 at 360 px: 2013 and 2017 not mapped, breaks in 2015 and 2018.
    context = browser.new_context(locale="nb-NO", viewport={"width": 360, "height": 780},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, make_user("stavanger-leser", ("1103", "leser")))
    page.goto(f"{live_server.url}/rapporter/1103/2018/")
    table = page.get_by_role("table", name="Utvikling i Stavanger")
    years = [t.strip() for t in table.get_by_role("rowheader").all_inner_texts()]
    assert years == ["2010", "2011", "2012", "2013", "2014", "2015 |", "2016", "2017",
                     "2018 |"]
    # «2015 |» stays on one line in the narrow table.
    header = table.get_by_role("rowheader", name="2015 |")
    box = header.bounding_box()
    line = header.evaluate("th => parseFloat(getComputedStyle(th).lineHeight)")
    assert box["height"] < 2 * line + 16
    unmapped = table.get_by_role("row", name="2013")
    assert set(unmapped.get_by_role("cell").all_inner_texts()) == {".."}
    assert page.get_by_text("2013 .. Ikke kartlagt").is_visible()
    assert page.get_by_text("2015 | Aldersgruppene endret", exact=False).is_visible()
    chart = page.get_by_role("img", name="Linjediagram over andelene", exact=False)
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "(2013, 2017)" in chart.get_attribute("alt")
    assert "(2015, 2018)" in chart.get_attribute("alt")
    screenshot(page, "rapporter-stavanger-brudd-360")
    context.close()
