"""The status table's exports keep their file per data version (issue 12).

A second export of the same table reads no values and writes no file again; a new
data version (an import) is exported at once, and every export is still audited.
"""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rusfelt.core.dokumenter import render
from rusfelt.core.models import AuditEvent
from rusfelt.core.tests.test_dokumenter import xlsx_sheets
from rusfelt.indikatorer import demo, services, views
from rusfelt.indikatorer.models import Indikatorsett

BASE = f"/indikatorer/{demo.SLUG}/"


@pytest.fixture
def sett(units):
    demo.load()
    caches[views.KEPT_CONTENT_CACHE].clear()


def _value_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "indikatorer_verdi" in q["sql"]]


def _cell(content: bytes, number: int, column: int):
    [row] = [r for ws in xlsx_sheets(content)[:-1] for r in ws.iter_rows(min_row=3)
             if r[0].value == number]
    return row[column].value


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_second_export_of_the_same_table_reads_no_values(client, sett, oslo_leser, fmt):
    client.force_login(oslo_leser)
    assert client.get(f"{BASE}status.{fmt}?enhet=0").status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get(f"{BASE}status.{fmt}?enhet=0")
    assert response.status_code == 200
    assert _value_queries(second.captured_queries) == []
    assert AuditEvent.objects.filter(action="export", user=oslo_leser).count() == 2


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_second_export_of_the_same_table_writes_no_file(client, sett, oslo_leser, fmt,
                                                          monkeypatch):
    written = []
    real = render.render
    monkeypatch.setattr(render, "render", lambda document, f: written.append(f) or real(
        document, f))
    client.force_login(oslo_leser)
    first = client.get(f"{BASE}status.{fmt}?enhet=0")
    second = client.get(f"{BASE}status.{fmt}?enhet=0")
    assert written == [fmt]
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == render.CONTENT_TYPES[fmt]
    assert second["Content-Disposition"] == (
        f'attachment; filename="{demo.SLUG}-0.{fmt}"')


def test_an_export_after_an_import_shows_the_new_figures(client, sett, oslo_leser):
    client.force_login(oslo_leser)
    before = client.get(BASE + "status.xlsx?enhet=0").content
    assert _cell(before, 4, 7) == 15894  # indicator 4's last year (seed 001 L337)
    services.import_values(Indikatorsett.objects.get(slug=demo.SLUG),
                           b"indikator,enhet,ar,verdi\n4,0,2018,16000\n", "ny.csv")
    after = client.get(BASE + "status.xlsx?enhet=0").content
    assert _cell(after, 4, 7) == 16000


def test_a_filtered_export_is_its_own_document(client, sett, oslo_leser):
    client.force_login(oslo_leser)
    every = xlsx_sheets(client.get(BASE + "status.xlsx?enhet=0").content)
    red = xlsx_sheets(client.get(BASE + "status.xlsx?enhet=0&gruppe=HM5&vurdering=rod").content)
    assert len(red) < len(every)
    about = [str(r[0].value) for r in red[-1].iter_rows() if r[0].value]
    assert any(line.startswith("Utvalg: ") for line in about)
