"""Browser journeys: search, filters, open now at a fixed clock, a service page,
keyboard-only use, screen-reader structure, axe-core and a phone screenshot."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rusfelt.conftest import axe_violations

OSLO = ZoneInfo("Europe/Oslo")
# Monday 23 November 2026 at 10:00 in Oslo: offices are open.
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)
pytestmark = pytest.mark.browser


@pytest.fixture
def directory(make_tjeneste, live_server):
    """A small directory: seed 004's K46 and Legevakt, a night shelter, a relatives' group."""
    weekdays = [(d, "10:00", "15:00") for d in range(5)]
    make_tjeneste("k46", name="K46 – for unge med rusproblemer", unit="1103",
                  category="behandling", age_min=16, age_max=25,
                  target_groups=["ungdom", "unge_voksne", "parorende"],
                  access_routes=["drop_in", "telefon_forst"], hours=weekdays,
                  description="Samtaler og behandling for unge med rusproblemer.",
                  access_text="Pårørende kan ta kontakt selv.", places=5,
                  street_address="Kannikgata 46", postal_code="4005", city="Stavanger",
                  source_ref="seed 004 L912-914")
    make_tjeneste("legevakt", name="Legevakt", unit="1103", category="akutt",
                  open_on_holidays=True, hours=[(d, "00:00", "00:00") for d in range(7)],
                  access_routes=["drop_in"], phone="116 117",
                  description="Øyeblikkelig hjelp hele døgnet.", source_ref="seed 004 L866-870")
    make_tjeneste("vinternatt", name="Vinternatt", unit="0301", category="bolig", kind="ideell",
                  hours=[(d, "21:00", "08:00") for d in range(7)], access_routes=["drop_in"],
                  description="Akutt overnatting for bostedsløse.",
                  target_groups=["bostedslose"])
    make_tjeneste("parorendegruppe", name="Pårørendegruppe", unit="030104",
                  category="parorende", target_groups=["parorende"],
                  access_routes=["timebestilling"], hours=[(2, "18:00", "20:00")],
                  description="Samtalegruppe for pårørende.", verified_on=date(2024, 1, 5))
    return live_server


def results(page):
    return page.locator(".tj-result__name").all_inner_texts()


def test_search_and_service_page(page, directory, screenshot):
    with time_machine.travel(MONDAY_10, tick=True):
        page.goto(f"{directory.url}/tjenester/")
        page.get_by_role("searchbox", name="Hva leter du etter?").fill("rusbehandling")
        page.keyboard.press("Enter")
        page.wait_for_url("**/tjenester/?q=rusbehandling**")
        assert page.locator("#tj-results-heading").inner_text() == "1 tilbud"
        assert results(page) == ["K46 – for unge med rusproblemer"]
        assert "Åpent nå til 15.00" in page.locator(".tj-result").inner_text()
        screenshot(page, "tjenester-sok")

        page.get_by_role("link", name="K46 – for unge med rusproblemer", exact=True).click()
        page.wait_for_url("**/tjenester/k46/")
        headings = page.get_by_role("heading", level=2).all_inner_texts()
        assert headings == ["Hva er det?", "Er det for meg?", "Hvordan kommer jeg inn?",
                            "Når er det åpent?", "Hvordan finner jeg fram?",
                            "Trenger du hjelp nå?"]
        assert page.locator(".tj-status").inner_text() == "Åpent nå til 15.00"
        assert "16–25 år" in page.locator("main").inner_text()
        screenshot(page, "tjenester-tjeneste")
        page.emulate_media(media="print")
        screenshot(page, "tjenester-tjeneste-utskrift")
        assert not page.get_by_role("navigation", name="Hovedmeny").is_visible()


def test_filters_and_open_now_at_a_fixed_clock(page, directory, screenshot):
    with time_machine.travel(MONDAY_10.replace(hour=23), tick=True):
        page.goto(f"{directory.url}/tjenester/")
        page.get_by_label("Bare tilbud som er åpne nå").check()
        page.get_by_role("button", name="Søk", exact=True).click()
        page.wait_for_url("**apen=on**")
        assert results(page) == ["Legevakt", "Vinternatt"]
        assert page.locator(".tj-status--open").count() == 2
        screenshot(page, "tjenester-apne-na")

        page.get_by_label("Bare tilbud som er åpne nå").uncheck()
        page.locator("summary", has_text="Avgrens søket").click()  # the folded filters open
        page.get_by_label("Hvem er du?").select_option("parorende")
        page.get_by_label("Kommune eller bydel").select_option("030104")
        page.get_by_role("button", name="Bruk filtrene").click()
        page.wait_for_url("**rolle=parorende**")
        assert results(page) == ["Pårørendegruppe"]
        assert page.locator(".tj-stale").inner_text() == "Ikke kontrollert siste 12 måneder"

        page.get_by_label("Hvem er du?").select_option("")
        page.get_by_label("Kommune eller bydel").select_option("")
        page.get_by_label("Alder").fill("30")
        page.get_by_label("Hvordan vil du komme i kontakt?").select_option("drop_in")
        page.get_by_role("button", name="Bruk filtrene").click()
        page.wait_for_url("**alder=30**")
        assert results(page) == ["Legevakt", "Vinternatt"]
    # On Christmas Day at noon only the 24-hour Legevakt is open.
    with time_machine.travel(datetime(2026, 12, 25, 12, tzinfo=OSLO), tick=True):
        page.goto(f"{directory.url}/tjenester/?apen=on")
        assert results(page) == ["Legevakt"]


def test_the_search_works_without_javascript(browser, directory):
    context = browser.new_context(locale="nb-NO", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{directory.url}/tjenester/")
    page.locator("summary", has_text="Avgrens søket").click()
    page.get_by_label("Hva trenger du?").select_option("akutt")
    page.get_by_role("button", name="Bruk filtrene").click()
    page.wait_for_url("**kategori=akutt**")
    assert results(page) == ["Legevakt"]
    context.close()


def test_keyboard_only_search_and_open_a_service(page, directory):
    page.goto(f"{directory.url}/tjenester/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til hovedinnholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab from the main landmark to the search field, type and submit.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("legevakt")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=legevakt**")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Legevakt":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/tjenester/legevakt/")
    assert page.get_by_role("heading", level=1).inner_text() == "Legevakt"
    # The focused element is visibly outlined (WCAG 2.4.7).
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_screen_reader_structure(page, directory):
    page.goto(f"{directory.url}/tjenester/?q=k46")
    assert page.get_by_role("heading", level=1).count() == 1
    for role in ("banner", "main", "contentinfo", "search"):
        assert page.get_by_role(role).count() == 1, role
    assert page.get_by_role("navigation", name="Hovedmeny").count() == 1
    # Every form control has a label a screen reader reads out.
    for label in ("Hva leter du etter?", "Hvem er du?", "Alder", "Hva trenger du?",
                  "Hvordan vil du komme i kontakt?", "Kommune eller bydel",
                  "Bare tilbud som er åpne nå"):
        assert page.get_by_label(label).count() == 1, label
    # The folded filters are a native disclosure, announced and keyboard-operable.
    summary = page.locator("details.tj-filters > summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("group", name="Avgrens søket").count() == 1
    assert page.get_by_label("Alder").is_visible()
    assert page.get_by_role("list").filter(has=page.locator(".tj-result")).count() == 1
    page.goto(f"{directory.url}/tjenester/k46/")
    assert page.get_by_role("table", name="Vanlige åpningstider").count() == 1
    assert page.get_by_role("region", name="Når er det åpent?").count() == 1
    assert page.locator("html").get_attribute("lang") == "nb"


@pytest.mark.parametrize("path", ["/tjenester/", "/tjenester/?q=rus&apen=on&alder=17",
                                  "/tjenester/k46/", "/tjenester/legevakt/",
                                  "/tjenester/parorendegruppe/"])
def test_axe_finds_no_violations(axe_page, directory, path):
    with time_machine.travel(MONDAY_10, tick=True):
        axe_page.goto(f"{directory.url}{path}")
        violations = axe_violations(axe_page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def test_phone_sized_search_and_service(phone_page, directory, screenshot):
    with time_machine.travel(MONDAY_10, tick=True):
        phone_page.goto(f"{directory.url}/tjenester/?q=legevakt")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "no sideways scrolling on a phone"
        screenshot(phone_page, "tjenester-mobil-sok")
        phone_page.goto(f"{directory.url}/tjenester/k46/")
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone_page, "tjenester-mobil-tjeneste")


def test_a_question_at_night_on_a_390_px_phone(phone_page, directory, screenshot):
    """Issue 13's person at night on a phone: a question, the results, a service."""
    with time_machine.travel(MONDAY_10.replace(hour=23), tick=True):
        phone_page.goto(f"{directory.url}/tjenester/")
        phone_page.get_by_role("searchbox", name="Hva leter du etter?").fill(
            "hvor kan jeg sove i natt")
        screenshot(phone_page, "tjenester-390-sok")
        phone_page.keyboard.press("Enter")
        phone_page.wait_for_url("**q=hvor+kan+jeg+sove+i+natt**")
        assert results(phone_page)[0] == "Vinternatt"
        first = phone_page.locator(".tj-result").first.inner_text()
        assert "Åpent nå til i morgen kl. 08.00" in first
        assert phone_page.get_by_role("link", name="ring 113").get_attribute("href") == "tel:113"
        assert phone_page.get_by_role("link", name="ring 116 117").is_visible()
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone_page, "tjenester-390-treff")

        phone_page.get_by_role("link", name="Vinternatt", exact=True).first.click()
        phone_page.wait_for_url("**/tjenester/vinternatt/")
        assert "Ingen telefonnummer er registrert." in phone_page.locator("main").inner_text()
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone_page, "tjenester-390-tjeneste")

        phone_page.goto(f"{directory.url}/tjenester/?q=finnesikke&sted=1103")
        assert phone_page.get_by_role("link", name="Legevakt").count() >= 1
        screenshot(phone_page, "tjenester-390-ingen-treff")


@pytest.mark.parametrize("path", ["/tjenester/?q=hvor+kan+jeg+sove+i+natt",
                                  "/tjenester/vinternatt/",
                                  "/tjenester/?q=finnesikke&sted=1103"])
def test_axe_finds_no_violations_at_390_px(browser, directory, path):
    context = browser.new_context(locale="nb-NO", bypass_csp=True, is_mobile=True,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    with time_machine.travel(MONDAY_10.replace(hour=23), tick=True):
        page.goto(f"{directory.url}{path}")
        violations = axe_violations(page)
    context.close()
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def test_planner_marks_a_stale_service_verified(page, directory, login, make_user, screenshot):
    planner = make_user("sth-planlegger", ("030104", "planlegger"))
    login(page, planner)
    page.goto(f"{directory.url}/tjenester/mine/")
    assert page.get_by_role("cell", name="Må kontrolleres").count() == 1
    screenshot(page, "tjenester-planlegger")
    page.get_by_role("button", name="Kontrollert i dag – Pårørendegruppe").click()
    assert page.get_by_text("Pårørendegruppe er markert som kontrollert i dag.").is_visible()
    assert page.get_by_role("cell", name="Må kontrolleres").count() == 0


def test_planner_edits_hours_and_the_pages_pass_axe(
    page, axe_page, login, directory, make_user, screenshot
):
    planner = make_user("oslo-plan", ("0301", "planlegger"))
    login(axe_page, planner)
    for path in ("/tjenester/mine/", "/tjenester/vinternatt/endre/"):
        axe_page.goto(f"{directory.url}{path}")
        assert axe_violations(axe_page) == [], path
    # The edit itself runs under the strict CSP.
    login(page, planner)
    page.goto(f"{directory.url}/tjenester/vinternatt/endre/")
    screenshot(page, "tjenester-endre")
    page.locator("#id_hours_note").fill("Stengt i juli")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url("**/tjenester/mine/")
    assert page.get_by_text("Tjenesten er lagret.").is_visible()
    page.goto(f"{directory.url}/tjenester/vinternatt/")
    assert page.get_by_text("Stengt i juli").is_visible()
