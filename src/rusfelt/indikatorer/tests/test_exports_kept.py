"""The status table's exports keep their file per data version (issue 12).

A second export of the same table reads no values and writes no file again; a new
data version (an import) is exported at once, and every export is still audited.
"""

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from rusfelt.core.dokumenter import render
from rusfelt.core.models import AuditEvent
from rusfelt.core.tests.test_dokumenter import xlsx_sheets
from rusfelt.indikatorer import demo, services, views
from rusfelt.indikatorer.models import Indikatorsett, Verdi

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


def test_a_kept_file_does_not_evict_a_kept_page(client, sett, oslo_leser, settings):
    """Files are kept in their own cache (``views.KEPT_FILES_CACHE``), bounded apart from
    the pages' ``sider``: however many files a process keeps, its kept pages stay."""
    client.force_login(oslo_leser)
    assert client.get(BASE + "?enhet=0").status_code == 200
    pages, files = caches[views.KEPT_CONTENT_CACHE], caches[views.KEPT_FILES_CACHE]
    kept_pages = set(pages._cache)
    made = [client.get(f"{BASE}status.{fmt}?enhet=0").content for fmt in ("xlsx", "pdf")]
    assert not [f for f in made for entry in pages._cache.values() if f in entry]
    assert len(files._cache) == 2
    for n in range(settings.CACHES[views.KEPT_CONTENT_CACHE]["OPTIONS"]["MAX_ENTRIES"]):
        views._kept_file(("fil", n), lambda: (b"x", "f.xlsx"))
    assert kept_pages <= set(pages._cache)
    assert len(files._cache) <= settings.CACHES[views.KEPT_FILES_CACHE]["OPTIONS"][
        "MAX_ENTRIES"] < settings.CACHES[views.KEPT_CONTENT_CACHE]["OPTIONS"]["MAX_ENTRIES"]


def _cells(content: bytes) -> list:
    return [[[cell.value for cell in row] for row in sheet.iter_rows()]
            for sheet in xlsx_sheets(content)]


def test_a_file_above_the_kept_size_is_made_again(client, sett, oslo_leser, monkeypatch):
    """The files kept take at most their cache's entries times ``KEPT_FILE_MAX_BYTES``."""
    written = []
    real = render.render
    monkeypatch.setattr(render, "render", lambda document, f: written.append(f) or real(
        document, f))
    monkeypatch.setattr(views, "KEPT_FILE_MAX_BYTES", 100)
    client.force_login(oslo_leser)
    first, again = (_cells(client.get(f"{BASE}status.xlsx?enhet=0").content)
                    for _ in range(2))
    # The same table made twice (not the same bytes: a workbook carries the second it
    # was written in).
    assert again == first and first
    assert written == ["xlsx", "xlsx"]
    assert len(caches[views.KEPT_FILES_CACHE]._cache) == 0


# --- The first export after an import (issue 12) -----------------------------------


def test_the_first_export_after_an_import_reads_no_coverage_of_the_set(
        client, sett, oslo_leser, monkeypatch):
    """An export shows no filter choices: it reads its unit's and year's own rows, not
    the set's coverage, whose scan of every value was half its time."""
    read = []
    monkeypatch.setattr(services, "coverage", lambda s: read.append(s) or {})
    client.force_login(oslo_leser)
    for query in ("enhet=0", "enhet=0301", "enhet=0301&til=2019", ""):
        Indikatorsett.values_changed(Indikatorsett.objects.get(slug=demo.SLUG).pk)
        assert client.get(f"{BASE}status.xlsx?{query}").status_code == 200
    assert read == []


@pytest.fixture
def evaluator(make_user):
    return make_user("evaluator", ("0", "leser"))


QUERIES = ["", "enhet=0", "enhet=0301", "enhet=030101", "enhet=4601", "enhet=1201",
           "enhet=0&til=2019", "enhet=0301&til=2017", "til=2018", "til=1999", "til=02018",
           "til=abc", "til=%C2%B2", "enhet=9999", "enhet=0&gruppe=HM5&vurdering=rod",
           "enhet=0301&kilde=Ungdata&type=effekt", "enhet=0&gruppe=XX", "til=2016&enhet=03"]


@pytest.fixture
def other_years(sett, units):
    """A year only Bergen has in the demo set, and a set the country has no values in
    (its default unit is then the first with values)."""
    demo_set = Indikatorsett.objects.get(slug=demo.SLUG)
    Verdi.objects.create(indikator=demo_set.indikatorer.get(number=16), unit=units["4601"],
                         year=2030, value=1)
    key_figures = services.kartlegging_set()
    for code, year in (("0301", 2024), ("1201", 2019), ("4601", 2024)):
        Verdi.objects.create(indikator=key_figures.indikatorer.first(), unit=units[code],
                             year=year, value=2)
    return {"demo": demo_set, "kartlegging": key_figures}


@pytest.mark.parametrize("who", ["oslo_leser", "evaluator", "bergen_planlegger", "outsider"])
def test_an_exports_filters_are_the_pages(other_years, make_user, request, who):
    """The export's form, read without the set's coverage (``views._export_choices``),
    selects the same table as the page's: the same unit (or the same 404), taken-over
    units, years and filters (``table_key`` names them all) and the same words."""
    user = make_user("outsider") if who == "outsider" else request.getfixturevalue(who)

    def context(sett, query, export):
        caches[views.KEPT_CONTENT_CACHE].clear()
        get = RequestFactory().get(f"{BASE}status.xlsx?{query}")
        get.user = user
        try:
            found = views._status_context(get, sett, build=False, export=export)
        except (Http404, PermissionDenied) as exc:
            return type(exc)
        form = found["form"]
        return (found["table_key"], found["unit"].code, form.is_valid(),
                getattr(form, "cleaned_data", None), form.summary() if form.is_valid() else "")

    queries = QUERIES + ["til=2030", "enhet=4601&til=2030", "til=2024", "enhet=4601&til=2019"]
    differ = [(which, query) for which, sett in other_years.items() for query in queries
              if context(sett, query, True) != context(sett, query, False)]
    assert differ == []
