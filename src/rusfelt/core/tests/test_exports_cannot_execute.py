"""Every CSV and XLSX the system writes is fed a hostile string; none may run as a formula.

OWASP "CSV Injection" and ASVS 4.0.3 item 5.3.10. The XLSX is read back with
openpyxl (not with our writer): a formula cell would have ``data_type == "f"``.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from rusfelt.core.dokumenter import sheets
from rusfelt.core.models import AuditAction, AuditEvent, OrgUnit

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
HOSTILE = [HYPERLINK, DDE, "+1+1", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def csv_cells(content: bytes | str) -> list[str]:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_csv_is_inert(content, hostile: str):
    cells = csv_cells(content)
    assert "'" + hostile in cells, "the hostile text is missing or not neutralised"
    for cell in cells:
        assert not sheets.is_dangerous(cell), cell


def assert_xlsx_is_inert(content: bytes, hostile: str):
    workbook = load_workbook(io.BytesIO(content))
    found = False
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if cell.value == hostile:
                    found = True
                    assert cell.data_type == "s" and cell.quotePrefix
    assert found, "the hostile text is missing from the workbook"


# --- The shared writer ------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_the_writer_neutralises_text_that_a_spreadsheet_would_run(text):
    # A carriage return is written as a line feed, which the csv module quotes.
    assert csv_cells(sheets.csv_bytes([[text]])) == ["'" + text.replace("\r", "\n")]


def test_a_carriage_return_inside_a_text_stays_in_its_cell():
    assert list(csv.reader(io.StringIO(sheets.csv_bytes([["a\rb", "c"]]).decode("utf-8-sig"),
                                       newline=""))) == [["a\nb", "c"]]


@pytest.mark.parametrize("text", ["-", "-1,5", "-12.0", "+3", "Plan 2019–2023", ":", ".."],
                         ids=repr)
def test_plain_numbers_symbols_and_words_are_left_as_they_are(text):
    assert csv_cells(sheets.csv_bytes([[text]])) == [text]


def test_numbers_stay_numbers_in_both_formats():
    assert csv_cells(sheets.csv_bytes([[-3, Decimal("-1.5")]])) == ["-3", "-1.5"]
    ws = load_workbook(io.BytesIO(sheets.xlsx_bytes(
        [sheets.Sheet("s", ["a", "b"], [[-3, Decimal("-1.5")]])]))).active
    assert (ws["A2"].value, ws["A2"].data_type) == (-3, "n")
    assert (ws["B2"].value, ws["B2"].data_type) == (-1.5, "n")


def test_openpyxl_on_its_own_would_write_a_formula():
    """The reason for the writer: without it the hostile text becomes a live formula."""
    workbook = Workbook()
    workbook.active["A1"] = HYPERLINK
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert load_workbook(buffer).active["A1"].data_type == "f"


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_the_xlsx_writer_stores_text_as_text(text):
    content = sheets.xlsx_bytes([sheets.Sheet("s", ["kolonne"], [[text]])])
    assert_xlsx_is_inert(content, text)


# --- Every export ------------------------------------------------------------------------


@pytest.fixture
def hostile_plan(units):
    from rusfelt.planer import demo
    from rusfelt.planer.models import Plan

    demo.load(slugs=["stavanger-rusplan-2019-2023"])
    plan = Plan.objects.get(slug="stavanger-rusplan-2019-2023")
    measure = plan.tiltak.order_by("pk").first()
    measure.text = HYPERLINK
    measure.save(update_fields=["text"])
    plan.title = DDE
    plan.save(update_fields=["title"])
    return plan


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_plan_export_neutralises_a_measure_text(client, hostile_plan, stavanger_planlegger,
                                                   fmt):
    client.force_login(stavanger_planlegger)
    response = client.get(reverse("planer:eksport", args=[hostile_plan.slug, fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        assert_csv_is_inert(response.content, HYPERLINK)
    else:
        assert_xlsx_is_inert(response.content, HYPERLINK)


def test_the_plan_list_neutralises_a_plan_title(hostile_plan):
    out = io.StringIO()
    call_command("planer", "liste", stdout=out)
    assert_csv_is_inert(out.getvalue(), DDE)


def test_the_audit_log_neutralises_a_failed_login_user_name(client, admin_user):
    client.post(reverse("core:login"), {"username": DDE, "password": "feil-passord-999"})
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username=DDE).exists()
    client.force_login(admin_user)
    response = client.get(reverse("core:audit_log") + "?format=csv")
    assert_csv_is_inert(b"".join(response.streaming_content)
                        if response.streaming else response.content, DDE)


def test_the_access_overview_neutralises_a_logged_object(client, units, make_user):
    officer = make_user("oslo-pvo", ("0301", "personvernombud"))
    AuditEvent.objects.create(action=AuditAction.READ, username="oslo-kartlegger",
                              object_type="kartlegging.runde", object_repr=HYPERLINK,
                              unit=units["0301"])
    client.force_login(officer)
    response = client.get(reverse("kartlegging:access_overview_csv"))
    assert_csv_is_inert(response.content, HYPERLINK)


def test_the_unit_export_neutralises_a_unit_name(units):
    OrgUnit.objects.filter(code="0301").update(name=HYPERLINK)
    out = io.StringIO()
    call_command("enheter", "eksport", stdout=out)
    assert_csv_is_inert(out.getvalue(), HYPERLINK)


def test_the_indicator_table_neutralises_an_indicator_title(client, units, oslo_leser):
    from rusfelt.indikatorer import demo
    from rusfelt.indikatorer.models import Indikator

    demo.load()
    Indikator.objects.filter(sett__slug=demo.SLUG, number=4).update(title=HYPERLINK,
                                                                     source=DDE)
    client.force_login(oslo_leser)
    response = client.get(reverse("indikatorer:sett_xlsx", args=[demo.SLUG]))
    assert_xlsx_is_inert(response.content, HYPERLINK)
    assert_xlsx_is_inert(response.content, DDE)


@pytest.fixture
def published_round(units):
    from rusfelt.kartlegging import services
    from rusfelt.kartlegging.models import State
    from rusfelt.kartlegging.tests.test_views import VALUES, number

    runde = services.create_round("030104-2020", hjemmel="Hjemmel", formal="Formål",
                                  dpia_ref="DPIA-7")
    for i in range(6):
        services.register(runde, number(i), dict(VALUES))
    services.change_state(runde, State.CLOSED)
    services.change_state(runde, State.PUBLISHED)
    return runde


def test_the_record_export_neutralises_a_stored_text(published_round, oslo_planlegger):
    """Record fields are choices today; a text that slipped past them is still inert."""
    from rusfelt.kartlegging import services

    published_round.registreringer.update(anbefalte_tiltak=HYPERLINK)
    content = services.export_records_csv(published_round, user=oslo_planlegger)
    assert_csv_is_inert(content, HYPERLINK)


def test_the_results_exports_hold_no_formula(client, published_round, oslo_planlegger):
    from rusfelt.kartlegging import services

    OrgUnit.objects.filter(code="030104").update(name=HYPERLINK)
    published_round.refresh_from_db()
    client.force_login(oslo_planlegger)
    response = client.get(reverse("kartlegging:results_xlsx", args=[published_round.code]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)
    out = io.StringIO()
    services.results_csv(services.published_results(published_round), out)
    assert not any(sheets.is_dangerous(cell) for cell in csv_cells(out.getvalue()))
