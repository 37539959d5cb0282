"""Missing is never zero, nor silently absent, in a round's results tables (issue 15, item 1).

A field nobody in the round was registered with (the plans, risk and
violence flags, birthplace, living situation, contact with children) has no
data: each results table shows its rows as «..» with a footnote saying so,
on the page, in the XLSX and in the CSV, never 0 or «-», and never just
leaves the table out.
"""

import csv
import io
import random
import re
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from rusfelt.kartlegging import demo, services
from rusfelt.kartlegging.models import State

pytestmark = pytest.mark.django_db

VALUES = {"tjeneste": "nav", "kategori": "rus", "bolig": "gronn", "arbeid_aktivitet": "gul",
          "okonomi": "gul", "fysisk_helse": "gronn", "psykisk_helse": "gronn",
          "rusmiddelbruk": "rod", "sosial_fungering": "gul", "nettverk": "gul",
          "informert": True}
# Registered for some: individuell plan (6 of 12 have one). Registered for nobody: the rest.
NOBODY = {
    "planer": ["Tiltaksplan", "Kriseplan", "Ansvarsgruppe", "Koordinator"],
    "risiko": ["Selvmordsforsøk", "Selvmordsfare", "Overdose",
               "Overdosefare"],
    "vold": ["Utsatt for vold", "Utøver vold"],
    "varighet": ["Varighet over 3 år"],
}
NOBODY_COLUMNS = ["fodested", "bosituasjon", "barn_kontakt"]
NOTE = "«..»: ikke registrert for noen i runden"


def number(i):
    return demo.synthetic_number(random.Random(i), date(1975, 3, 1 + i), i % 2 == 0, set())


@pytest.fixture
def runde(units):
    runde = services.create_round("030104-2020", hjemmel="Hjemmel X", formal="Formål Y",
                                  dpia_ref="DPIA-7")
    for i in range(12):
        services.register(runde, number(i), dict(VALUES, individuell_plan=i % 2 == 0))
    services.change_state(runde, State.CLOSED)
    services.change_state(runde, State.PUBLISHED)
    return runde


def html_rows(body: str, table: str) -> dict[str, list[str]]:
    """{row label: its cells} of the table ``tabell-<table>`` on a page."""
    html = body.split(f'id="tabell-{table}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        label = re.search(r'<th scope="row">(?:<span[^>]*>)?(.*?)<', tr, re.S)
        if label:
            rows[label.group(1).strip()] = re.findall(r'<td class="num">(.*?)</td>', tr)
    return rows


def note_after(body: str, table: str) -> str:
    return body.split(f'id="tabell-{table}"', 1)[1].split("</table>", 1)[1].split(
        "<table", 1)[0]


@pytest.mark.parametrize("page", ["results", "published"])
def test_a_flag_nobody_was_registered_with_shows_two_dots_and_a_note(
        client, runde, oslo_planlegger, page):
    client.force_login(oslo_planlegger)
    body = client.get(reverse(f"kartlegging:{page}", args=[runde.code])).content.decode()
    for table, labels in NOBODY.items():
        rows = html_rows(body, table)
        for label in labels:
            assert rows[label] == ["..", ".."], (table, label)
        assert NOTE in note_after(body, table), table
    assert html_rows(body, "planer")["Individuell plan"] == ["6", "50,0"]


@pytest.mark.parametrize("page", ["results", "published"])
def test_a_column_nobody_was_registered_with_shows_two_dots_and_a_note(
        client, runde, oslo_planlegger, page):
    client.force_login(oslo_planlegger)
    body = client.get(reverse(f"kartlegging:{page}", args=[runde.code])).content.decode()
    for table in NOBODY_COLUMNS:
        rows = html_rows(body, table)
        assert rows and all(cells == ["..", ".."] for cells in rows.values()), table
        assert NOTE in note_after(body, table), table


def test_the_xlsx_writes_two_dots_as_text_where_a_field_has_no_data(client, runde, oslo_leser):
    client.force_login(oslo_leser)
    response = client.get(reverse("kartlegging:results_xlsx", args=[runde.code]))
    workbook = load_workbook(io.BytesIO(response.content))
    rows = {row[0]: row[1:] for ws in workbook for row in ws.iter_rows(values_only=True)
            if row and isinstance(row[0], str)}
    for labels in NOBODY.values():
        for label in labels:
            assert rows[label][:2] == ("..", ".."), label
    texts = [c for ws in workbook for row in ws.iter_rows(values_only=True) for c in row
             if isinstance(c, str)]
    assert any(NOTE in text for text in texts)


def test_the_csv_writes_two_dots_where_a_field_has_no_data(runde):
    out = io.StringIO()
    call_command("kartlegging", "resultater", "--runde", runde.code, stdout=out)
    cells = {(r["tabell"], r["rad"], r["kolonne"]): r["verdi"]
             for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert cells[("planer", "tiltaksplan", "ja")] == ".."
    assert cells[("vold", "vold_utover", "ja")] == ".."
    assert cells[("fodested", "norge", "antall")] == ".."
    assert cells[("planer", "individuell_plan", "ja")] == "6"


def test_the_note_on_missing_figures_is_translated(client, runde, oslo_planlegger):
    client.force_login(oslo_planlegger)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        body = client.get(reverse("kartlegging:results", args=[runde.code])).content.decode()
    finally:
        translation.deactivate()  # the request left English active for the next test
    assert "«..»: not registered for anyone in the round" in note_after(body, "planer")


@pytest.fixture
def runde_without_plans(units):
    runde = services.create_round("030104-2021", hjemmel="Hjemmel X", formal="Formål Y",
                                  dpia_ref="DPIA-7")
    for i in range(12):
        services.register(runde, number(i), dict(VALUES))
    services.change_state(runde, State.CLOSED)
    services.change_state(runde, State.PUBLISHED)
    return runde


def test_the_key_figure_tables_show_two_dots_for_individuell_plan_nobody_had(
        client, runde, runde_without_plans, oslo_planlegger):
    # «Nøkkeltall per enhet» and «per runde»; the 8th figure is «Individuell plan %»:
    # 6 of 12 in 2020, nobody registered with it in 2021.
    client.force_login(oslo_planlegger)
    body = client.get(reverse("kartlegging:results",
                              args=[runde_without_plans.code])).content.decode()
    by_year = key_figure_rows(body, "utvikling")
    assert (by_year["2020"][7], by_year["2021"][7]) == ("50,0", "..")
    [mine] = [cells for label, cells in key_figure_rows(body, "sammenligning").items()
              if "St. Hanshaugen" in label]
    assert mine[7] == ".."


def key_figure_rows(body: str, table: str) -> dict[str, list[str]]:
    html = body.split(f'id="tabell-{table}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        label = re.search(r'<th scope="row">(.*?)</th>', tr, re.S)
        if label:
            rows[label.group(1)] = re.findall(r'<td class="num">(.*?)</td>', tr)
    return rows
