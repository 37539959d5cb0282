"""A reader picks a unit and year, reads the report with its chart, and downloads the PDF."""

import pytest

from rusfelt.rapporter.tests.test_views import fake_key_figures

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
