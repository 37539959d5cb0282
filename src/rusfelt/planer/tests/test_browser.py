"""Browser journeys: a planner brings a plan in, follows it for two periods and
produces the report in three formats; two planners edit the same measure."""


import pytest

from rusfelt.conftest import axe_violations
from rusfelt.planer import demo
from rusfelt.planer.models import Plan, Statusoppdatering, Tiltak

pytestmark = pytest.mark.browser

PLAN_FILE = """type;kode;tekst;forelder;art;omrade;hovedmal;ansvarlig;frist;kostnad
hovedmal;HM1;Færre unge utvikler rusproblemer;;;;;;;
hovedmal;HM2;Bedre hjelp til dem som har rusproblemer;;;;;;;
omrade;A;Forebygging;;innsatsomrade;;;;;
omrade;A1;Skole og fritid;A;tema;;;;;
omrade;B;Oppfølging i bolig;;innsatsomrade;;;;;
tiltak;1;Delta i Ungdata hvert tredje år;;gjennomfore;A1;HM1;Helsehuset;31.12.2025;
tiltak;2;Foreldremøter om rus på alle ungdomsskoler;;gjennomfore;A1;HM1;;;150 000
tiltak;3;Vurdere eget botilbud for unge voksne;;vurdere;B;HM2;;;
tiltak;4;Housing First i ordinær drift;;gjennomfore;B;HM2;Housing First-teamet;30.06.2025;
"""


def _report_status(page, url, year, statuses):
    page.goto(f"{url}?year={year}&tertial=0")
    for i, (status, comment) in enumerate(statuses):
        page.select_option(f"#id_form-{i}-status", status)
        page.fill(f"#id_form-{i}-comment", comment)


def test_planner_imports_follows_two_periods_and_reports(
    live_server, page, login, screenshot, stavanger_planlegger, tmp_path
):
    login(page, stavanger_planlegger)
    page.goto(f"{live_server.url}/planer/")
    page.get_by_role("link", name="Importer en plan").click()
    bad = tmp_path / "feil.csv"
    broken = PLAN_FILE.replace("31.12.2025", "snart").replace(";A1;HM1;;;150", ";Q;HM1;;;150")
    bad.write_text(broken, encoding="utf-8")
    page.get_by_label("Planfil (CSV eller XLSX)").set_input_files(str(bad))
    page.get_by_label("Eier (enhet)").select_option(label="Stavanger (1103)")
    page.get_by_label("Kortnavn").fill("stavanger-ungdom-2024-2027")
    page.get_by_label("Tittel").fill("Handlingsplan for unge og rus")
    page.get_by_label("Fra år").fill("2024")
    page.get_by_label("Til år").fill("2027")
    page.get_by_label("Vedtaksreferanse").fill("bystyresak 45/24")
    page.get_by_label("Status").select_option("vedtatt")
    page.get_by_role("button", name="Importer").click()
    errors = page.locator(".import-errors")
    assert "Linje 7, kolonne frist" in errors.inner_text()
    assert "Linje 8, kolonne omrade" in errors.inner_text()
    assert not Plan.objects.filter(slug="stavanger-ungdom-2024-2027").exists()
    screenshot(page, "planer-import-feil")

    good = tmp_path / "plan.csv"
    good.write_text(PLAN_FILE, encoding="utf-8")
    page.get_by_label("Planfil (CSV eller XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_url("**/planer/stavanger-ungdom-2024-2027/")
    assert "Planen er importert med 4 tiltak" in page.content()
    plan = Plan.objects.get(slug="stavanger-ungdom-2024-2027")

    status_url = f"{live_server.url}/planer/{plan.slug}/status/"
    _report_status(page, status_url, 2024, [
        ("pagar", "Første runde i gang"), ("ikke_startet", ""), ("pagar", "Utredning startet"),
        ("pagar", "Teamet er etablert"),
    ])
    screenshot(page, "planer-status-2024")
    page.get_by_role("button", name="Lagre statuser").click()
    assert "4 statuser er lagret for 2024" in page.content()
    _report_status(page, status_url, 2025, [
        ("gjennomfort", "Ungdata gjennomført våren 2025"), ("utsatt", "Utsatt til 2026"),
        ("pagar", ""), ("", ""),
    ])
    page.get_by_role("button", name="Lagre statuser").click()
    assert "3 statuser er lagret for 2025" in page.content()
    assert Statusoppdatering.objects.filter(tiltak__plan=plan).count() == 7

    page.goto(f"{live_server.url}/planer/{plan.slug}/?ar=2025")
    assert page.locator("figure.chart img").count() == 1
    screenshot(page, "planer-oversikt-ny-plan")

    page.get_by_role("link", name="Statusrapport").first.click()
    page.locator("#id_periode").fill("2025")
    page.get_by_role("button", name="Vis rapport").click()
    status_table = page.get_by_role("table", name="Tiltak etter status")
    text = status_table.inner_text()
    assert "Gjennomført\t1" in text and "Utsatt\t1" in text and "Pågår\t2" in text
    screenshot(page, "planer-rapport-html")
    for label, suffix in (("PDF", ".pdf"), ("Word (.docx)", ".docx"), ("HTML-fil", ".html")):
        with page.expect_download(timeout=30_000) as info:
            page.get_by_role("link", name=label).click()
        download = info.value
        assert download.suggested_filename == f"statusrapport-{plan.slug}-2025{suffix}"
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.stat().st_size > 1000


def test_two_planners_editing_the_same_measure(
    live_server, browser, login, screenshot, stavanger_planlegger, make_user
):
    demo.load()
    other = make_user("stavanger-planlegger-2", ("1103", "planlegger"))
    tiltak = Tiltak.objects.get(plan__slug="stavanger-rusplan-2019-2023", number="24")
    url = f"{live_server.url}/planer/stavanger-rusplan-2019-2023/tiltak/{tiltak.pk}/endre/"
    pages = []
    for user in (stavanger_planlegger, other):
        context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
        p = context.new_page()
        p.set_default_timeout(10_000)
        login(p, user)
        p.goto(url)
        pages.append(p)
    first, second = pages
    first.get_by_label("Tekst").fill("Vurdere eget botilbud for kvinner, med bydel Storhaug.")
    second.get_by_label("Tekst").fill("Etablere et botilbud for kvinner innen 2022.")
    first.get_by_role("button", name="Lagre").click()
    assert "Tiltaket er lagret" in first.content()
    second.get_by_role("button", name="Lagre").click()
    alert = second.locator(".conflict")
    assert "endret av noen andre" in alert.inner_text()
    assert "med bydel Storhaug" in alert.inner_text()  # the saved text, to compare
    assert second.get_by_label("Tekst").input_value() == (
        "Etablere et botilbud for kvinner innen 2022."
    )
    screenshot(second, "planer-konflikt")
    tiltak.refresh_from_db()
    assert tiltak.text.endswith("med bydel Storhaug.") and tiltak.version == 2
    second.get_by_role("button", name="Lagre").click()
    assert "Tiltaket er lagret" in second.content()
    tiltak.refresh_from_db()
    assert tiltak.text == "Etablere et botilbud for kvinner innen 2022." and tiltak.version == 3
    for p in pages:
        p.context.close()


def test_demo_plans_in_the_browser(live_server, page, phone_page, login, screenshot, make_user):
    demo.load()
    user = make_user("oslo-planlegger-b", ("0301", "planlegger"))
    login(page, user)
    page.goto(f"{live_server.url}/planer/")
    screenshot(page, "planer-liste")
    page.goto(f"{live_server.url}/planer/st-hanshaugen-rusplan/tiltak/")
    assert "Svarer på" in page.content() and "S1-c" in page.content()
    screenshot(page, "planer-tiltak-st-hanshaugen")
    page.goto(f"{live_server.url}/planer/oslo-strategisk-plan-rus/")
    screenshot(page, "planer-oversikt-oslo")
    login(phone_page, user)
    phone_page.goto(f"{live_server.url}/planer/st-hanshaugen-rusplan/")
    screenshot(phone_page, "planer-oversikt-mobil")


def test_text_at_a_date_in_the_browser(live_server, page, login, screenshot,
                                       stavanger_planlegger):
    demo.load()
    tiltak = Tiltak.objects.get(plan__slug="stavanger-rusplan-2019-2023", number="7")
    login(page, stavanger_planlegger)
    page.goto(f"{live_server.url}/planer/stavanger-rusplan-2019-2023/tiltak/{tiltak.pk}/")
    page.get_by_label("Tekst per dato").fill("2019-06-01")
    page.get_by_role("button", name="Vis teksten").click()
    assert "to helse- og sosialkontor" in page.locator(".text-at").inner_text()
    screenshot(page, "planer-tiltak-tekst-per-dato")
    page.goto(f"{live_server.url}/planer/stavanger-rusplan-2019-2023/")
    screenshot(page, "planer-oversikt-stavanger")


def test_axe_finds_no_violations_on_the_plan_pages(live_server, axe_page, login,
                                                   stavanger_planlegger):
    demo.load(slugs=["stavanger-rusplan-2019-2023"])
    tiltak = Tiltak.objects.get(plan__slug="stavanger-rusplan-2019-2023", number="7")
    base = f"{live_server.url}/planer/stavanger-rusplan-2019-2023"
    page = axe_page
    login(page, stavanger_planlegger)
    found = {}
    for path in ["/", "/tiltak/", f"/tiltak/{tiltak.pk}/?dato=2019-06-01",
                 f"/tiltak/{tiltak.pk}/endre/", "/status/", "/endringer/",
                 "/rapport/?periode=2021"]:
        page.goto(base + path)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
