"""The foundation in a real browser: log in, see your units, be refused, log out."""

import pytest

pytestmark = pytest.mark.browser


def test_a_planner_logs_in_sees_their_units_is_refused_elsewhere_and_logs_out(
    live_server, page, login, screenshot, bergen_planlegger
):
    page.goto(live_server.url + "/")
    screenshot(page, "core-home-anonymous")
    page.get_by_role("link", name="Logg inn").click()
    screenshot(page, "core-login")

    login(page, bergen_planlegger)
    assert page.get_by_text(f"Innlogget som {bergen_planlegger.username}").is_visible()
    screenshot(page, "core-home")

    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Mine enheter"
    ).click()
    table = page.get_by_role("table")
    assert table.get_by_role("link", name="Bergenhus").is_visible()
    assert table.get_by_text("Stavanger").count() == 0
    screenshot(page, "core-units")

    table.get_by_role("link", name="Bergenhus").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bergenhus")
    screenshot(page, "core-unit-detail")

    response = page.goto(live_server.url + "/enheter/1103/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Fant ikke siden").is_visible()
    screenshot(page, "core-refused")

    page.get_by_role("button", name="Logg ut").click()
    assert page.get_by_role("link", name="Logg inn").is_visible()
    response = page.goto(live_server.url + "/enheter/")
    assert "/logg-inn/" in page.url


def test_an_administrator_grants_a_role_and_reads_the_log(
    live_server, page, login, screenshot, admin_user, make_user
):
    make_user("ny.kartlegger", home="0301")
    login(page, admin_user)
    page.get_by_role("link", name="Administrasjon").click()
    screenshot(page, "core-admin-users")
    page.get_by_role("link", name="ny.kartlegger").click()
    page.get_by_label("Enhet").select_option(label="St. Hanshaugen (030104)")
    page.get_by_label("Rolle").select_option("kartlegger")
    page.get_by_role("button", name="Gi rolle").click()
    assert page.get_by_text("Tilgangen er gitt.").is_visible()
    assert page.get_by_role("cell", name="St. Hanshaugen (030104)").is_visible()
    screenshot(page, "core-admin-user-detail")

    page.goto(live_server.url + "/administrasjon/logg/")
    assert page.get_by_role("cell", name="Tilgang gitt").first.is_visible()
    assert page.get_by_role("cell", name="Innlogging").first.is_visible()
    screenshot(page, "core-audit-log")


def test_the_layout_works_on_a_phone_with_the_keyboard(
    live_server, phone_page, screenshot, units
):
    page = phone_page
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnholdet")
    assert skip.evaluate("el => el === document.activeElement")
    # Visible focus: the focused skip link is moved on screen.
    assert skip.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # No horizontal scrolling on a 390 px wide screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "core-home-phone")


def test_english_is_selectable_in_the_browser(live_server, page, units):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("link", name="Log in").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Norsk (bokmål)").click()
    assert page.get_by_role("link", name="Logg inn").is_visible()
