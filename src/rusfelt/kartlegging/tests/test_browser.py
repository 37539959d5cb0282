"""Browser journeys of kartlegging, with screenshots."""

import random
from datetime import date

import pytest

from rusfelt.kartlegging import demo, services
from rusfelt.kartlegging.models import Registrering, Runde, State

pytestmark = pytest.mark.browser

VALUES = {"tjeneste": "nav", "kategori": "rus_psykisk", "bolig": "gul",
          "arbeid_aktivitet": "rod", "okonomi": "gul", "fysisk_helse": "gronn",
          "psykisk_helse": "gul", "rusmiddelbruk": "rod", "sosial_fungering": "gul",
          "nettverk": "gul", "informert": True}


def numbers(k, male=True, seed=1):
    rng, used = random.Random(seed), set()
    return [demo.synthetic_number(rng, date(1970 + i % 30, 1 + i % 12, 1 + i % 28), male, used)
            for i in range(k)]


@pytest.fixture
def runde(units):
    return services.create_round("030104-2020", hjemmel="Helse- og omsorgstjenesteloven",
                                 formal="Planlegging av tjenestene", dpia_ref="DPIA-2020-3",
                                 tjenester=["nav", "helse_omsorg"])


def test_kartlegger_registers_a_person_and_is_refused_a_duplicate(
        page, live_server, login, screenshot, runde, sth_kartlegger):
    fnr = numbers(1)[0]
    login(page, sth_kartlegger)
    page.goto(f"{live_server.url}/kartlegging/runde/{runde.code}/")
    page.get_by_role("link", name="Registrer person").click()
    page.get_by_label("Fødselsnummer eller d-nummer").fill(fnr)
    page.get_by_label("NAV").check()
    page.get_by_label("Rus og psykisk").check()
    # Keyboard only for the life areas: Tab into each group, arrow keys pick the level.
    for area, level in [("bolig", "gul"), ("arbeid_aktivitet", "rod"), ("okonomi", "gul"),
                        ("fysisk_helse", "gronn"), ("psykisk_helse", "gul"),
                        ("rusmiddelbruk", "rod"), ("sosial_fungering", "gul"),
                        ("nettverk", "gul")]:
        page.locator(f"#id_{area}_0").focus()
        page.keyboard.press("Space")
        for _ in range(["gronn", "gul", "rod"].index(level)):
            page.keyboard.press("ArrowDown")
        assert page.locator(f"input[name={area}][value={level}]").is_checked()
    page.get_by_label("Har individuell plan").check()
    page.locator("#id_informert_0").check()
    screenshot(page, "kartlegging-register-form")
    page.get_by_role("button", name="Lagre registreringen").click()
    page.get_by_text("Registreringen er lagret").wait_for()
    assert Registrering.objects.filter(runde=runde).count() == 1

    # The same person again, from the other service: refused, naming NAV.
    page.get_by_label("Fødselsnummer eller d-nummer").fill(fnr)
    page.get_by_label("Helse og omsorg").check()
    page.get_by_label("Kun rus").check()
    for area in ("bolig", "arbeid_aktivitet", "okonomi", "fysisk_helse", "psykisk_helse",
                 "rusmiddelbruk", "sosial_fungering", "nettverk"):
        page.locator(f"#id_{area}_1").check()
    page.locator("#id_informert_1").check()
    page.get_by_role("button", name="Lagre registreringen").click()
    error = page.locator("#id_fodselsnummer_error")
    error.wait_for()
    assert "allerede registrert" in error.inner_text() and "NAV" in error.inner_text()
    assert fnr not in error.inner_text()
    # Typed values are kept; the unanswered reason is flagged in Norwegian.
    assert page.locator("#id_bolig_1").is_checked()
    assert "Skriv hvorfor" in page.content()
    screenshot(page, "kartlegging-register-duplicate")
    assert Registrering.objects.filter(runde=runde).count() == 1


def test_planner_closes_and_publishes_and_sees_results_and_chart(
        page, live_server, login, screenshot, runde, oslo_planlegger, units):
    for i, fnr in enumerate(numbers(40)):
        levels = {**VALUES, "bolig": ["gronn", "gul", "rod"][i % 3]}
        services.register(runde, fnr, levels)
    for fnr in numbers(3, male=False, seed=2):
        services.register(runde, fnr, dict(VALUES))
    # A sibling bydel's published round, so the comparison has something to show.
    other = services.create_round("030101-2020", hjemmel="h", formal="f", dpia_ref="d")
    for fnr in numbers(30, seed=3):
        services.register(other, fnr, {**VALUES, "bolig": "rod"})
    services.change_state(other, State.CLOSED)
    services.change_state(other, State.PUBLISHED)

    login(page, oslo_planlegger)
    page.goto(f"{live_server.url}/kartlegging/runde/{runde.code}/")
    screenshot(page, "kartlegging-round-overview")
    page.get_by_role("button", name="Lukk runden").click()
    page.get_by_text("Runden har nå status «Lukket»").wait_for()
    page.get_by_role("button", name="Publiser runden").click()
    page.get_by_text("Runden har nå status «Publisert»").wait_for()
    assert Runde.objects.get(pk=runde.pk).state == State.PUBLISHED
    page.get_by_role("link", name="Resultater", exact=True).click()
    page.locator("#tabell-levekarsomrader").wait_for()
    chart = page.locator("figure.chart img").first
    assert chart.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert chart.evaluate("img => img.naturalWidth") > 0
    assert "levekarsindeks-v1" in page.content()
    comparison = page.locator("#tabell-sammenligning").inner_text()
    assert "St. Hanshaugen" in comparison and "Gamle Oslo" in comparison
    screenshot(page, "kartlegging-results")


def test_leser_sees_only_the_suppressed_published_table(
        page, live_server, login, screenshot, runde, oslo_leser):
    for fnr in numbers(20):
        services.register(runde, fnr, dict(VALUES))
    for fnr in numbers(2, male=False, seed=5):
        services.register(runde, fnr, dict(VALUES))
    services.change_state(runde, State.CLOSED)
    services.change_state(runde, State.PUBLISHED)
    login(page, oslo_leser)
    page.goto(f"{live_server.url}/kartlegging/")
    page.get_by_role("link", name=f"Publiserte tabeller {runde.code}").click()
    table = page.locator("#tabell-kjonn")
    table.wait_for()
    text = table.inner_text()
    assert ":" in text and "20" not in text  # 2 women suppressed, men secondary
    screenshot(page, "kartlegging-published")
    response = page.goto(f"{live_server.url}/kartlegging/runde/{runde.code}/resultater/")
    assert response.status == 403
    response = page.goto(f"{live_server.url}/kartlegging/runde/{runde.code}/")
    assert response.status == 403


def test_demo_results_compare_bydeler_and_show_trends(page, live_server, login, screenshot,
                                                      units, oslo_planlegger,
                                                      stavanger_planlegger):
    from rusfelt.core import demo as core_demo

    core_demo.load()
    demo.load()
    # The first view computes comparisons of 15 bydeler and two charts; allow
    # for a busy 2-core machine.
    page.set_default_timeout(30_000)
    login(page, oslo_planlegger)
    page.goto(f"{live_server.url}/kartlegging/runde/030104-2019/resultater/")
    comparison = page.locator("#tabell-sammenligning").inner_text()
    assert "Gamle Oslo" in comparison and "Oslo (sum av publiserte bydeler)" in comparison
    assert "9,4" in comparison  # seed 003 L217
    assert page.locator("figure.chart img").count() == 2
    screenshot(page, "kartlegging-demo-results")
    page.context.clear_cookies()
    login(page, stavanger_planlegger)
    page.goto(f"{live_server.url}/kartlegging/runde/1103-2018/resultater/")
    trend = page.locator("#tabell-utvikling").inner_text()
    for year in ("2010", "2011", "2012", "2014", "2015", "2016", "2018"):  # seed 004 L327
        assert year in trend
    screenshot(page, "kartlegging-demo-trend")


def test_registration_form_fits_a_phone(phone_page, live_server, login, screenshot, runde,
                                        sth_kartlegger):
    login(phone_page, sth_kartlegger)
    phone_page.goto(f"{live_server.url}/kartlegging/runde/{runde.code}/registrer/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "kartlegging-register-phone")


def test_planner_imports_two_bydeler_files_together_and_a_bad_row_stores_nothing(
        page, live_server, login, screenshot, oslo_planlegger, units, tmp_path):
    rounds = [services.create_round(code, hjemmel="H", formal="F", dpia_ref="D")
              for code in ("030104-2021", "030105-2021")]
    header = ("fodselsnummer,tjeneste,kategori,bolig,arbeid_aktivitet,okonomi,fysisk_helse,"
              "psykisk_helse,rusmiddelbruk,sosial_fungering,nettverk")
    people = numbers(3)
    row = ",nav,rus,gronn,gul,rod,gul,gul,rod,gul,gronn"
    first, second = tmp_path / "030104-2021.csv", tmp_path / "030105-2021.csv"
    first.write_text(f"{header}\n{people[0]}{row}\n{people[1]}{row}\n")
    second.write_text(f"{header}\n12345678901{row}\n")
    login(page, oslo_planlegger)
    page.goto(f"{live_server.url}/kartlegging/")
    page.get_by_role("link", name="Samlet import av flere filer").click()
    page.get_by_label("Filer (CSV eller XLSX)").set_input_files([str(first), str(second)])
    page.get_by_role("button", name="Importer alle filene").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "030105-2021.csv: Linje 2, kolonne fodselsnummer" in alert.inner_text()
    assert "12345678901" not in page.content()
    screenshot(page, "kartlegging-import-batch-refused")
    assert Registrering.objects.count() == 0

    second.write_text(f"{header}\n{people[2]}{row}\n")
    page.get_by_label("Filer (CSV eller XLSX)").set_input_files([str(first), str(second)])
    page.get_by_role("button", name="Importer alle filene").click()
    page.get_by_text("3 registreringer er importert i 2 runder.").wait_for()
    assert [Registrering.objects.filter(runde=r).count() for r in rounds] == [2, 1]
