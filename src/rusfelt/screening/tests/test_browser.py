"""The self-test in a real browser at 390 px: each instrument walked to its
result, axe-core clean on every kind of page, no cookie but the language one,
and the whole test without JavaScript."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rusfelt.conftest import AXE, axe_violations

pytestmark = pytest.mark.browser
OSLO = ZoneInfo("Europe/Oslo")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=OSLO)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    """A phone-sized page whose CSP is bypassed so axe-core can be injected."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run npm ci (bin/test does)")
    context = browser.new_context(locale="nb-NO", viewport=PHONE, is_mobile=True,
                                  has_touch=True, bypass_csp=True)
    page = context.new_page()
    # The first request of a live server imports every view; on a loaded
    # 2-core machine that alone can pass 10 s (as in kartlegging's and konto's tests).
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def site(live_server, make_tjeneste):
    weekdays = [(d, "08:00", "15:30") for d in range(5)]
    make_tjeneste("rusteam", name="Rusteamet", unit="0301", category="lavterskel",
                  hours=weekdays, phone="22 00 00 00")
    make_tjeneste("rusbehandling", name="Poliklinikk rus", unit="0301", category="behandling",
                  hours=weekdays)
    return live_server


def assert_clean(page, where):
    violations = axe_violations(page)
    assert violations == [], f"{where}: {violations}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: scrolls sideways ({width} px)"


def answer(page, index):
    page.locator(f"label[for=id_valg_{index}]").click()
    page.locator("button[value=neste]").click()


def test_audit_on_a_phone_from_start_to_help(phone, site, screenshot):
    with time_machine.travel(MONDAY_10, tick=True):
        phone.goto(f"{site.url}/selvtest/")
        assert_clean(phone, "index")
        phone.get_by_role("link", name="AUDIT", exact=True).click()
        assert_clean(phone, "start")
        phone.get_by_label("Kvinne").check()
        phone.get_by_label("Kommune eller bydel").select_option("0301")
        phone.get_by_role("button", name="Start testen").click()
        # Points per item: 1,1,1,0,0,0,0,0 and item 9 "Ja, men ikke i løpet av siste år".
        choices = [1, 1, 1, 0, 0, 0, 0, 0, 1, 0]
        for number, choice in enumerate(choices, start=1):
            assert phone.locator(".st-progress").inner_text() == f"AUDIT: spørsmål {number} av 10"
            # One question per screen: one heading-legend, its options, nothing else to answer.
            assert phone.locator("legend h1").count() == 1
            if number == 1:
                assert phone.locator("legend h1").inner_text() == "Hvor ofte drikker du alkohol?"
                assert_clean(phone, "question")
                screenshot(phone, "selvtest-sporsmal-390")
            answer(phone, choice)
        assert phone.get_by_role("heading", level=1).inner_text() == "Resultatet ditt"
        body = phone.locator("main").inner_text()
        assert "Du fikk 5 av 40 poeng på AUDIT." in body
        assert "Svarene dine tyder på lav risiko." in body  # a woman at 5: just below 6
        assert body.index("Rusteamet") < body.index("Hjelp hele døgnet")
        assert "Åpent nå" in body
        assert_clean(phone, "result")
        screenshot(phone, "selvtest-resultat-390")
    assert phone.context.cookies() == []


def test_audit_c_with_a_missing_answer_and_going_back(phone, site):
    phone.goto(f"{site.url}/selvtest/audit-c/")
    phone.get_by_label("Mann").check()
    phone.get_by_role("button", name="Start testen").click()
    answer(phone, 2)
    phone.locator("button[value=neste]").click()  # nothing chosen
    assert phone.get_by_role("alert").inner_text() == "Velg ett av svarene før du går videre."
    assert_clean(phone, "question with error")
    phone.locator("button[value=tilbake]").click()
    assert phone.locator(".st-progress").inner_text() == "AUDIT-C: spørsmål 1 av 3"
    assert phone.locator("#id_valg_2").is_checked()
    answer(phone, 2)
    answer(phone, 1)
    answer(phone, 1)
    body = phone.locator("main").inner_text()
    assert "Du fikk 4 av 12 poeng på AUDIT-C." in body
    assert "under grensen" in body  # a man at 4: just below 5
    assert_clean(phone, "audit-c result")
    assert phone.context.cookies() == []


def test_dudit_is_offered_in_english_only_and_walks_through(phone, site):
    phone.goto(f"{site.url}/selvtest/dudit/")
    assert "Spørsmålsteksten er ikke lagt inn." in phone.locator("main").inner_text()
    assert phone.locator("input[type=radio]").count() == 0
    assert_clean(phone, "dudit unavailable")
    phone.get_by_role("button", name="Take the test in English").click()
    phone.get_by_label("Female").check()
    phone.get_by_role("button", name="Start the test").click()
    assert phone.locator("legend h1").inner_text() == (
        "How often do you use drugs other than alcohol?")
    assert_clean(phone, "dudit question")
    for _ in range(9):
        answer(phone, 0)
    answer(phone, 1)  # item 10: "Yes, but not over the past year" = 2 points
    answer(phone, 0)
    body = phone.locator("main").inner_text()
    assert "You scored 2 of 44 points on DUDIT." in body  # a woman at 2: at the limit
    assert "may be causing you problems" in body
    assert_clean(phone, "dudit result")
    assert [c["name"] for c in phone.context.cookies()] == ["django_language"]


def test_the_whole_test_works_without_javascript(browser, site):
    context = browser.new_context(locale="nb-NO", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{site.url}/selvtest/audit-c/")
        page.get_by_label("Kvinne").check()
        page.get_by_role("button", name="Start testen").click()
        for choice in (1, 1, 2):
            answer(page, choice)
        assert "Du fikk 4 av 12 poeng på AUDIT-C." in page.locator("main").inner_text()
        assert "på eller over grensen" in page.locator("main").inner_text()
        assert context.cookies() == []
    finally:
        context.close()
